package event_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/timkit/tim/event"
)

// Tencent's documented example (reference §6.2).
const (
	officialToken = "xxxxyyyy"
	officialTime  = "1669872112"
	officialSign  = "17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061"
)

func TestSignOfficialExample(t *testing.T) {
	t.Parallel()
	assert.Equal(t, officialSign, event.Sign(officialToken, officialTime))
}

func TestVerify(t *testing.T) {
	t.Parallel()
	at := time.Unix(1669872112, 0)
	q := func(sign, rt string) url.Values {
		v := url.Values{}
		if sign != "-" {
			v.Set("Sign", sign)
		}
		if rt != "-" {
			v.Set("RequestTime", rt)
		}
		return v
	}
	tests := []struct {
		name      string
		token     string
		query     url.Values
		now       time.Time
		tolerance time.Duration
		want      error
	}{
		{"official example", officialToken, q(officialSign, officialTime), at, 0, nil},
		{"uppercase hex", officialToken, q(strings.ToUpper(officialSign), officialTime), at, 0, nil},
		{"59 s late", officialToken, q(officialSign, officialTime), at.Add(59 * time.Second), 0, nil},
		{"60 s late is the edge", officialToken, q(officialSign, officialTime), at.Add(60 * time.Second), 0, nil},
		{"61 s late", officialToken, q(officialSign, officialTime), at.Add(61 * time.Second), 0, event.ErrStaleRequest},
		{"61 s early", officialToken, q(officialSign, officialTime), at.Add(-61 * time.Second), 0, event.ErrStaleRequest},
		{"custom tolerance", officialToken, q(officialSign, officialTime), at.Add(5 * time.Minute), 10 * time.Minute, nil},
		{"custom tolerance exceeded", officialToken, q(officialSign, officialTime), at.Add(2 * time.Second), time.Second, event.ErrStaleRequest},
		{"wrong token", "xxxxyyyz", q(officialSign, officialTime), at, 0, event.ErrBadSignature},
		{"forged sign", officialToken, q(strings.Repeat("0", 64), officialTime), at, 0, event.ErrBadSignature},
		{"sign for another time", officialToken, q(event.Sign(officialToken, "1669872111"), officialTime), at, 0, event.ErrBadSignature},
		{"short sign", officialToken, q(officialSign[:63], officialTime), at, 0, event.ErrBadSignature},
		{"non-hex sign", officialToken, q("zz"+officialSign[2:], officialTime), at, 0, event.ErrBadSignature},
		{"missing sign", officialToken, q("-", officialTime), at, 0, event.ErrMissingSignature},
		{"missing time", officialToken, q(officialSign, "-"), at, 0, event.ErrMissingSignature},
		{"time not a number", officialToken, q(officialSign, "soon"), at, 0, event.ErrStaleRequest},
		{"huge time", officialToken, q(officialSign, "9223372036854775807"), at, 0, event.ErrStaleRequest},
		{"negative time", officialToken, q(officialSign, "-9223372036854775808"), at, 0, event.ErrStaleRequest},
		{"no token", "", q(officialSign, officialTime), at, 0, event.ErrNoToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := event.Verify(tt.token, tt.query, tt.now, tt.tolerance)
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.want)
			assert.NotContains(t, err.Error(), officialSign)
			if tt.token != "" {
				assert.NotContains(t, err.Error(), tt.token)
			}
		})
	}
}
