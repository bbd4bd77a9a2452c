package group_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/group"
)

// noCalls is a Doer for constructor tests: building a service calls nothing.
type noCalls struct{ t *testing.T }

func (d noCalls) Do(context.Context, api.Endpoint, any, any) error {
	d.t.Error("NewService made a call")
	return nil
}

// NewService refuses a nil Doer and every bad option with an
// *api.InvalidInputError naming it, instead of ignoring the value.
func TestNewServiceRejects(t *testing.T) {
	t.Parallel()
	importer := group.AccountImporterFunc(func(context.Context, []string) error { return nil })
	tests := []struct {
		name    string
		nilDoer bool
		opts    []group.Option
		field   string
		reason  string
	}{
		{"nil doer", true, nil, "group.NewService", "nil Doer"},
		{"nil option", false, []group.Option{group.WithSyncConcurrency(2), nil}, "opts[1]", "nil Option"},
		{"negative limit", false, []group.Option{group.WithLimits(group.Limits{Name: 30, FaceURL: -1})}, "WithLimits", "negative"},
		{"zero name format", false, []group.Option{group.WithNameFormat(group.NameFormat{})}, "WithNameFormat", "zero NameFormat"},
		{"record key 19 bytes", false, []group.Option{group.WithRecordInAppDefinedData("consultation_record")}, "WithRecordInAppDefinedData", "19 bytes, limit is 16"},
		{"record key 6 CJK = 18 bytes", false, []group.Option{group.WithRecordInAppDefinedData(strings.Repeat("医", 6))}, "WithRecordInAppDefinedData", "18 bytes, limit is 16"},
		{"record key not UTF-8", false, []group.Option{group.WithRecordInAppDefinedData("k\xff")}, "WithRecordInAppDefinedData", "UTF-8"},
		{"nil importer", false, []group.Option{group.WithAccountImporter(nil)}, "WithAccountImporter", "nil"},
		{"zero concurrency", false, []group.Option{group.WithSyncConcurrency(0)}, "WithSyncConcurrency", "positive"},
		{"negative concurrency", false, []group.Option{group.WithAccountImporter(importer), group.WithSyncConcurrency(-3)}, "WithSyncConcurrency", "-3"},
		{"zero joined page", false, []group.Option{group.WithJoinedPageSize(0)}, "WithJoinedPageSize", "positive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var d api.Doer = noCalls{t}
			if tc.nilDoer {
				d = nil
			}
			svc, err := group.NewService(d, tc.opts...)
			assert.Nil(t, svc)
			require.ErrorIs(t, err, api.ErrInvalidParameter)
			var ie *api.InvalidInputError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tc.field, ie.Field)
			assert.Contains(t, ie.Reason, tc.reason)
		})
	}
}

func TestNewServiceAccepts(t *testing.T) {
	t.Parallel()
	d := noCalls{t}
	for _, tc := range []struct {
		name string
		opt  group.Option
		want group.Limits
	}{
		{"zero limits keep the defaults", group.WithLimits(group.Limits{}), group.DefaultLimits()},
		{"a partial limit keeps the other defaults", group.WithLimits(group.Limits{Name: 30}), group.Limits{Name: 30, Introduction: 400, Notification: 400, FaceURL: 500}},
		{"legacy limits", group.WithLimits(group.LegacyLimits()), group.LegacyLimits()},
		{"default record key", group.WithRecordInAppDefinedData(""), group.DefaultLimits()},
		{"16-byte record key", group.WithRecordInAppDefinedData(strings.Repeat("k", 16)), group.DefaultLimits()},
		{"full-width names", group.WithNameFormat(group.FormatFullWidth), group.DefaultLimits()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svc, err := group.NewService(d, tc.opt)
			require.NoError(t, err)
			assert.Equal(t, tc.want, svc.Limits())
		})
	}
}
