package tim

// Version is the release of this module that is being prepared (or was
// last tagged). The modules under contrib/ and cmd/ require exactly this
// version of github.com/timkit/tim, so that a user outside this repository
// can resolve them; RELEASING.md says how they are tagged together, and
// TestModulesRequireTheCoreRelease holds their go.mod files to it.
const Version = "v0.1.0"
