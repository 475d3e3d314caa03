// Package ftcheck is the model checker as a library, for Go programs
// and property tests that explore live-patching protocols themselves.
//
// A Protocol is a scenario: a built-in one (Builtin("riscv-jalr")), a
// file (Load), or text a program generated (Parse) — the format is in
// docs/scenarios.md, and an instance file (protocol NAME, set ..., expect
// ...) in docs/ci.md. Explore searches every interleaving of it within
// the bounds and returns a typed Result: Safe with the number of states,
// Violated with the check that failed and a minimal trace, or Incomplete
// (a bound, the timeout or the context stopped it: never a proof).
//
//	p, err := ftcheck.Builtin("riscv-pair")
//	...
//	r, err := ftcheck.Explore(ctx, p, ftcheck.Options{Op: "change"})
//	if r.Outcome == ftcheck.Violated {
//		fmt.Println(r.Violation.Check, len(r.Trace)) // torn-pair 18
//	}
//
// This is the same search the ftcheck command runs (model.Explore on
// the system patchproto builds); the command's `test` subcommand is the
// way to run a folder of expectations in CI (docs/ci.md).
package ftcheck
