package conversation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/conversation"
	"github.com/timkit/tim/internal/testkit"
)

const (
	benchConversations = 10_000
	benchPageSize      = 100
)

// pagedServer serves a 10,000-conversation list in pages of 100: the first
// five pages carry pinned conversations (paged with the Top cursor), the
// rest normal ones. Page k is chosen from the cursors in the request, so
// the client must feed them back. Bodies are built once, up front.
func pagedServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	pages := benchConversations / benchPageSize
	const pinnedPages = 5
	bodies := make([][]byte, pages)
	for k := range pages {
		items := make([]map[string]any, benchPageSize)
		for i := range items {
			n := k*benchPageSize + i
			it := map[string]any{"MsgTime": 1700000000 - n, "TopFlag": 0}
			if k < pinnedPages {
				it["TopFlag"] = 1
			}
			if n%3 == 0 {
				it["Type"], it["GroupId"] = 2, fmt.Sprintf("@TGS#group%05d", n)
			} else {
				it["Type"], it["To_Account"] = 1, fmt.Sprintf("patient_%05d", n)
			}
			items[i] = it
		}
		// Cursor of page k+1: pinned pages advance TopStartIndex, normal pages StartIndex.
		next := map[string]any{"TimeStamp": 0, "StartIndex": 0, "TopTimeStamp": 0, "TopStartIndex": 0}
		if k+1 <= pinnedPages {
			next["TopTimeStamp"], next["TopStartIndex"] = 1700000000, k+1
		} else {
			next["TopTimeStamp"], next["TopStartIndex"] = 1700000000, pinnedPages
			next["TimeStamp"], next["StartIndex"] = 1600000000, k+1-pinnedPages
		}
		resp := testkit.With(next)
		resp["SessionItem"] = items
		resp["CompleteFlag"] = 0
		if k == pages-1 {
			resp["CompleteFlag"] = 1
		}
		b, err := json.Marshal(resp)
		if err != nil {
			tb.Fatal(err)
		}
		bodies[k] = b
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct{ StartIndex, TopStartIndex int }
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		k := req.TopStartIndex + req.StartIndex
		if k < 0 || k >= len(bodies) {
			http.Error(w, "bad cursor", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(bodies[k])))
		_, _ = w.Write(bodies[k])
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// BenchmarkList iterates a 10,000-conversation list (100 pages) through the
// SDK: transport, admin usersig, tolerant decoding, the iterator.
func BenchmarkList(b *testing.B) {
	srv := pagedServer(b)
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithRateLimit(0))
	if err != nil {
		b.Fatal(err)
	}
	svc, err := conversation.NewService(c)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		for _, err := range svc.List(ctx, "doctor_1") {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != benchConversations {
			b.Fatalf("got %d conversations", n)
		}
	}
	b.ReportMetric(float64(benchConversations/benchPageSize), "pages/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchConversations, "ns/conversation")
}

// BenchmarkListBaseline does the same 100 requests with bare net/http and
// encoding/json into a minimal struct: the floor the SDK is measured against.
func BenchmarkListBaseline(b *testing.B) {
	srv := pagedServer(b)
	hc := srv.Client()
	url := srv.URL + "/v4/recentcontact/get_list?sdkappid=1400000000&identifier=administrator&usersig=x&random=1&contenttype=json"
	type item struct {
		Type      int    `json:"Type"`
		ToAccount string `json:"To_Account"`
		GroupID   string `json:"GroupId"`
		MsgTime   int64  `json:"MsgTime"`
		TopFlag   int    `json:"TopFlag"`
	}
	type page struct {
		ActionStatus  string `json:"ActionStatus"`
		ErrorCode     int    `json:"ErrorCode"`
		SessionItem   []item `json:"SessionItem"`
		CompleteFlag  int    `json:"CompleteFlag"`
		TimeStamp     int64  `json:"TimeStamp"`
		StartIndex    int64  `json:"StartIndex"`
		TopTimeStamp  int64  `json:"TopTimeStamp"`
		TopStartIndex int64  `json:"TopStartIndex"`
	}
	type request struct {
		FromAccount   string `json:"From_Account"`
		TimeStamp     int64  `json:"TimeStamp"`
		StartIndex    int64  `json:"StartIndex"`
		TopTimeStamp  int64  `json:"TopTimeStamp"`
		TopStartIndex int64  `json:"TopStartIndex"`
		AssistFlags   int    `json:"AssistFlags"`
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := request{FromAccount: "doctor_1", AssistFlags: 15}
		n := 0
		for {
			body, _ := json.Marshal(req)
			resp, err := hc.Post(url, "application/json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			var p page
			err = json.NewDecoder(resp.Body).Decode(&p)
			resp.Body.Close()
			if err != nil {
				b.Fatal(err)
			}
			n += len(p.SessionItem)
			if p.CompleteFlag == 1 {
				break
			}
			req.TimeStamp, req.StartIndex, req.TopTimeStamp, req.TopStartIndex = p.TimeStamp, p.StartIndex, p.TopTimeStamp, p.TopStartIndex
		}
		if n != benchConversations {
			b.Fatalf("got %d conversations", n)
		}
	}
	b.ReportMetric(float64(benchConversations/benchPageSize), "pages/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchConversations, "ns/conversation")
}
