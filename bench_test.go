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

	"github.com/stretchr/testify/require"

	"github.com/timkit/tim"
	"github.com/timkit/tim/internal/testutil"
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

// BenchmarkAccountCheck is one admin call through the SDK against a local
// server; BenchmarkAccountCheckBare sends the same request with net/http and
// encoding/json, with the usersig made once, as the baseline.
func BenchmarkAccountCheck(b *testing.B) {
	srv := checkServer(b)
	c, err := tim.New(testutil.AppID, testutil.Key, tim.WithBaseURL(srv.URL), tim.WithRateLimit(0))
	require.NoError(b, err)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		st, err := c.Account.Check(ctx, "user_10086")
		if err != nil || len(st) != 1 || !st[0].Imported {
			b.Fatal(err, st)
		}
	}
}

func BenchmarkAccountCheckBare(b *testing.B) {
	srv := checkServer(b)
	c, err := tim.New(testutil.AppID, testutil.Key)
	require.NoError(b, err)
	sig, err := c.UserSig("administrator", 24*60*60*1e9)
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
	b.ReportAllocs()
	n := 0
	for b.Loop() {
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
