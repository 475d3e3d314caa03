//go:build exhaustive

package patchproto

// exhaustive: the sweeps over every protocol x variant x op x model run
// (go test -tags exhaustive ./patchproto/; .ci/run does).
const exhaustive = true
