package profile

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
)

// MaxUsersPerCall caps the users of one portrait_get call.
const MaxUsersPerCall = 100

var catalog api.Catalog

// Endpoints returns the REST commands this package calls, as declared
// beside the methods that call them.
func Endpoints() []api.Endpoint { return catalog.Endpoints() }

type envelope = api.Envelope

// Service reads and writes user profiles. It is safe for concurrent use.
type Service struct{ d api.Doer }

// NewService returns a Service that makes its calls through d.
func NewService(d api.Doer) (*Service, error) {
	if d == nil {
		return nil, wire.Invalid("profile.NewService", "nil Doer")
	}
	return &Service{d: d}, nil
}

// Tag names a profile field.
type Tag string

// Standard profile tags.
const (
	TagNick            Tag = "Tag_Profile_IM_Nick"
	TagGender          Tag = "Tag_Profile_IM_Gender"
	TagBirthDay        Tag = "Tag_Profile_IM_BirthDay"
	TagLocation        Tag = "Tag_Profile_IM_Location"
	TagSelfSignature   Tag = "Tag_Profile_IM_SelfSignature"
	TagAllowType       Tag = "Tag_Profile_IM_AllowType"
	TagLanguage        Tag = "Tag_Profile_IM_Language"
	TagImage           Tag = "Tag_Profile_IM_Image" // avatar URL
	TagMsgSettings     Tag = "Tag_Profile_IM_MsgSettings"
	TagAdminForbidType Tag = "Tag_Profile_IM_AdminForbidType"
	TagLevel           Tag = "Tag_Profile_IM_Level"
	TagRole            Tag = "Tag_Profile_IM_Role"
)

// CustomTagPrefix starts every app-defined profile tag.
const CustomTagPrefix = "Tag_Profile_Custom_"

// CustomTag returns the tag of the app-defined field name (configured in the
// console), e.g. CustomTag("Title") = "Tag_Profile_Custom_Title".
func CustomTag(name string) Tag { return Tag(CustomTagPrefix + name) }

// Gender values of TagGender.
type Gender string

// Genders.
const (
	GenderUnknown Gender = "Gender_Type_Unknown"
	GenderFemale  Gender = "Gender_Type_Female"
	GenderMale    Gender = "Gender_Type_Male"
)

// Item is one field to set: Value must be a string or an integer.
type Item struct {
	Tag   Tag `json:"Tag"`
	Value any `json:"Value"`
}

// Nick sets the display name.
func Nick(name string) Item { return Item{TagNick, name} }

// Avatar sets the avatar URL (TagImage).
func Avatar(url string) Item { return Item{TagImage, url} }

// GenderItem sets the gender.
func GenderItem(g Gender) Item { return Item{TagGender, string(g)} }

// CustomItem sets an app-defined field (a string or an integer).
func CustomItem(name string, value any) Item { return Item{CustomTag(name), value} }

// Setting fields to values: a resend writes the same values again.
var portraitSet = catalog.Declare(api.Endpoint{Path: "profile/portrait_set", Safety: api.Idempotent})

// Set writes profile fields of userID.
//
// REST: v4/profile/portrait_set
func (s *Service) Set(ctx context.Context, userID string, items ...Item) error {
	if err := wire.CheckUserID("From_Account", userID); err != nil {
		return err
	}
	if len(items) == 0 {
		return wire.Invalid("ProfileItem", "no field to set")
	}
	for i, it := range items {
		field := fmt.Sprintf("ProfileItem[%d]", i)
		if !strings.HasPrefix(string(it.Tag), "Tag_Profile_") {
			return wire.Invalid(field+".Tag", "%q is not a profile tag (Tag_Profile_IM_* or Tag_Profile_Custom_*)", it.Tag)
		}
		switch it.Value.(type) {
		case string, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		default:
			return wire.Invalid(field+".Value", "%T: must be a string or an integer", it.Value)
		}
	}
	req := struct {
		FromAccount string `json:"From_Account"`
		ProfileItem []Item `json:"ProfileItem"`
	}{userID, items}
	var resp envelope
	return s.d.Do(ctx, portraitSet, &req, &resp)
}

// Value is a field value as Tencent returned it (a JSON string or number).
type Value json.RawMessage

// String returns the value as text (numbers in decimal).
func (v Value) String() string {
	b := bytes.TrimSpace(v)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) == nil {
			return s
		}
	}
	return string(b)
}

// Int returns the value as an integer (0 when it is not one).
func (v Value) Int() int64 {
	n, _ := strconv.ParseInt(v.String(), 10, 64)
	return n
}

// User is one user's answer to Get.
type User struct {
	UserID string
	Values map[Tag]Value
	// ResultCode is 0 when the profile was read; otherwise ResultInfo says why.
	ResultCode int
	ResultInfo string
}

// Nick returns the display name.
func (p *User) Nick() string { return p.Values[TagNick].String() }

// AvatarURL returns the avatar URL.
func (p *User) AvatarURL() string { return p.Values[TagImage].String() }

// A read: a resend changes nothing.
var portraitGet = catalog.Declare(api.Endpoint{Path: "profile/portrait_get", Safety: api.Idempotent})

// Get reads the listed tags of users, in calls of 100. Users Tencent could
// not answer for come back with a non-zero ResultCode.
//
// REST: v4/profile/portrait_get
func (s *Service) Get(ctx context.Context, userIDs []string, tags ...Tag) ([]User, error) {
	if err := wire.CheckUserIDs("To_Account", userIDs); err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		return nil, wire.Invalid("TagList", "no tag requested")
	}
	out := make([]User, 0, len(userIDs))
	err := wire.Chunks(len(userIDs), MaxUsersPerCall, func(lo, hi int) error {
		req := struct {
			ToAccount []string `json:"To_Account"`
			TagList   []Tag    `json:"TagList"`
		}{userIDs[lo:hi], tags}
		var resp struct {
			envelope
			UserProfileItem []struct {
				ToAccount string `json:"To_Account"`
				Item      []struct {
					Tag   Tag             `json:"Tag"`
					Value json.RawMessage `json:"Value"`
				} `json:"ProfileItem"`
				ResultCode int    `json:"ResultCode"`
				ResultInfo string `json:"ResultInfo"`
			} `json:"UserProfileItem"`
		}
		if err := s.d.Do(ctx, portraitGet, &req, &resp); err != nil {
			return err
		}
		for _, u := range resp.UserProfileItem {
			p := User{UserID: u.ToAccount, ResultCode: u.ResultCode, ResultInfo: u.ResultInfo,
				Values: make(map[Tag]Value, len(u.Item))}
			for _, it := range u.Item {
				p.Values[it.Tag] = Value(it.Value)
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}
