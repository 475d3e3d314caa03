package patchproto

import "testing"

// skipUnlessExhaustive skips a sweep over every protocol, variant, op
// and memory model unless the tests are built with -tags exhaustive.
func skipUnlessExhaustive(t *testing.T) {
	t.Helper()
	if !exhaustive {
		t.Skip("a sweep over every configuration: go test -tags exhaustive ./patchproto/ (.ci/run runs it)")
	}
}
