//go:build exhaustive

package fix

// exhaustive: the full-size races run (go test -tags exhaustive
// ./patchproto/fix/; .ci/run does).
const exhaustive = true
