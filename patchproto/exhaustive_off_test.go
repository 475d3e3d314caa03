//go:build !exhaustive

package patchproto

// exhaustive is off: the sweeps over every protocol x variant x op x
// model (two minutes here) skip, so that go test ./... stays quick;
// .ci/run runs them with -tags exhaustive.
const exhaustive = false
