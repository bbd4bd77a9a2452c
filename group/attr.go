package group

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/timkit/tim/internal/wire"
)

// REST paths of group attributes. Reading lives in a service of its own.
const (
	pathGetAttr    = "group_open_attr_http_svc/get_group_attr"
	pathModifyAttr = "group_open_http_svc/modify_group_attr"
	pathClearAttr  = "group_open_http_svc/clear_group_attr"
	pathSetAttr    = "group_open_http_svc/set_group_attr"
)

// Group attribute limits (set_group_attr documentation).
const (
	// MaxAttrs is how many attributes a group holds.
	MaxAttrs = 16
	// MaxAttrKeyBytes is the longest attribute key.
	MaxAttrKeyBytes = 32
	// MaxAttrValueBytes is the longest attribute value.
	MaxAttrValueBytes = 4000
)

type attrWire struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Attrs reads a group's custom attributes (群自定义属性): key/value pairs
// every member can read, which need no console declaration (unlike
// AppDefinedData).
//
// REST: v4/group_open_attr_http_svc/get_group_attr
func (s *Service) Attrs(ctx context.Context, groupID string) (map[string]string, error) {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return nil, err
	}
	req := struct {
		GroupID string `json:"GroupId"`
	}{groupID}
	var resp struct {
		envelope
		GroupAttrAry []attrWire `json:"GroupAttrAry"`
	}
	if err := s.d.Do(ctx, pathGetAttr, &req, &resp); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(resp.GroupAttrAry))
	for _, a := range resp.GroupAttrAry {
		out[a.Key] = a.Value
	}
	return out, nil
}

// ModifyAttrs adds or changes the given attributes, leaving the others as
// they are. Keys are sent in sorted order.
//
// REST: v4/group_open_http_svc/modify_group_attr
func (s *Service) ModifyAttrs(ctx context.Context, groupID string, attrs map[string]string) error {
	return s.writeAttrs(ctx, pathModifyAttr, groupID, attrs)
}

// SetAttrs replaces all of a group's attributes with attrs (an empty map
// is rejected: use ClearAttrs).
//
// REST: v4/group_open_http_svc/set_group_attr
func (s *Service) SetAttrs(ctx context.Context, groupID string, attrs map[string]string) error {
	return s.writeAttrs(ctx, pathSetAttr, groupID, attrs)
}

// ClearAttrs removes all of a group's attributes (not supported by
// Community groups).
//
// REST: v4/group_open_http_svc/clear_group_attr
func (s *Service) ClearAttrs(ctx context.Context, groupID string) error {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return err
	}
	req := struct {
		GroupID string `json:"GroupId"`
	}{groupID}
	var resp envelope
	return s.d.Do(ctx, pathClearAttr, &req, &resp)
}

func (s *Service) writeAttrs(ctx context.Context, path, groupID string, attrs map[string]string) error {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return err
	}
	list, err := attrList(attrs)
	if err != nil {
		return err
	}
	req := struct {
		GroupID   string     `json:"GroupId"`
		GroupAttr []attrWire `json:"GroupAttr"`
	}{groupID, list}
	var resp envelope
	return s.d.Do(ctx, path, &req, &resp)
}

func attrList(attrs map[string]string) ([]attrWire, error) {
	if len(attrs) == 0 {
		return nil, wire.Invalid("GroupAttr", "no attribute given")
	}
	if len(attrs) > MaxAttrs {
		return nil, wire.Invalid("GroupAttr", "%d attributes, limit is %d", len(attrs), MaxAttrs)
	}
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]attrWire, len(keys))
	for i, k := range keys {
		f := fmt.Sprintf("GroupAttr[%d]", i)
		if strings.TrimSpace(k) == "" {
			return nil, wire.Invalid(f+".key", "is empty")
		}
		if !utf8.ValidString(k) {
			return nil, wire.Invalid(f+".key", "is not valid UTF-8")
		}
		if len(k) > MaxAttrKeyBytes {
			return nil, wire.Invalid(f+".key", "%q is %d bytes, limit is %d", k, len(k), MaxAttrKeyBytes)
		}
		if err := checkText(f+".value", attrs[k], MaxAttrValueBytes); err != nil {
			return nil, err
		}
		out[i] = attrWire{k, attrs[k]}
	}
	return out, nil
}
