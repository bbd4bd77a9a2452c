package operation

import (
	"context"
	"fmt"
	"strings"

	"github.com/timkit/tim/api"
	"github.com/timkit/tim/internal/wire"
)

// A read: a resend changes nothing.
var epGetIPList = catalog.Declare(api.Endpoint{Path: "ConfigSvc/GetIPList", Safety: api.Idempotent})

// IPList returns the addresses (and ranges) Tencent's IM servers call from,
// for the app's firewall allow list of callback sources.
//
// REST: v4/ConfigSvc/GetIPList
func (s *Service) IPList(ctx context.Context) ([]string, error) {
	var resp struct {
		envelope
		IPList []wire.FlexString `json:"IPList"`
	}
	if err := s.d.Do(ctx, epGetIPList, struct{}{}, &resp); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(resp.IPList))
	for _, ip := range resp.IPList {
		out = append(out, string(ip))
	}
	return out, nil
}

func checkRawURL(field, u string) error {
	switch {
	case u == "":
		return wire.Invalid(field, "is empty")
	case !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://"):
		return wire.Invalid(field, "%q is not an http(s) URL (take it from the message element's URL field)", u)
	}
	return nil
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epForbid = catalog.Declare(api.Endpoint{Path: "im_cos_msg/forbid_illegal_object", Safety: api.Idempotent})

// ForbidObject bans a chat file (image, voice, video, file) stored by IM:
// the SDKs can no longer download it. rawURL is the URL field of the rich
// message element.
//
// REST: v4/im_cos_msg/forbid_illegal_object
func (s *Service) ForbidObject(ctx context.Context, rawURL string) error {
	if err := checkRawURL("RawURL", rawURL); err != nil {
		return err
	}
	req := struct {
		RawURL string `json:"RawURL"`
	}{rawURL}
	var resp envelope
	return s.d.Do(ctx, epForbid, &req, &resp)
}

// Writes the state given (or an operation Tencent applies once): a resend
// leaves the same result.
var epAllow = catalog.Declare(api.Endpoint{Path: "im_cos_msg/allow_banned_object", Safety: api.Idempotent})

// AllowObject lifts the ban of a chat file.
//
// REST: v4/im_cos_msg/allow_banned_object
func (s *Service) AllowObject(ctx context.Context, rawURL string) error {
	if err := checkRawURL("RawURL", rawURL); err != nil {
		return err
	}
	req := struct {
		RawURL string `json:"RawURL"`
	}{rawURL}
	var resp envelope
	return s.d.Do(ctx, epAllow, &req, &resp)
}

// ObjectStatus is a chat file's state.
type ObjectStatus int

// Chat file states.
const (
	ObjectNormal  ObjectStatus = 0 // the SDKs can download it
	ObjectBanned  ObjectStatus = 1 // banned: only the signed URL reaches it
	ObjectMissing ObjectStatus = 2 // gone (e.g. expired)
)

// CosObject is get_cos_sig's answer for one file.
type CosObject struct {
	RawURL string
	// Code is 0 when the query for this file succeeded; Desc explains a
	// failure.
	Code int
	Desc string
	// SignedURL (PreSigURL) reaches the file even when it is banned; it is
	// valid for 15 minutes.
	SignedURL string
	Status    ObjectStatus
}

// A read: a resend changes nothing.
var epCosSig = catalog.Declare(api.Endpoint{Path: "im_cos_msg/get_cos_sig", Safety: api.Idempotent})

// Err returns nil for a successful query, else a *tim.APIError.
func (o CosObject) Err() error {
	if o.Code == 0 {
		return nil
	}
	return &api.Error{Op: epCosSig.Path, HTTPStatus: 200, Code: o.Code, Info: o.Desc}
}

// CosSignatures returns the state and a signed download URL of chat files,
// e.g. to review a banned file. Results come in the order of rawURLs.
//
// REST: v4/im_cos_msg/get_cos_sig
func (s *Service) CosSignatures(ctx context.Context, rawURLs []string) ([]CosObject, error) {
	if len(rawURLs) == 0 {
		return nil, wire.Invalid("RawURLs", "no URL given")
	}
	type item struct {
		ResourceID int    `json:"ResourceID"`
		RawURL     string `json:"RawURL"`
	}
	req := struct {
		RawURLs []item `json:"RawURLs"`
	}{}
	for i, u := range rawURLs {
		if err := checkRawURL(fmt.Sprintf("RawURLs[%d].RawURL", i), u); err != nil {
			return nil, err
		}
		req.RawURLs = append(req.RawURLs, item{ResourceID: i + 1, RawURL: u})
	}
	var resp struct {
		envelope
		PreSigURLs []struct {
			Code       wire.FlexInt    `json:"Code"`
			Desc       wire.FlexString `json:"Desc"`
			ResourceID wire.FlexInt    `json:"ResourceID"`
			PreSigURL  wire.FlexString `json:"PreSigURL"`
			Status     wire.FlexInt    `json:"Status"`
		} `json:"PreSigURLs"`
	}
	if err := s.d.Do(ctx, epCosSig, &req, &resp); err != nil {
		return nil, err
	}
	out := make([]CosObject, len(rawURLs))
	answered := make([]bool, len(rawURLs))
	for i, u := range rawURLs {
		out[i] = CosObject{RawURL: u}
	}
	for _, p := range resp.PreSigURLs {
		i := int(p.ResourceID) - 1
		if i < 0 || i >= len(out) || answered[i] {
			continue
		}
		answered[i] = true
		out[i] = CosObject{RawURL: rawURLs[i], Code: int(p.Code), Desc: string(p.Desc), SignedURL: string(p.PreSigURL), Status: ObjectStatus(p.Status)}
	}
	for i := range out {
		if !answered[i] {
			out[i].Code, out[i].Desc = -1, "no answer for this ResourceID"
		}
	}
	return out, nil
}
