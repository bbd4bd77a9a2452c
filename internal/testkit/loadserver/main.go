// Command loadserver is the receiving side of the limiter's load test
// (BenchmarkLimiterLoad): a REST stand-in in a process of its own, so that
// the CPU burners of the benchmark's process do not delay the arrival
// times it notes. It prints its address, answers every POST with Tencent's
// OK envelope noting (arrival time, units) where units is the request's
// "N" (at least 1), serves the notes as JSON on GET /arrivals, and exits
// when its standard input closes.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"
)

func main() {
	var mu sync.Mutex
	var arrivals [][2]int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /arrivals", func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		_ = json.NewEncoder(w).Encode(arrivals)
		arrivals = nil
	})
	mux.HandleFunc("POST /", func(w http.ResponseWriter, r *http.Request) {
		now := time.Now().UnixNano()
		raw, _ := io.ReadAll(r.Body)
		var body struct{ N int64 }
		_ = json.Unmarshal(raw, &body)
		mu.Lock()
		arrivals = append(arrivals, [2]int64{now, max(body.N, 1)})
		mu.Unlock()
		_, _ = io.WriteString(w, `{"ActionStatus":"OK","ErrorCode":0}`)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("http://" + ln.Addr().String())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	_ = http.Serve(ln, mux)
}
