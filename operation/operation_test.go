package operation_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/operation"
)

const (
	pSet     = "openconfigsvr/setnospeaking"
	pGet     = "openconfigsvr/getnospeaking"
	pAppInfo = "openconfigsvr/getappinfo"
	pHistory = "open_msg_svc/get_history"
	pIPList  = "ConfigSvc/GetIPList"
	pForbid  = "im_cos_msg/forbid_illegal_object"
	pAllow   = "im_cos_msg/allow_banned_object"
	pCosSig  = "im_cos_msg/get_cos_sig"
)

func newService(t *testing.T) (*operation.Service, *testkit.Server) {
	t.Helper()
	srv := testkit.NewServer(t)
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithoutRetry(), tim.WithRateLimit(0))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	svc, err := operation.NewService(c)
	require.NoError(t, err)
	return svc, srv
}

// cst is Beijing time, the zone of Tencent's hour buckets and dates.
var cst = time.FixedZone("CST", 8*3600)

func TestNewServiceRefusesNilDoer(t *testing.T) {
	t.Parallel()
	s, err := operation.NewService(nil)
	assert.Nil(t, s)
	testkit.AssertInvalid(t, err, "operation.NewService")
}

func golden(t *testing.T, srv *testkit.Server, path, name string) {
	t.Helper()
	testkit.AssertGolden(t, "testdata/golden/"+name+".json", srv.Last(path).Body)
}

// bare is an openconfigsvr answer: ErrorCode and ErrorInfo, no ActionStatus.
func bare(code int, info string, fields map[string]any) map[string]any {
	m := map[string]any{"ErrorCode": code, "ErrorInfo": info}
	for k, v := range fields {
		m[k] = v
	}
	return m
}

func TestSetGlobalMuteGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pSet, func(testkit.Request) any { return bare(0, "", nil) })
	require.NoError(t, svc.SetGlobalMute(context.Background(), operation.MuteRequest{
		UserID: "lumotuwe", C2C: new(operation.MuteForever), Group: new(7200 * time.Second),
	}))
	golden(t, srv, pSet, "setnospeaking")
	// Rounded up to whole seconds; 0 unmutes.
	require.NoError(t, svc.SetGlobalMute(context.Background(), operation.MuteRequest{UserID: "lumotuwe", C2C: new(1500 * time.Millisecond)}))
	golden(t, srv, pSet, "setnospeaking_c2c")
	require.NoError(t, svc.SetGlobalMute(context.Background(), operation.MuteRequest{UserID: "lumotuwe", Group: new(time.Duration(0))}))
	golden(t, srv, pSet, "setnospeaking_unmute_group")

	// A failure without ActionStatus is still a failure.
	srv.Handle(pSet, func(testkit.Request) any { return bare(130004, "no Set_Account", nil) })
	err := svc.SetGlobalMute(context.Background(), operation.MuteRequest{UserID: "x", C2C: new(time.Second)})
	var ae *tim.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 130004, ae.Code)
	srv.Handle(pSet, func(testkit.Request) any { return bare(70107, "account not imported", nil) })
	err = svc.SetGlobalMute(context.Background(), operation.MuteRequest{UserID: "x", C2C: new(time.Second)})
	assert.ErrorIs(t, err, tim.ErrAccountNotFound)
}

func TestGlobalMuteGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pGet, func(testkit.Request) any {
		return bare(0, "", map[string]any{"C2CmsgNospeakingTime": 4294967295, "GroupmsgNospeakingTime": "7196"})
	})
	m, err := svc.GlobalMute(context.Background(), "lumotuwe")
	require.NoError(t, err)
	golden(t, srv, pGet, "getnospeaking")
	assert.Equal(t, operation.Mute{C2C: operation.MuteForever, Group: 7196 * time.Second}, *m)
	assert.True(t, m.C2CMuted())
	assert.True(t, m.GroupMuted())

	srv.Handle(pGet, func(testkit.Request) any { return bare(0, "", nil) })
	m, err = svc.GlobalMute(context.Background(), "lumotuwe")
	require.NoError(t, err)
	assert.False(t, m.C2CMuted())
	assert.False(t, m.GroupMuted())
}

func TestAppInfoGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pAppInfo, func(testkit.Request) any {
		return bare(0, "OK", map[string]any{"Result": []map[string]any{
			{"APNSMsgNum": "84", "ActiveUserNum": "2014", "AppId": "1104620500", "AppName": "实时通信场景体验版",
				"ChainDecrease": 16, "Company": "林野", "Date": "20160607", "MaxOnlineNum": "62", "Odd": map[string]any{"x": 1}},
			{"ChainDecrease": "8", "ChainIncrease": "8", "Date": "20160605"},
		}})
	})
	stats, err := svc.AppInfo(context.Background())
	require.NoError(t, err, "ErrorInfo OK without ActionStatus is success")
	golden(t, srv, pAppInfo, "getappinfo_all")
	require.Len(t, stats, 2)
	d := stats[0]
	assert.True(t, time.Date(2016, 6, 7, 0, 0, 0, 0, cst).Equal(d.Date), "Date is midnight Beijing time: %v", d.Date)
	assert.Equal(t, time.Date(2016, 6, 6, 16, 0, 0, 0, time.UTC), d.Date.UTC())
	_, ok := d.Get("Date")
	assert.False(t, ok, "the date is not a figure")
	assert.True(t, time.Date(2016, 6, 5, 0, 0, 0, 0, cst).Equal(stats[1].Date))
	n, ok := d.Int(operation.StatActiveUserNum)
	assert.True(t, ok)
	assert.Equal(t, int64(2014), n)
	n, ok = d.Int(operation.StatChainDecrease)
	assert.True(t, ok, "numbers sent as numbers read too")
	assert.Equal(t, int64(16), n)
	name, _ := d.Get(operation.StatAppName)
	assert.Equal(t, "实时通信场景体验版", name)
	_, ok = d.Int(operation.StatAppName)
	assert.False(t, ok)
	_, ok = d.Get("Odd")
	assert.False(t, ok, "non-scalar values are left out")

	_, err = svc.AppInfo(context.Background(), operation.StatChainIncrease, operation.StatChainDecrease)
	require.NoError(t, err)
	golden(t, srv, pAppInfo, "getappinfo_fields")

	// A day without a readable Date keeps its figures and a zero Date.
	srv.Handle(pAppInfo, func(testkit.Request) any {
		return bare(0, "OK", map[string]any{"Result": []map[string]any{
			{"Date": "2016-06-07", "LoginTimes": "3"}, {"LoginTimes": 4},
		}})
	})
	stats, err = svc.AppInfo(context.Background())
	require.NoError(t, err)
	require.Len(t, stats, 2)
	for i, d := range stats {
		assert.True(t, d.Date.IsZero(), "day %d: %v", i, d.Date)
		_, ok := d.Int(operation.StatLoginTimes)
		assert.True(t, ok, "day %d", i)
	}

	srv.Handle(pAppInfo, func(testkit.Request) any { return bare(130011, "SQL query error", nil) })
	_, err = svc.AppInfo(context.Background())
	assert.Error(t, err)
}

func TestHistoryFilesGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pHistory, func(testkit.Request) any {
		return testkit.With(map[string]any{"File": []map[string]any{{
			"URL": "https://download.tim.qq.com/msg_history/2/9b8f.gz", "ExpireTime": "2015-12-02 16:45:23",
			"FileSize": 65207, "FileMD5": "cceece008bb7f469a47cf8c4b7acb84e", "GzipSize": "1815", "GzipMD5": "c3a0269dde393fd7a8bb18bfdeaeee2e",
		}}})
	})
	// 13:30 UTC is 21:30 in Beijing: the 21:00 bucket.
	files, err := svc.HistoryFiles(context.Background(), operation.HistoryRequest{ChatType: message.ConvC2C, Hour: time.Date(2015, 12, 1, 13, 30, 0, 0, time.UTC)})
	require.NoError(t, err)
	golden(t, srv, pHistory, "get_history")
	require.Len(t, files, 1)
	f := files[0]
	assert.Equal(t, int64(65207), f.FileSize)
	assert.Equal(t, int64(1815), f.GzipSize)
	assert.Equal(t, time.Date(2015, 12, 2, 8, 45, 23, 0, time.UTC), f.Expires.UTC())

	// message.ConvGroup ("GROUP") is "Group" on this command's wire; a
	// bucket named by its Beijing hour is sent under that name.
	_, err = svc.HistoryFiles(context.Background(), operation.HistoryRequest{ChatType: message.ConvGroup, Hour: time.Date(2015, 12, 1, 0, 59, 59, 0, cst)})
	require.NoError(t, err)
	golden(t, srv, pHistory, "get_history_group")

	srv.Handle(pHistory, func(testkit.Request) any { return testkit.Fail(1004, "file not generated") })
	_, err = svc.HistoryFiles(context.Background(), operation.HistoryRequest{ChatType: message.ConvGroup, Hour: time.Date(2015, 12, 1, 0, 0, 0, 0, cst)})
	assert.ErrorIs(t, err, operation.ErrHistoryNotReady)
	var ae *tim.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 1004, ae.Code)
}

const historyFile = `{"SdkAppId":1104620500,"ChatType":"C2C","MsgTime":"2015120121","MsgList":[
{"From_Account":"peakerdong","To_Account":"qiyueliuhuo2018","MsgTimestamp":1448974806,"MsgSeq":3452069198,"MsgRandom":45838,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"四等分"}}]},
{"From_Account":"group_root","To_Account":"group_test4","MsgTimestamp":"1448974808","MsgSeq":462709847,"MsgRandom":19196437,"MsgBody":[{"MsgType":"TIMCustomElem","MsgContent":{"Data":"d"}},{"MsgType":"TIMNewElem","MsgContent":{}}]}
]}
`

func TestReadHistory(t *testing.T) {
	t.Parallel()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(historyFile))
	require.NoError(t, zw.Close())
	for name, in := range map[string][]byte{"plain": []byte(historyFile), "gzip": gz.Bytes()} {
		t.Run(name, func(t *testing.T) {
			var got []operation.HistoryRecord
			for rec, err := range operation.ReadHistory(bytes.NewReader(in)) {
				require.NoError(t, err)
				got = append(got, rec)
			}
			require.Len(t, got, 2)
			r := got[0]
			assert.Equal(t, message.ConvC2C, r.ChatType)
			assert.True(t, time.Date(2015, 12, 1, 21, 0, 0, 0, cst).Equal(r.MsgTime), "MsgTime %v", r.MsgTime)
			assert.Equal(t, "peakerdong", r.From)
			assert.Equal(t, "qiyueliuhuo2018", r.To)
			assert.Equal(t, time.Unix(1448974806, 0), r.Timestamp)
			assert.Equal(t, uint64(3452069198), r.MsgSeq)
			assert.Equal(t, uint32(45838), r.MsgRandom)
			assert.Equal(t, uint64(462709847), got[1].MsgSeq)
			assert.Equal(t, uint32(19196437), got[1].MsgRandom)
			assert.Equal(t, "四等分", r.Body.Text())
			assert.Equal(t, time.Unix(1448974808, 0), got[1].Timestamp)
			require.Len(t, got[1].Body, 2)
			assert.IsType(t, &message.Custom{}, got[1].Body[0])
			assert.IsType(t, &message.Unknown{}, got[1].Body[1])
		})
	}
	group := `{"SdkAppId":1,"ChatType":"Group","MsgTime":"2015120121","MsgList":[{"From_Account":"Test_1","GroupId":"@TGS#1FDFVPAE2","MsgTimestamp":1448975384,"MsgSeq":1,"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"Private activate"}}]}]}`
	for rec, err := range operation.ReadHistory(strings.NewReader(group)) {
		require.NoError(t, err)
		assert.Equal(t, "@TGS#1FDFVPAE2", rec.GroupID)
		assert.Equal(t, message.ConvGroup, rec.ChatType)
	}
	for _, bad := range []string{``, `[]`, `{"MsgList":{}}`, `{"ChatType":"C2C"}`, `{"MsgList":[{"From_Account":`} {
		var err error
		for _, e := range operation.ReadHistory(strings.NewReader(bad)) {
			err = e
		}
		assert.Error(t, err, bad)
	}
	var err error
	for _, e := range operation.ReadHistory(strings.NewReader(`{"x":1}`)) {
		err = e
	}
	assert.True(t, errors.Is(err, operation.ErrNotHistoryFile))
}

func TestReadHistoryHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		header   string
		wantType message.ConversationType
		wantTime time.Time
	}{
		{"c2c", `"ChatType":"C2C","MsgTime":"2015120121"`, message.ConvC2C, time.Date(2015, 12, 1, 13, 0, 0, 0, time.UTC)},
		{"group", `"ChatType":"Group","MsgTime":"2026010100"`, message.ConvGroup, time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC)},
		{"group in another case", `"ChatType":"GROUP"`, message.ConvGroup, time.Time{}},
		{"undocumented type kept", `"ChatType":"Robot","MsgTime":"2015-12-01"`, "Robot", time.Time{}},
		{"no header", ``, "", time.Time{}},
		{"hour out of range", `"MsgTime":"2015120125"`, "", time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sep := ""
			if tc.header != "" {
				sep = ","
			}
			file := `{` + tc.header + sep + `"MsgList":[{"From_Account":"a","To_Account":"b","MsgSeq":"18446744073709551615","MsgRandom":4294967295,"MsgBody":[]}]}`
			n := 0
			for rec, err := range operation.ReadHistory(strings.NewReader(file)) {
				require.NoError(t, err)
				n++
				assert.Equal(t, tc.wantType, rec.ChatType)
				assert.True(t, tc.wantTime.Equal(rec.MsgTime), "MsgTime %v, want %v", rec.MsgTime, tc.wantTime)
				assert.Equal(t, uint64(18446744073709551615), rec.MsgSeq, "the full 64 bits, not through float64")
				assert.Equal(t, uint32(4294967295), rec.MsgRandom)
				assert.True(t, rec.Timestamp.IsZero(), "no MsgTimestamp: zero time")
			}
			assert.Equal(t, 1, n)
		})
	}
}

func TestReadHistoryBadSequenceIsARecordError(t *testing.T) {
	t.Parallel()
	file := `{"ChatType":"C2C","MsgList":[{"From_Account":"a","MsgSeq":-1},{"From_Account":"b","MsgSeq":7}]}`
	var errs []error
	var got []operation.HistoryRecord
	for rec, err := range operation.ReadHistory(strings.NewReader(file)) {
		if err != nil {
			errs = append(errs, err)
			assert.JSONEq(t, `{"From_Account":"a","MsgSeq":-1}`, string(rec.Raw), "the bad record comes with its text")
			continue
		}
		got = append(got, rec)
	}
	require.Len(t, errs, 1, "a negative sequence does not wrap around to a huge one")
	assert.ErrorContains(t, errs[0], "history record 0")
	require.Len(t, got, 1, "reading goes on after a bad record")
	assert.Equal(t, "b", got[0].From)
	assert.Equal(t, uint64(7), got[0].MsgSeq)
}

func TestIPListGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	srv.Handle(pIPList, func(testkit.Request) any {
		return map[string]any{"ErrorCode": 0, "errorInfo": "", "IPList": []string{"1.1.1.0/24", "2.2.2.2"}}
	})
	ips, err := svc.IPList(context.Background())
	require.NoError(t, err)
	golden(t, srv, pIPList, "get_ip_list")
	assert.Equal(t, []string{"1.1.1.0/24", "2.2.2.2"}, ips)
}

func TestCosGolden(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	u1, u2, u3 := "https://cos.ap-shanghai.myqcloud.com/a.jpg", "https://cos.ap-shanghai.myqcloud.com/b.mp4", "https://cos.ap-shanghai.myqcloud.com/c.txt"
	require.NoError(t, svc.ForbidObject(context.Background(), u1))
	golden(t, srv, pForbid, "forbid_illegal_object")
	require.NoError(t, svc.AllowObject(context.Background(), u1))
	golden(t, srv, pAllow, "allow_banned_object")

	srv.Handle(pCosSig, func(testkit.Request) any {
		return testkit.With(map[string]any{"PreSigURLs": []map[string]any{
			{"Code": 0, "Desc": "", "ResourceID": 2, "PreSigURL": "https://signed/b", "Status": 2},
			{"Code": 0, "ResourceID": "1", "PreSigURL": "https://signed/a", "Status": 1},
			{"Code": 0, "ResourceID": 9, "PreSigURL": "https://stray"},
		}})
	})
	objs, err := svc.CosSignatures(context.Background(), []string{u1, u2, u3})
	require.NoError(t, err)
	golden(t, srv, pCosSig, "get_cos_sig")
	require.Len(t, objs, 3)
	assert.Equal(t, operation.CosObject{RawURL: u1, SignedURL: "https://signed/a", Status: operation.ObjectBanned}, objs[0])
	assert.Equal(t, operation.ObjectMissing, objs[1].Status)
	assert.NoError(t, objs[1].Err())
	assert.Equal(t, -1, objs[2].Code, "a file without an answer is reported")
	assert.Error(t, objs[2].Err())

	srv.Handle(pForbid, func(testkit.Request) any { return testkit.Fail(60010, "needs admin") })
	assert.ErrorIs(t, svc.ForbidObject(context.Background(), u1), tim.ErrPermission)
}

func TestValidation(t *testing.T) {
	t.Parallel()
	svc, srv := newService(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		field string
		call  func() error
	}{
		{"mute user", "Set_Account", func() error { return svc.SetGlobalMute(ctx, operation.MuteRequest{C2C: new(time.Second)}) }},
		{"mute nothing", "C2CmsgNospeakingTime", func() error { return svc.SetGlobalMute(ctx, operation.MuteRequest{UserID: "a"}) }},
		{"mute negative", "GroupmsgNospeakingTime", func() error {
			return svc.SetGlobalMute(ctx, operation.MuteRequest{UserID: "a", Group: new(-time.Second)})
		}},
		{"mute too long", "C2CmsgNospeakingTime", func() error {
			return svc.SetGlobalMute(ctx, operation.MuteRequest{UserID: "a", C2C: new(operation.MuteForever + time.Second)})
		}},
		{"get mute", "Get_Account", func() error { _, err := svc.GlobalMute(ctx, ""); return err }},
		{"stat field", "RequestField[0]", func() error { _, err := svc.AppInfo(ctx, ""); return err }},
		{"no chat type", "ChatType", func() error { _, err := svc.HistoryFiles(ctx, operation.HistoryRequest{Hour: time.Now()}); return err }},
		{"wire spelling is not a conversation type", "ChatType", func() error {
			_, err := svc.HistoryFiles(ctx, operation.HistoryRequest{ChatType: "Group", Hour: time.Now()})
			return err
		}},
		{"unknown chat type", "ChatType", func() error {
			_, err := svc.HistoryFiles(ctx, operation.HistoryRequest{ChatType: "c2c", Hour: time.Now()})
			return err
		}},
		{"no hour", "MsgTime", func() error {
			_, err := svc.HistoryFiles(ctx, operation.HistoryRequest{ChatType: message.ConvC2C})
			return err
		}},
		{"hour beyond year 9999", "MsgTime", func() error {
			_, err := svc.HistoryFiles(ctx, operation.HistoryRequest{ChatType: message.ConvC2C, Hour: time.Date(10000, 1, 1, 0, 0, 0, 0, cst)})
			return err
		}},
		{"hour before year 0", "MsgTime", func() error {
			_, err := svc.HistoryFiles(ctx, operation.HistoryRequest{ChatType: message.ConvGroup, Hour: time.Date(-1, 1, 1, 0, 0, 0, 0, cst)})
			return err
		}},
		{"forbid", "RawURL", func() error { return svc.ForbidObject(ctx, "a.jpg") }},
		{"allow", "RawURL", func() error { return svc.AllowObject(ctx, "") }},
		{"sig none", "RawURLs", func() error { _, err := svc.CosSignatures(ctx, nil); return err }},
		{"sig url", "RawURLs[1].RawURL", func() error { _, err := svc.CosSignatures(ctx, []string{"https://a", "ftp://b"}); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.Error(t, err)
			assert.ErrorIs(t, err, tim.ErrInvalidParameter)
			assert.Contains(t, err.Error(), "invalid "+tc.field+":")
		})
	}
	assert.Empty(t, srv.Requests())
}
