package moderation_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/testkit"
	"github.com/timkit/tim/moderation"
	"github.com/timkit/tim/timtest"
)

const pContent = "im_msg_audit/content_moderation"

func TestNewServiceRefusesNilDoer(t *testing.T) {
	t.Parallel()
	s, err := moderation.NewService(nil)
	assert.Nil(t, s)
	testkit.AssertInvalid(t, err, "moderation.NewService")
}

// TestConformance sends each documented request and reads its answer.
func TestConformance(t *testing.T) {
	t.Parallel()
	for _, ex := range testkit.RESTExamples(t, "..", pContent) {
		t.Run(ex.Name, func(t *testing.T) {
			srv := testkit.NewServer(t)
			c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithoutRetry(), tim.WithRateLimit(0))
			require.NoError(t, err)
			t.Cleanup(func() { _ = c.Close() })
			srv.Handle(pContent, func(testkit.Request) any { return ex.Response })
			var r struct{ AuditName, ContentType, Content, ExtSender, ExtReceiver string }
			require.NoError(t, json.Unmarshal(ex.Request, &r))
			v, err := c.Moderation.Check(context.Background(), moderation.Request{Scene: r.AuditName, Type: r.ContentType, Content: r.Content,
				Sender: r.ExtSender, Receiver: r.ExtReceiver})
			require.NoError(t, err)
			var want struct {
				RequestId, Result, Label string //nolint:revive // the wire names
				Score                    int
				Keywords                 []string
			}
			require.NoError(t, json.Unmarshal(ex.Response, &want))
			assert.Equal(t, moderation.Verdict{RequestID: want.RequestId, Result: want.Result, Score: want.Score, Label: want.Label, Keywords: want.Keywords}, *v)
			got := srv.Last(pContent).Body
			assert.JSONEq(t, string(ex.Request), string(got))
			testkit.AssertSameKeys(t, ex.Request, got, ex.Name)
		})
	}
}

func TestValidation(t *testing.T) {
	t.Parallel()
	srv := testkit.NewServer(t)
	c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithoutRetry(), tim.WithRateLimit(0))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	ctx := context.Background()
	_, err = c.Moderation.Check(ctx, moderation.Request{Scene: " ", Type: moderation.TypeText, Content: "x"})
	testkit.AssertInvalid(t, err, "AuditName")
	_, err = c.Moderation.Check(ctx, moderation.Request{Scene: strings.Repeat("a", moderation.MaxAuditNameBytes+1), Type: moderation.TypeText, Content: "x"})
	testkit.AssertInvalid(t, err, "AuditName")
	_, err = c.Moderation.Check(ctx, moderation.Request{Scene: moderation.SceneC2C, Type: "text", Content: "x"})
	testkit.AssertInvalid(t, err, "ContentType")
	_, err = c.Moderation.Check(ctx, moderation.Request{Scene: moderation.SceneC2C, Type: moderation.TypeText})
	testkit.AssertInvalid(t, err, "Content")
	_, err = c.Moderation.Check(ctx, moderation.Request{Scene: moderation.SceneGroup, Type: moderation.TypeText,
		Content: strings.Repeat("a", moderation.MaxContentBytes+1)})
	testkit.AssertInvalid(t, err, "Content")
	assert.Empty(t, srv.Requests())
}

// TestCheckOnTheFake checks texts against the fake's keyword list.
func TestCheckOnTheFake(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c, err := tim.New(srv.SDKAppID, srv.SecretKey, tim.WithBaseURL(srv.URL))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	ctx := context.Background()
	srv.SetAuditKeywords("miracle cure", "cash only")

	v, err := c.Moderation.Check(ctx, moderation.Request{Scene: moderation.SceneC2C, Type: moderation.TypeText, Content: "take two tablets after meals"})
	require.NoError(t, err)
	assert.Equal(t, "Pass", v.Result)
	assert.Zero(t, v.Score)
	assert.Empty(t, v.Keywords)
	assert.NotEmpty(t, v.RequestID)

	v2, err := c.Moderation.Check(ctx, moderation.Request{Scene: moderation.SceneGroup, Type: moderation.TypeText, Content: "a miracle cure, cash only"})
	require.NoError(t, err)
	assert.Equal(t, "Block", v2.Result)
	assert.Equal(t, 100, v2.Score)
	assert.Equal(t, []string{"miracle cure", "cash only"}, v2.Keywords)
	assert.NotEqual(t, v.RequestID, v2.RequestID)

	// A custom audit configuration ID is checked against the same list; the
	// sender and receiver tags are accepted.
	v4, err := c.Moderation.Check(ctx, moderation.Request{Scene: "cfg-clinic-1", Type: moderation.TypeText, Content: "cash only",
		Sender: "doctor_1", Receiver: "@TGS#1"})
	require.NoError(t, err)
	assert.Equal(t, "Block", v4.Result)

	// Files are not looked at: a URL passes whatever its name.
	v3, err := c.Moderation.Check(ctx, moderation.Request{Scene: moderation.SceneUserInfo, Type: moderation.TypeImage, Content: "https://example.com/miracle cure.png"})
	require.NoError(t, err)
	assert.Equal(t, "Pass", v3.Result)

	// The fake's own 8 KB limit, reached past the SDK's check with a raw call.
	var resp api.Envelope
	err = c.Do(ctx, tim.Endpoint{Path: pContent}, map[string]string{"AuditName": "C2C", "ContentType": "Text", "Content": strings.Repeat("a", 8*1024+1)}, &resp)
	var ae *api.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 93000, ae.Code)
}

const pAddKw = "im_msg_audit_mgr/add_cloud_audit_keywords"

// TestConformanceAddCloudKeywords sends each documented request.
func TestConformanceAddCloudKeywords(t *testing.T) {
	t.Parallel()
	for _, ex := range testkit.RESTExamples(t, "..", pAddKw) {
		t.Run(ex.Name, func(t *testing.T) {
			srv := testkit.NewServer(t)
			c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithoutRetry(), tim.WithRateLimit(0))
			require.NoError(t, err)
			t.Cleanup(func() { _ = c.Close() })
			srv.Handle(pAddKw, func(testkit.Request) any { return ex.Response })
			var r struct {
				SdkAppId     uint64 //nolint:revive // the wire name
				LibID        string
				UserKeywords []moderation.Keyword
			}
			require.NoError(t, json.Unmarshal(ex.Request, &r))
			id, err := c.Moderation.AddCloudKeywords(context.Background(), r.SdkAppId, r.LibID, r.UserKeywords)
			require.NoError(t, err)
			var want struct{ RequestId string } //nolint:revive // the wire name
			require.NoError(t, json.Unmarshal(ex.Response, &want))
			assert.Equal(t, want.RequestId, id)
			got := srv.Last(pAddKw).Body
			assert.JSONEq(t, string(ex.Request), string(got))
			testkit.AssertSameKeys(t, ex.Request, got, ex.Name)
		})
	}
}

// TestAddCloudKeywords: bad input refused before the call; on the fake the
// added words then block texts in content_moderation.
func TestAddCloudKeywords(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c, err := tim.New(srv.SDKAppID, srv.SecretKey, tim.WithBaseURL(srv.URL))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	ctx := context.Background()
	_, err = c.Moderation.AddCloudKeywords(ctx, 0, "lib", []moderation.Keyword{{Content: "x"}})
	testkit.AssertInvalid(t, err, "SdkAppId")
	_, err = c.Moderation.AddCloudKeywords(ctx, 1, "", []moderation.Keyword{{Content: "x"}})
	testkit.AssertInvalid(t, err, "LibID")
	_, err = c.Moderation.AddCloudKeywords(ctx, 1, "lib", nil)
	testkit.AssertInvalid(t, err, "UserKeywords")
	_, err = c.Moderation.AddCloudKeywords(ctx, 1, "lib", []moderation.Keyword{{Content: ""}})
	testkit.AssertInvalid(t, err, "UserKeywords.Content")
	_, err = c.Moderation.AddCloudKeywords(ctx, 1, "lib", []moderation.Keyword{{Content: "x", Label: "Spam"}})
	testkit.AssertInvalid(t, err, "UserKeywords.Label")
	assert.Empty(t, srv.Requests())

	id, err := c.Moderation.AddCloudKeywords(ctx, 1400000000, "lib1", []moderation.Keyword{{Content: "miracle cure", Label: "Ad"}})
	require.NoError(t, err)
	assert.NotEmpty(t, id)
	v, err := c.Moderation.Check(ctx, moderation.Request{Scene: moderation.SceneC2C, Type: moderation.TypeText, Content: "buy this miracle cure"})
	require.NoError(t, err)
	assert.Equal(t, "Block", v.Result)
	assert.Equal(t, []string{"miracle cure"}, v.Keywords)
}

// TestConformanceKeywordReads sends the documented delete, get-keywords
// and get-libraries requests and reads their documented answers.
func TestConformanceKeywordReads(t *testing.T) {
	t.Parallel()
	newClient := func(t *testing.T, path string, ex testkit.Example) (*tim.Client, *testkit.Server) {
		srv := testkit.NewServer(t)
		c, err := tim.New(testkit.AppID, testkit.Key, tim.WithBaseURL(srv.URL), tim.WithoutRetry(), tim.WithRateLimit(0))
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		srv.Handle(path, func(testkit.Request) any { return ex.Response })
		return c, srv
	}
	check := func(t *testing.T, srv *testkit.Server, path string, ex testkit.Example) {
		got := srv.Last(path).Body
		assert.JSONEq(t, string(ex.Request), string(got))
		testkit.AssertSameKeys(t, ex.Request, got, ex.Name)
	}
	ctx := context.Background()
	const pDel, pGet, pLibs = "im_msg_audit_mgr/delete_cloud_audit_keywords", "im_msg_audit_mgr/get_cloud_audit_keywords", "im_msg_audit_mgr/get_cloud_audit_keywords_ids"
	for _, ex := range testkit.RESTExamples(t, "..", pDel) {
		t.Run(ex.Name, func(t *testing.T) {
			c, srv := newClient(t, pDel, ex)
			var r struct {
				SdkAppId uint64 //nolint:revive // the wire name
				LibID    string
				Keywords []string
			}
			require.NoError(t, json.Unmarshal(ex.Request, &r))
			got, err := c.Moderation.DeleteCloudKeywords(ctx, r.SdkAppId, r.LibID, r.Keywords)
			require.NoError(t, err)
			var want struct {
				RequestId string //nolint:revive // the wire name
				Details   []moderation.KeywordResult
				Count     int
			}
			require.NoError(t, json.Unmarshal(ex.Response, &want))
			assert.Equal(t, moderation.DeleteResult{RequestID: want.RequestId, Details: want.Details, Count: want.Count}, *got)
			check(t, srv, pDel, ex)
		})
	}
	for _, ex := range testkit.RESTExamples(t, "..", pGet) {
		t.Run(ex.Name, func(t *testing.T) {
			c, srv := newClient(t, pGet, ex)
			var r struct {
				SdkAppId       uint64 //nolint:revive // the wire name
				Offset, Limit  int
				LibID, Content string
			}
			require.NoError(t, json.Unmarshal(ex.Request, &r))
			got, err := c.Moderation.GetCloudKeywords(ctx, r.SdkAppId, r.LibID, r.Offset, r.Limit, r.Content)
			require.NoError(t, err)
			var want struct {
				RequestId  string //nolint:revive // the wire name
				TotalCount int
				Infos      []moderation.KeywordInfo
			}
			require.NoError(t, json.Unmarshal(ex.Response, &want))
			assert.Equal(t, moderation.KeywordPage{RequestID: want.RequestId, TotalCount: want.TotalCount, Infos: want.Infos}, *got)
			check(t, srv, pGet, ex)
		})
	}
	for _, ex := range testkit.RESTExamples(t, "..", pLibs) {
		t.Run(ex.Name, func(t *testing.T) {
			c, srv := newClient(t, pLibs, ex)
			var r struct {
				SdkAppId      uint64 //nolint:revive // the wire name
				Offset, Limit int
			}
			require.NoError(t, json.Unmarshal(ex.Request, &r))
			got, err := c.Moderation.GetCloudLibraries(ctx, r.SdkAppId, r.Offset, r.Limit)
			require.NoError(t, err)
			var want struct {
				RequestId  string //nolint:revive // the wire name
				TotalCount int
				Infos      []moderation.Library
			}
			require.NoError(t, json.Unmarshal(ex.Response, &want))
			assert.Equal(t, moderation.LibraryPage{RequestID: want.RequestId, TotalCount: want.TotalCount, Infos: want.Infos}, *got)
			check(t, srv, pLibs, ex)
		})
	}
}

// TestKeywordLibraryOnTheFake: list the library, add, read, delete; bad
// input is refused before any call.
func TestKeywordLibraryOnTheFake(t *testing.T) {
	t.Parallel()
	srv := timtest.NewServer(t)
	c, err := tim.New(srv.SDKAppID, srv.SecretKey, tim.WithBaseURL(srv.URL))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	ctx := context.Background()
	const app = 1400000000

	_, err = c.Moderation.GetCloudLibraries(ctx, app, 0, 0)
	testkit.AssertInvalid(t, err, "Limit")
	_, err = c.Moderation.GetCloudKeywords(ctx, app, "lib", -1, 10, "")
	testkit.AssertInvalid(t, err, "Offset")
	_, err = c.Moderation.GetCloudKeywords(ctx, app, "", 0, 10, "")
	testkit.AssertInvalid(t, err, "LibID")
	_, err = c.Moderation.DeleteCloudKeywords(ctx, app, "lib", make([]string, 11))
	testkit.AssertInvalid(t, err, "Keywords")
	_, err = c.Moderation.DeleteCloudKeywords(ctx, 0, "lib", []string{"x"})
	testkit.AssertInvalid(t, err, "SdkAppId")
	assert.Empty(t, srv.Requests())

	libs, err := c.Moderation.GetCloudLibraries(ctx, app, 0, 10)
	require.NoError(t, err)
	require.Len(t, libs.Infos, 1)
	lib := libs.Infos[0].ID

	_, err = c.Moderation.AddCloudKeywords(ctx, app, lib, []moderation.Keyword{{Content: "miracle cure"}, {Content: "cash only"}, {Content: "cure-all"}})
	require.NoError(t, err)
	page, err := c.Moderation.GetCloudKeywords(ctx, app, lib, 0, 100, "cure")
	require.NoError(t, err)
	assert.Equal(t, 2, page.TotalCount)
	page, err = c.Moderation.GetCloudKeywords(ctx, app, lib, 1, 1, "")
	require.NoError(t, err)
	assert.Equal(t, 3, page.TotalCount)
	require.Len(t, page.Infos, 1)
	assert.Equal(t, "cash only", page.Infos[0].Content)

	del, err := c.Moderation.DeleteCloudKeywords(ctx, app, lib, []string{"cash only", "never added"})
	require.NoError(t, err)
	assert.Equal(t, 1, del.Count)
	require.Len(t, del.Details, 2)
	assert.True(t, del.Details[0].Deleted)
	assert.False(t, del.Details[1].Deleted)
	v, err := c.Moderation.Check(ctx, moderation.Request{Scene: moderation.SceneC2C, Type: moderation.TypeText, Content: "cash only please"})
	require.NoError(t, err)
	assert.Equal(t, "Pass", v.Result)
}
