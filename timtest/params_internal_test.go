package timtest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryRouteHasAParameterTable: a command without a request table
// would skip the parameter checks.
func TestEveryRouteHasAParameterTable(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	for _, p := range s.APIs() {
		_, ok := paramSpecs[p]
		assert.True(t, ok, "%s has no entry in paramSpecs", p)
	}
	for p := range paramSpecs {
		_, ok := s.routes[p]
		assert.True(t, ok, "paramSpecs lists %s, which is not routed", p)
	}
}

// TestMissingRequiredFieldNamesIt: for every command, an empty body is
// answered with the command's parameter code and an ErrorInfo naming its
// first required field, never with "account not imported" or 60009.
func TestMissingRequiredFieldNamesIt(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	for path, ps := range paramSpecs {
		var first *param
		for i := range ps.fields {
			if ps.fields[i].required {
				first = &ps.fields[i]
				break
			}
		}
		if first == nil {
			continue
		}
		t.Run(path, func(t *testing.T) {
			ans := post(t, s, path, `{}`)
			want := first.code
			if want == 0 {
				want = ps.code
			}
			assert.Equal(t, want, codeIn(ans))
			assert.Contains(t, ans["ErrorInfo"], first.name)
			assert.NotContains(t, ans["ErrorInfo"], "not imported")
		})
	}
}

// TestIllTypedFieldNamesIt: each declared field of the wrong JSON type is
// answered with the parameter code and named.
func TestIllTypedFieldNamesIt(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	wrong := map[kind]string{kString: `7`, kInt: `"7"`, kNum: `"x"`, kObject: `[]`, kArray: `{}`,
		kStrings: `[1]`, kInts: `["a"]`, kObjects: `["a"]`}
	n := 0
	for path, ps := range paramSpecs {
		for _, f := range ps.fields {
			bad, ok := wrong[f.kind]
			if !ok {
				continue
			}
			n++
			ans := post(t, s, path, fmt.Sprintf(`{%q:%s}`, f.name, bad))
			want := f.code
			if want == 0 {
				want = ps.code
			}
			assert.Equal(t, want, codeIn(ans), "%s %s=%s: %v", path, f.name, bad, ans)
			info, _ := ans["ErrorInfo"].(string)
			assert.True(t, strings.Contains(info, f.name), "%s: %q does not name %s", path, info, f.name)
		}
	}
	require.Greater(t, n, 300)
}

func TestSpecSyntax(t *testing.T) {
	t.Parallel()
	ps := spec(10004, "GroupId:s!", "To_Account:as!=90003", "Limit:i")
	assert.Equal(t, paramSpec{code: 10004, fields: []param{
		{name: "GroupId", kind: kString, required: true},
		{name: "To_Account", kind: kStrings, required: true, code: 90003},
		{name: "Limit", kind: kInt},
	}}, ps)
	assert.Panics(t, func() { spec(1, "GroupId") })
	assert.Panics(t, func() { spec(1, "GroupId:x") })
	assert.Panics(t, func() { spec(1, "GroupId:s=abc") })
}

func TestTypeError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		k    kind
		raw  string
		fine bool
	}{
		{kString, `"a"`, true}, {kString, `1`, false},
		{kInt, `12`, true}, {kInt, `-3`, true}, {kInt, `1.5`, false}, {kInt, `1e3`, false}, {kInt, `"1"`, false},
		{kNum, `1.5`, true}, {kNum, `true`, false},
		{kObject, `{}`, true}, {kObject, `[]`, false},
		{kStrings, `["a","b"]`, true}, {kStrings, `["a",1]`, false},
		{kInts, `[1,2]`, true}, {kInts, `[1,"2"]`, false},
		{kObjects, `[{}]`, true}, {kObjects, `[[]]`, false},
		{kArray, `[1,"a",{}]`, true}, {kAny, `null`, true},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.fine, typeError(tc.k, []byte(tc.raw)) == "", "%s %s", tc.k, tc.raw)
	}
}

// TestNestedIllTypedFieldIsNamed: a nested field of the wrong type is a
// parameter error naming its path.
func TestNestedIllTypedFieldIsNamed(t *testing.T) {
	t.Parallel()
	s := NewServer(t)
	ans := post(t, s, "group_open_http_svc/add_group_member", `{"GroupId":"g","MemberList":[{"Member_Account":5}]}`)
	assert.Equal(t, codeGroupParam, codeIn(ans))
	assert.Equal(t, "parameter error: field MemberList.Member_Account must be a string, got a JSON number", ans["ErrorInfo"])
	ans = post(t, s, "recentcontact/mark_contact", `{"From_Account":"a","MarkItem":[{"OptType":"3"}]}`)
	assert.Equal(t, codeContactParam, codeIn(ans))
	assert.Contains(t, ans["ErrorInfo"], "MarkItem.OptType")
}

const benchSendBody = `{"SyncOtherMachine":1,"From_Account":"a","To_Account":"b","MsgRandom":1287657,` +
	`"MsgBody":[{"MsgType":"TIMTextElem","MsgContent":{"Text":"hi, beauty"}}],"CloudCustomData":"your cloud custom data"}`

// BenchmarkCheckParams is the cost the parameter table adds to a request.
func BenchmarkCheckParams(b *testing.B) {
	body := []byte(benchSendBody)
	b.ReportAllocs()
	for b.Loop() {
		if err := checkParams("openim/sendmsg", body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServeSendMsg is a whole sendmsg through ServeHTTP (usersig
// verification, parameter table, handler, answer), for scale.
func BenchmarkServeSendMsg(b *testing.B) {
	s := NewServer(b, WithRateLimit(Rate{}))
	require.NoError(b, s.ImportAccounts("a", "b"))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		body := strings.Replace(benchSendBody, "1287657", fmt.Sprint(i), 1)
		if ans := post(b, s, "openim/sendmsg", body); codeIn(ans) != 0 {
			b.Fatal(ans)
		}
	}
}
