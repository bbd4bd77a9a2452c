package tim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/timkit/tim/internal/wire"
)

// ProfileService reads and writes user profiles (v4/profile/*). The consult
// app keeps doctors' and patients' display names (TagNick) and avatars
// (TagImage) here, where the front-end SDK reads them too.
type ProfileService struct{ c *Client }

// ProfileTag names a profile field.
type ProfileTag string

// Standard profile tags.
const (
	TagNick            ProfileTag = "Tag_Profile_IM_Nick"
	TagGender          ProfileTag = "Tag_Profile_IM_Gender"
	TagBirthDay        ProfileTag = "Tag_Profile_IM_BirthDay"
	TagLocation        ProfileTag = "Tag_Profile_IM_Location"
	TagSelfSignature   ProfileTag = "Tag_Profile_IM_SelfSignature"
	TagAllowType       ProfileTag = "Tag_Profile_IM_AllowType"
	TagLanguage        ProfileTag = "Tag_Profile_IM_Language"
	TagImage           ProfileTag = "Tag_Profile_IM_Image" // avatar URL
	TagMsgSettings     ProfileTag = "Tag_Profile_IM_MsgSettings"
	TagAdminForbidType ProfileTag = "Tag_Profile_IM_AdminForbidType"
	TagLevel           ProfileTag = "Tag_Profile_IM_Level"
	TagRole            ProfileTag = "Tag_Profile_IM_Role"
)

// CustomTagPrefix starts every app-defined profile tag.
const CustomTagPrefix = "Tag_Profile_Custom_"

// CustomTag returns the tag of the app-defined field name (configured in the
// console), e.g. CustomTag("Title") = "Tag_Profile_Custom_Title".
func CustomTag(name string) ProfileTag { return ProfileTag(CustomTagPrefix + name) }

// Gender values of TagGender.
type Gender string

// Genders.
const (
	GenderUnknown Gender = "Gender_Type_Unknown"
	GenderFemale  Gender = "Gender_Type_Female"
	GenderMale    Gender = "Gender_Type_Male"
)

// ProfileItem is one field to set: Value must be a string or an integer.
type ProfileItem struct {
	Tag   ProfileTag `json:"Tag"`
	Value any        `json:"Value"`
}

// Nick sets the display name.
func Nick(name string) ProfileItem { return ProfileItem{TagNick, name} }

// Avatar sets the avatar URL (TagImage).
func Avatar(url string) ProfileItem { return ProfileItem{TagImage, url} }

// GenderItem sets the gender.
func GenderItem(g Gender) ProfileItem { return ProfileItem{TagGender, string(g)} }

// CustomItem sets an app-defined field (a string or an integer).
func CustomItem(name string, value any) ProfileItem { return ProfileItem{CustomTag(name), value} }

// Set writes profile fields of userID.
//
// REST: v4/profile/portrait_set
func (s *ProfileService) Set(ctx context.Context, userID string, items ...ProfileItem) error {
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
		FromAccount string        `json:"From_Account"`
		ProfileItem []ProfileItem `json:"ProfileItem"`
	}{userID, items}
	var resp envelope
	return s.c.Do(ctx, "profile/portrait_set", &req, &resp)
}

// ProfileValue is a field value as Tencent returned it (a JSON string or number).
type ProfileValue json.RawMessage

// String returns the value as text (numbers in decimal).
func (v ProfileValue) String() string {
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
func (v ProfileValue) Int() int64 {
	n, _ := strconv.ParseInt(v.String(), 10, 64)
	return n
}

// UserProfile is one user's answer to Get.
type UserProfile struct {
	UserID string
	Values map[ProfileTag]ProfileValue
	// ResultCode is 0 when the profile was read; otherwise ResultInfo says why.
	ResultCode int
	ResultInfo string
}

// Nick returns the display name.
func (p *UserProfile) Nick() string { return p.Values[TagNick].String() }

// AvatarURL returns the avatar URL.
func (p *UserProfile) AvatarURL() string { return p.Values[TagImage].String() }

// Get reads the listed tags of users, in calls of 100. Users Tencent could
// not answer for come back with a non-zero ResultCode.
//
// REST: v4/profile/portrait_get
func (s *ProfileService) Get(ctx context.Context, userIDs []string, tags ...ProfileTag) ([]UserProfile, error) {
	if err := wire.CheckUserIDs("To_Account", userIDs); err != nil {
		return nil, err
	}
	if len(tags) == 0 {
		return nil, wire.Invalid("TagList", "no tag requested")
	}
	out := make([]UserProfile, 0, len(userIDs))
	err := wire.Chunks(len(userIDs), MaxAccountsPerCall, func(lo, hi int) error {
		req := struct {
			ToAccount []string     `json:"To_Account"`
			TagList   []ProfileTag `json:"TagList"`
		}{userIDs[lo:hi], tags}
		var resp struct {
			envelope
			UserProfileItem []struct {
				ToAccount   string `json:"To_Account"`
				ProfileItem []struct {
					Tag   ProfileTag      `json:"Tag"`
					Value json.RawMessage `json:"Value"`
				} `json:"ProfileItem"`
				ResultCode int    `json:"ResultCode"`
				ResultInfo string `json:"ResultInfo"`
			} `json:"UserProfileItem"`
		}
		if err := s.c.Do(ctx, "profile/portrait_get", &req, &resp); err != nil {
			return err
		}
		for _, u := range resp.UserProfileItem {
			p := UserProfile{UserID: u.ToAccount, ResultCode: u.ResultCode, ResultInfo: u.ResultInfo,
				Values: make(map[ProfileTag]ProfileValue, len(u.ProfileItem))}
			for _, it := range u.ProfileItem {
				p.Values[it.Tag] = ProfileValue(it.Value)
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}
