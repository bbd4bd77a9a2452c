#!/usr/bin/env bash
# hookcost.sh: what the observer hooks cost when no observer is set (issue 16),
# counted in instructions, which a shared machine cannot blur the way it blurs
# wall time.
#
# Each path is built twice: as shipped, and tagged tim_nohooks (the hooks
# compiled out, see internal/transport/hooks_off.go and event/hooks_off.go).
# Each build runs its benchmark under valgrind's cachegrind with FEW and with
# MANY calls; (count(MANY) - count(FEW)) / (MANY - FEW) is the count per call,
# start-up and the benchmark's warm-up call cancelling out. ROUNDS rounds
# alternate the builds; the median per build is kept.
#
# The count that is checked ("path") leaves out the Go runtime's own functions
# (runtime.*, internal/runtime/*, the runtime's assembly): allocation, timers,
# scheduling and map hashing. Two identical runs differ there by 1-2 % (sysmon,
# preemption and timer-heap cleaning follow wall time; map hashing and memory
# profiling are randomised), and the hooks call none of it when unset (the
# allocation count is the same: TestNoObserverNoExtraAllocations). Leaving it
# out shrinks both sides by the same amount, so the checked ratio is the
# stricter one. The whole-process count per call ("all") is printed beside it.
#
# Fails when hooks/nohooks exceeds LIMIT on either path. Not part of `make
# test`: it needs valgrind (Debian: apt-get install valgrind) and takes
# minutes.
#
#   scripts/hookcost.sh                       # defaults below
#   HOOKCOST_ROUNDS=5 scripts/hookcost.sh
set -euo pipefail

FEW=${HOOKCOST_FEW:-1000}
MANY=${HOOKCOST_MANY:-6000}
ROUNDS=${HOOKCOST_ROUNDS:-3}
LIMIT=${HOOKCOST_LIMIT:-1.01}

if ! command -v valgrind >/dev/null 2>&1; then
	echo "hookcost: valgrind not found on PATH (Debian: apt-get install valgrind)" >&2
	exit 1
fi
if ((MANY <= FEW)); then
	echo "hookcost: HOOKCOST_MANY ($MANY) must exceed HOOKCOST_FEW ($FEW)" >&2
	exit 1
fi

root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name package benchmark
paths=(
	"transport.Do ./internal/transport BenchmarkHookCostDo"
	"event.ServeHTTP ./event BenchmarkHookCostHandler"
)

echo "hookcost: building $(go version | cut -d' ' -f3) test binaries, with and without -tags tim_nohooks" >&2
for p in "${paths[@]}"; do
	read -r name pkg _ <<<"$p"
	(cd "$root" && go test -c -o "$tmp/$name.hooks" "$pkg" && go test -c -tags tim_nohooks -o "$tmp/$name.nohooks" "$pkg")
done

# count binary dir bench n: prints "<path instructions> <all instructions>"
# for one run of n calls.
count() {
	local bin=$1 dir=$2 bench=$3 n=$4 out="$tmp/cg.out"
	# No collection (GOGC=off) and no memory-profile sampling; one P; no
	# async preemption (signals) and no RDTSCP, which valgrind 3.19 cannot run.
	if ! (cd "$dir" && env GOGC=off GOMAXPROCS=1 GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off,memprofilerate=0 \
		valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$out" \
		"$bin" -test.run '^$' -test.bench "^$bench\$" -test.benchtime "${n}x" >"$tmp/run.log" 2>&1); then
		echo "hookcost: $bin failed under valgrind:" >&2
		tail -20 "$tmp/run.log" >&2
		exit 1
	fi
	if ! grep -q "^$bench" "$tmp/run.log"; then
		echo "hookcost: $bench did not run:" >&2
		tail -20 "$tmp/run.log" >&2
		exit 1
	fi
	awk '
		/^fn=/ { fn = substr($0, 4); rt = (fn ~ /^runtime[.\/]/ || fn ~ /^internal\/runtime\// || fn !~ /\./); next }
		/^[0-9]+ [0-9]+$/ { all += $2; if (!rt) path += $2 }
		END { printf "%d %d\n", path, all }
	' "$out"
}

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

fail=0
printf '%-16s %-8s %14s %14s\n' "path" "build" "path instr/call" "all instr/call"
for p in "${paths[@]}"; do
	read -r name pkg bench <<<"$p"
	dir="$root/${pkg#./}"
	: >"$tmp/hooks.path"; : >"$tmp/hooks.all"; : >"$tmp/nohooks.path"; : >"$tmp/nohooks.all"
	for ((r = 1; r <= ROUNDS; r++)); do
		builds=(hooks nohooks)
		if ((r % 2 == 0)); then
			builds=(nohooks hooks)
		fi
		for b in "${builds[@]}"; do
			few=$(count "$tmp/$name.$b" "$dir" "$bench" "$FEW")
			many=$(count "$tmp/$name.$b" "$dir" "$bench" "$MANY")
			read -r p1 a1 <<<"$few"
			read -r p2 a2 <<<"$many"
			awk -v x="$p1" -v y="$p2" -v n=$((MANY - FEW)) 'BEGIN {printf "%.1f\n", (y - x) / n}' >>"$tmp/$b.path"
			awk -v x="$a1" -v y="$a2" -v n=$((MANY - FEW)) 'BEGIN {printf "%.1f\n", (y - x) / n}' >>"$tmp/$b.all"
		done
	done
	for b in hooks nohooks; do
		printf '%-16s %-8s %14s %14s   (rounds: %s)\n' "$name" "$b" "$(median <"$tmp/$b.path")" "$(median <"$tmp/$b.all")" \
			"$(paste -sd' ' "$tmp/$b.path")"
	done
	hp=$(median <"$tmp/hooks.path"); np=$(median <"$tmp/nohooks.path")
	ha=$(median <"$tmp/hooks.all"); na=$(median <"$tmp/nohooks.all")
	verdict=$(awk -v h="$hp" -v n="$np" -v ha="$ha" -v na="$na" -v lim="$LIMIT" 'BEGIN {
		printf "ratio hooks/nohooks: path %.5f, all %.5f (limit %s on path): %s\n", h / n, ha / na, lim, (h / n <= lim ? "ok" : "OVER")
	}')
	printf '%-16s %s\n' "$name" "$verdict"
	if [[ $verdict == *OVER ]]; then
		fail=1
	fi
done
printf 'calls: %d - %d, rounds: %d, medians; %s\n' "$MANY" "$FEW" "$ROUNDS" "$(valgrind --version)"
exit $fail
