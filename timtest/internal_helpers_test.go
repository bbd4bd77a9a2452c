package timtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/usersig"
)

// post sends body to v4/path as the first admin and decodes the answer.
func post(t testing.TB, s *Server, path, body string) map[string]any {
	t.Helper()
	g, err := usersig.New(s.SDKAppID, s.SecretKey)
	require.NoError(t, err)
	sig, err := g.Gen(s.cfg.admins[0], time.Hour)
	require.NoError(t, err)
	q := url.Values{"sdkappid": {strconv.FormatUint(s.SDKAppID, 10)}, "identifier": {s.cfg.admins[0]},
		"usersig": {sig}, "random": {"7"}, "contenttype": {"json"}}
	req := httptest.NewRequest(http.MethodPost, "/v4/"+path+"?"+q.Encode(), strings.NewReader(body))
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code)
	var out map[string]any
	d := json.NewDecoder(rec.Body)
	d.UseNumber()
	require.NoError(t, d.Decode(&out), "answer of %s", path)
	return out
}

// codeIn is the ErrorCode of an answer.
func codeIn(ans map[string]any) int {
	n, _ := ans["ErrorCode"].(json.Number).Int64()
	return int(n)
}
