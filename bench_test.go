package tim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/internal/testkit"
)

const checkAnswer = `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","ResultItem":[{"UserID":"user_10086","ResultCode":0,"ResultInfo":"","AccountStatus":"Imported"}]}`

func checkServer(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, checkAnswer)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// sdkCheck returns one admin call (account check) through the SDK.
func sdkCheck(b *testing.B, srv *httptest.Server) func() {
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithRateLimit(0))
	require.NoError(b, err)
	ctx := context.Background()
	return func() {
		st, err := c.Account.Check(ctx, "user_10086")
		if err != nil || len(st) != 1 || !st[0].Imported {
			b.Fatal(err, st)
		}
	}
}

// bareCheck returns the same request made with net/http and encoding/json,
// with the usersig made once: the baseline.
func bareCheck(b *testing.B, srv *httptest.Server) func() {
	c, err := tim.New(testkit.AppID, testkit.Key)
	require.NoError(b, err)
	sig, err := c.UserSig("administrator", 24*time.Hour)
	require.NoError(b, err)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.Cleanup(hc.CloseIdleConnections)
	type item struct {
		UserID string `json:"UserID"`
	}
	type request struct {
		CheckItem []item `json:"CheckItem"`
	}
	type response struct {
		ActionStatus string `json:"ActionStatus"`
		ErrorCode    int    `json:"ErrorCode"`
		ErrorInfo    string `json:"ErrorInfo"`
		ResultItem   []struct {
			UserID        string `json:"UserID"`
			ResultCode    int    `json:"ResultCode"`
			ResultInfo    string `json:"ResultInfo"`
			AccountStatus string `json:"AccountStatus"`
		} `json:"ResultItem"`
	}
	ctx := context.Background()
	n := 0
	return func() {
		n++
		body, _ := json.Marshal(request{CheckItem: []item{{"user_10086"}}})
		url := srv.URL + "/v4/im_open_login_svc/account_check?sdkappid=1400000000&identifier=administrator&usersig=" + sig + "&random=" + strconv.Itoa(n) + "&contenttype=json"
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var r response
		err = json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if err != nil || r.ErrorCode != 0 || r.ResultItem[0].AccountStatus != "Imported" {
			b.Fatal(err, r)
		}
	}
}

// BenchmarkAccountCheck is one admin call through the SDK against a local
// server; BenchmarkAccountCheckBare is the baseline beside it.
func BenchmarkAccountCheck(b *testing.B) {
	call := sdkCheck(b, checkServer(b))
	b.ReportAllocs()
	for b.Loop() {
		call()
	}
}

func BenchmarkAccountCheckBare(b *testing.B) {
	call := bareCheck(b, checkServer(b))
	b.ReportAllocs()
	for b.Loop() {
		call()
	}
}

// BenchmarkAccountCheckRatio alternates the two in one loop, so load on a
// shared machine hits both alike, and reports the SDK's time as a multiple
// of the bare client's.
func BenchmarkAccountCheckRatio(b *testing.B) {
	srv := checkServer(b)
	sdk, bare := sdkCheck(b, srv), bareCheck(b, srv)
	var sdkTime, bareTime time.Duration
	for b.Loop() {
		t0 := time.Now()
		bare()
		t1 := time.Now()
		sdk()
		sdkTime += time.Since(t1)
		bareTime += t1.Sub(t0)
	}
	b.ReportMetric(float64(bareTime.Nanoseconds())/float64(b.N), "bare-ns/op")
	b.ReportMetric(float64(sdkTime.Nanoseconds())/float64(b.N), "sdk-ns/op")
	b.ReportMetric(float64(sdkTime)/float64(bareTime), "x-bare")
}
