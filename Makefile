# Commands for humans and CI. `make test` is what CI runs (see .ci/run).
GO        ?= go
PKGS      ?= ./...
FUZZTIME  ?= 10s
BENCHTIME ?= 1s
STATICCHECK_VERSION ?= v0.8.2

.PHONY: all test vet race test-contrib bench hookcost fuzz lint demo tidy generate

all: test

## test: go vet, then every test with the race detector; then the contrib modules.
test: vet race test-contrib

vet:
	$(GO) vet $(PKGS)

race:
	$(GO) test -race -count=1 $(PKGS)

## test-contrib: the modules under contrib/ and cmd/, each its own (contrib/redis's tests start
## redis-server: a missing one fails the run, TIM_SKIP_REDIS=1 skips them on purpose).
test-contrib:
	@if [ "$$TIM_SKIP_REDIS" = 1 ]; then \
		echo "test-contrib: TIM_SKIP_REDIS=1: the contrib/redis tests that need redis-server are SKIPPED" >&2; \
	elif ! command -v redis-server >/dev/null 2>&1; then \
		echo "test-contrib: redis-server not found on PATH." >&2; \
		echo "  The contrib/redis tests run a real redis-server: install it (Debian: apt-get install redis-server;" >&2; \
		echo "  .ci/run does so) or set TIM_SKIP_REDIS=1 to skip them on purpose." >&2; \
		exit 1; \
	fi
	cd contrib/redis && $(GO) vet ./... && $(GO) test -race -count=1 ./...
	cd contrib/otel && $(GO) vet ./... && $(GO) test -race -count=1 ./... && $(GO) test -race -count=1 -tags otel_e2e ./...
	cd cmd/tim && $(GO) vet ./... && $(GO) test -race -count=1 ./...

## bench: every benchmark with allocation figures (see BENCHMARKS.md).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) $(PKGS)

## hookcost: what the observer hooks cost with no observer set, in instructions per call, against
## a build tagged tim_nohooks (issue 16). Needs valgrind; takes minutes; not part of test.
hookcost:
	./scripts/hookcost.sh

## fuzz: a short run of every fuzz target (FUZZTIME each).
fuzz:
	FUZZTIME=$(FUZZTIME) ./scripts/fuzz-all.sh

## lint: staticcheck, pinned, from the module proxy (cmd/tim too, its own module).
lint:
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) $(PKGS)
	cd cmd/tim && $(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

## demo: the quickstart and the consult flow against the built-in fake server.
demo:
	$(GO) run ./examples/quickstart
	$(GO) run ./examples/consult -demo
	cd cmd/tim && TIM_SDKAPPID=1400000000 TIM_SECRET_KEY=demo-key $(GO) run . sig gen alice --ttl 24h | \
		TIM_SDKAPPID=1400000000 TIM_SECRET_KEY=demo-key $(GO) run . sig verify - --user alice

## generate: rewrite README.md's coverage table from the endpoint declarations; refresh cmd/tim's
## copy of the callback corpus.
generate:
	UPDATE_README=1 $(GO) test -count=1 -run '^TestEveryCommandHasAMethod$$' .
	cd cmd/tim/corpus && $(GO) generate ./...

tidy:
	$(GO) mod tidy
