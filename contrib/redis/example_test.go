package timredis_test

import (
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/timkit/tim"
	"github.com/timkit/tim/event"

	timredis "github.com/timkit/tim/contrib/redis"
)

// Every replica builds the same limiter and dedup store on the shared
// Redis: together they stay within the app's budget, and a callback that
// reaches two replicas yields one MESSAGE_RECEIVED.
func Example() {
	const sdkAppID = 1400000000
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	rdb := redis.NewClient(&redis.Options{
		Addr: "localhost:6379",
		// Short timeouts: an unreachable Redis costs little before the
		// limiter falls back to limiting locally.
		DialTimeout:  100 * time.Millisecond,
		ReadTimeout:  100 * time.Millisecond,
		WriteTimeout: 100 * time.Millisecond,
	})
	defer rdb.Close()

	lim, err := timredis.NewLimiter(rdb, sdkAppID, timredis.WithLogger(logger))
	if err != nil {
		logger.Error("limiter", "error", err)
		return
	}
	client, err := tim.New(sdkAppID, os.Getenv("TIM_SECRET_KEY"), tim.WithLimiter(lim), tim.WithLogger(logger))
	if err != nil {
		logger.Error("client", "error", err)
		return
	}
	_ = client

	d, err := event.NewDispatcher(event.WithLogger(logger))
	if err != nil {
		logger.Error("dispatcher", "error", err)
		return
	}
	store, err := timredis.NewDedupStore(rdb, sdkAppID)
	if err != nil {
		logger.Error("dedup store", "error", err)
		return
	}
	hook, err := event.NewHandler(d, sdkAppID, event.WithToken(os.Getenv("TIM_CALLBACK_TOKEN")), event.WithDedupStore(store))
	if err != nil {
		logger.Error("webhook", "error", err)
		return
	}
	http.Handle("/tim/callback", hook)
}

// During an outage every replica limits on its own; divide the budget by
// the number of replicas to stay within Tencent's limits meanwhile.
func ExampleWithFallback() {
	const sdkAppID, replicas = 1400000000, 3
	rdb := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	defer rdb.Close()
	perReplica := tim.NewLocalLimiter(
		tim.Rate{N: tim.DefaultAPIRate().N / replicas, Per: tim.DefaultAPIRate().Per},
		map[string]tim.Rate{tim.BatchRecipientsKey: {N: tim.BatchRecipientsRate().N / replicas, Per: time.Minute}},
	)
	lim, err := timredis.NewLimiter(rdb, sdkAppID, timredis.WithFallback(perReplica))
	if err != nil {
		return
	}
	_ = lim
}
