// Package profile reads and writes user profiles, the section "Profile
// management" of Tencent's REST documentation (v4/profile/*). The consult
// app keeps doctors' and patients' display names (TagNick) and avatars
// (TagImage) here, where the front-end SDK reads them too.
package profile
