package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

// BareSendC2C returns the request the SDK's C2C text send makes, made by
// hand: a cached admin sig, a fresh random in the URL, json.Marshal of the
// request, POST, read, json.Unmarshal, check the envelope. It is the
// baseline of the SendC2C benchmarks (root and message). sig is the admin
// usersig, made once by the caller; base is the server's base URL.
func BareSendC2C(tb testing.TB, base, sig string) func() {
	tb.Helper()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	tb.Cleanup(hc.CloseIdleConnections)
	prefix := base + "/v4/openim/sendmsg?sdkappid=" + strconv.Itoa(AppID) +
		"&identifier=administrator&usersig=" + url.QueryEscape(sig) + "&random="
	type text struct {
		Text string `json:"Text"`
	}
	type elem struct {
		MsgType    string `json:"MsgType"`
		MsgContent text   `json:"MsgContent"`
	}
	type request struct {
		From      string `json:"From_Account"`
		To        string `json:"To_Account"`
		MsgSeq    uint32 `json:"MsgSeq"`
		MsgRandom uint32 `json:"MsgRandom"`
		MsgBody   []elem `json:"MsgBody"`
	}
	type response struct {
		ActionStatus string `json:"ActionStatus"`
		ErrorCode    int    `json:"ErrorCode"`
		ErrorInfo    string `json:"ErrorInfo"`
		MsgTime      int64  `json:"MsgTime"`
		MsgKey       string `json:"MsgKey"`
		MsgID        string `json:"MsgId"`
	}
	ctx := context.Background()
	return func() {
		req := request{From: "doctor1", To: "patient1", MsgSeq: rand.Uint32(), MsgRandom: rand.Uint32(),
			MsgBody: []elem{{"TIMTextElem", text{"Your prescription is ready."}}}}
		body, err := json.Marshal(&req)
		if err != nil {
			tb.Fatal(err)
		}
		hr, err := http.NewRequestWithContext(ctx, http.MethodPost,
			prefix+strconv.FormatUint(uint64(rand.Uint32()), 10)+"&contenttype=json", bytes.NewReader(body))
		if err != nil {
			tb.Fatal(err)
		}
		hr.Header.Set("Content-Type", "application/json")
		res, err := hc.Do(hr)
		if err != nil {
			tb.Fatal(err)
		}
		raw, err := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if err != nil {
			tb.Fatal(err)
		}
		var out response
		if err := json.Unmarshal(raw, &out); err != nil {
			tb.Fatal(err)
		}
		if res.StatusCode != http.StatusOK || out.ErrorCode != 0 || out.MsgKey == "" {
			tb.Fatalf("bad answer %d %s", res.StatusCode, raw)
		}
	}
}
