//go:build !exhaustive

package fix

// exhaustive is off: R-10 on the full riscv-jalr (a proof of 126,602
// states, about 5 s of CPU) skips, so that go test ./... stays quick; its
// reduced scenario runs always.
const exhaustive = false
