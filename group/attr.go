package group

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/timkit/tim/api"

	"github.com/timkit/tim/internal/wire"
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

// A read: a resend changes nothing.
var epGetAttr = catalog.Declare(api.Endpoint{Path: "group_open_attr_http_svc/get_group_attr", Safety: api.Idempotent})

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
	if err := s.d.Do(ctx, epGetAttr, &req, &resp); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(resp.GroupAttrAry))
	for _, a := range resp.GroupAttrAry {
		out[a.Key] = a.Value
	}
	return out, nil
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epModifyAttr = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/modify_group_attr", Safety: api.Idempotent})

// ModifyAttrs adds or changes the given attributes, leaving the others as
// they are. Keys are sent in sorted order.
//
// REST: v4/group_open_http_svc/modify_group_attr
func (s *Service) ModifyAttrs(ctx context.Context, groupID string, attrs map[string]string) error {
	return s.writeAttrs(ctx, epModifyAttr, groupID, attrs)
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epSetAttr = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/set_group_attr", Safety: api.Idempotent})

// SetAttrs replaces all of a group's attributes with attrs (an empty map
// is rejected: use ClearAttrs).
//
// REST: v4/group_open_http_svc/set_group_attr
func (s *Service) SetAttrs(ctx context.Context, groupID string, attrs map[string]string) error {
	return s.writeAttrs(ctx, epSetAttr, groupID, attrs)
}

// Removing what is already gone changes nothing: a resend is harmless.
var epClearAttr = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/clear_group_attr", Safety: api.Idempotent})

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
	return s.d.Do(ctx, epClearAttr, &req, &resp)
}

func (s *Service) writeAttrs(ctx context.Context, e api.Endpoint, groupID string, attrs map[string]string) error {
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
	return s.d.Do(ctx, e, &req, &resp)
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

// Deleting keys that are already gone changes nothing (10050 aside, which
// DeleteAttrs reports): a resend is harmless.
var epDeleteAttr = catalog.Declare(api.Endpoint{Path: "group_open_http_svc/delete_group_attr", Safety: api.Idempotent})

// DeleteAttrs removes the named attributes of a group (keys of at most
// MaxAttrKeyBytes). Tencent answers 10050 for a key the group does not
// have. Source: https://www.tencentcloud.com/document/product/1047/59499
// (zh: https://cloud.tencent.com/document/product/269/104440).
//
// REST: v4/group_open_http_svc/delete_group_attr
func (s *Service) DeleteAttrs(ctx context.Context, groupID string, keys ...string) error {
	if err := checkGroupRef("GroupId", groupID); err != nil {
		return err
	}
	if len(keys) == 0 {
		return wire.Invalid("GroupAttr", "no key given")
	}
	if len(keys) > MaxAttrs {
		return wire.Invalid("GroupAttr", "%d keys, limit is %d", len(keys), MaxAttrs)
	}
	type keyWire struct {
		Key string `json:"key"`
	}
	list := make([]keyWire, len(keys))
	for i, k := range keys {
		f := fmt.Sprintf("GroupAttr[%d].key", i)
		switch {
		case strings.TrimSpace(k) == "":
			return wire.Invalid(f, "is empty")
		case !utf8.ValidString(k):
			return wire.Invalid(f, "is not valid UTF-8")
		case len(k) > MaxAttrKeyBytes:
			return wire.Invalid(f, "%q is %d bytes, limit is %d", k, len(k), MaxAttrKeyBytes)
		}
		list[i] = keyWire{k}
	}
	req := struct {
		GroupID   string    `json:"GroupId"`
		GroupAttr []keyWire `json:"GroupAttr"`
	}{groupID, list}
	var resp envelope
	return s.d.Do(ctx, epDeleteAttr, &req, &resp)
}
