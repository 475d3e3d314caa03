// Package scenario reads ftcheck's scenario files: a protocol and the
// CPUs racing with it, written the way reviewers write them, close to
// herd's .litmus format. A file has a header (RISCV NAME, quoted doc
// lines), declarations (param, bounds, memory model, IPI handlers), and
// sections: [text] and [hart NAME] hold real assembly of the header's
// ISA (RISC-V with ABI register names, arm64, x86 in AT&T syntax, ppc64;
// GNU syntax each), assembled here (asm.go, one asmISA.go file an ISA)
// with the encoders of ifetch/ISA; [data] holds initial memory; [init] the
// registers; [patcher] the kernel's patching steps, each mapped to a
// model.PatchOp; [check torn-pair] the intended jump targets; and a
// herd-style final condition (exists, ~exists, forall) is judged in
// every terminal state. docs/scenarios.md describes the format.
//
// Parse reads the header and parameters; File.Build resolves .if on the
// parameter values, expands .rept, lays out and assembles the text in two
// passes (labels first), and returns a model.Config. Every problem is an
// *Error that prints as file:line:col: message.
//
// An expect line (expect.go) states the result ftcheck test holds a file
// to; an instance file (instance.go: protocol NAME or scenario "PATH",
// set lines, bounds, expect) names a protocol with settings instead of
// writing one, so that regression entries copy no protocol text
// (docs/ci.md).
package scenario
