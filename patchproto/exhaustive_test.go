package patchproto

import (
	"strings"
	"testing"
)

// skipUnlessExhaustive skips a sweep over every protocol, variant, op
// and memory model unless the tests are built with -tags exhaustive.
func skipUnlessExhaustive(t *testing.T) {
	t.Helper()
	if !exhaustive {
		t.Skip("a sweep over every configuration: go test -tags exhaustive ./patchproto/ (.ci/run runs it)")
	}
}

// applies reports whether a sweep's configuration o exists for p: some
// do not — a patcher cmpxchg needs SC or TSO, x86 has no rvwmo, a
// protocol without calls takes no --calls, a final condition or [init]
// line names a hart a smaller --harts does not have, a file of [hart]
// sections fixes the number of harts. Any other build
// error fails t.
func applies(t *testing.T, p *Protocol, o Options) bool {
	t.Helper()
	_, _, err := p.Build(o)
	if err == nil {
		return true
	}
	for _, why := range []string{"model.LockedRMW", "is not a memory model of", "calls", "does not exist", "[hart] sections, one per hart"} {
		if strings.Contains(err.Error(), why) {
			return false
		}
	}
	t.Fatalf("%s %+v: %v", p.Name, o, err)
	return false
}
