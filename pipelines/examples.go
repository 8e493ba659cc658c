package pipelines

import "embed"

// Examples holds the example pipeline files (examples/*.yaml), so the binary can hand them out
// without the source tree. Each parses with Parse; a test checks it.
//
//go:embed examples/*.yaml
var Examples embed.FS
