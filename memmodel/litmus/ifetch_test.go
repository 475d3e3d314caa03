package litmus

import (
	"errors"
	"strings"
	"testing"
)

// Instruction-fetch shapes written for this project, so that the
// instruction-fetch model is covered on a fresh clone. Each verdict is
// derived by hand from aarch64.cat's rules (ifetch.go in package
// axiomatic quotes them); the comment on each case gives the argument.
// The shapes follow the families of herd's aarch64-ifetch catalogue (SM:
// self-modifying, MP: cross-modifying message passing), whose verdicts the
// conformance test checks when ../shared is present.

// sm is a thread that overwrites `B L1` at L0 with a NOP, runs prologue,
// and then executes L0: X9=1 shows the new instruction ran.
func sm(name, cacheType, prologue string) string {
	var b strings.Builder
	b.WriteString("AArch64 " + name + "\n")
	if cacheType != "" {
		b.WriteString("CacheType=" + cacheType + "\n")
	}
	b.WriteString("{ 0:X0=instr:\"NOP\"; 0:X1=P0:L0; }\n P0 ;\n STR W0,[X1] ;\n")
	for _, in := range strings.Split(prologue, ";") {
		if in = strings.TrimSpace(in); in != "" {
			b.WriteString(" " + in + " ;\n")
		}
	}
	b.WriteString("L0: B L1 ;\n MOV W9,#1 ;\nL1: ;\nexists (0:X9=0)\n")
	return b.String()
}

// mp is cross-modifying message passing: P0 overwrites P1's `B L1` with a
// NOP, runs sync, and sets flag y; P1 reads y, branches on it, runs wait
// and executes L0. The condition asks for the flag seen and the old
// instruction run.
func mp(name, cacheType, sync, wait string) string {
	var b strings.Builder
	b.WriteString("AArch64 " + name + "\n")
	if cacheType != "" {
		b.WriteString("CacheType=" + cacheType + "\n")
	}
	b.WriteString("{ 0:X0=NOP; 0:X1=P1:L0; 0:X2=1; 0:X3=y; 1:X3=y; }\n P0 | P1 ;\n")
	p0 := append([]string{"STR W0,[X1]"}, splitInsts(sync)...)
	p0 = append(p0, "STR W2,[X3]")
	p1 := append([]string{"LDR W2,[X3]", "CBNZ W2,Lgo", "Lgo:"}, splitInsts(wait)...)
	p1 = append(p1, "L0: B L1", "MOV W9,#1", "L1:")
	b.WriteString(columns(p0, p1))
	b.WriteString("exists (1:X2=1 /\\ 1:X9=0)\n")
	return b.String()
}

// columns lays out the code of two columns (P0 and P1, or P0 and its
// fault handler P0.F) side by side.
func columns(p0, p1 []string) string {
	var b strings.Builder
	for r := 0; r < len(p0) || r < len(p1); r++ {
		var a, c string
		if r < len(p0) {
			a = p0[r]
		}
		if r < len(p1) {
			c = p1[r]
		}
		b.WriteString(" " + a + " | " + c + " ;\n")
	}
	return b.String()
}

// mpFF is message passing through two instructions: P0 overwrites P1's
// data instruction Lb with a NOP, then (DMB ST) its flag instruction La;
// P1 runs La (X10=1: the new flag), then sync and an ISB, then Lb (X11=0:
// the old data).
func mpFF(name, sync string) string {
	p0 := []string{"STR W0,[X1]", "DMB ST", "STR W0,[X2]"}
	p1 := append([]string{"La: B L1", "MOV W10,#1", "L1:"}, splitInsts(sync)...)
	p1 = append(p1, "ISB", "Lb: B L2", "MOV W11,#1", "L2:")
	return "AArch64 " + name + "\n{ 0:X0=NOP; 0:X1=P1:Lb; 0:X2=P1:La; 1:X1=P1:Lb; }\n P0 | P1 ;\n" +
		columns(p0, p1) + "exists (1:X10=1 /\\ 1:X11=0)\n"
}

// coFF is fetch coherence: P0 writes `B .+12` over P1's l1 and runs
// then (DC, IC and perhaps a last store), while P1 calls l1 twice; the
// calls return in X1 and X2 which instruction they ran (2: a NOP, 1: the
// new branch, 0: the initial B j0).
func coFF(name, init, then, cond string) string {
	p0 := append([]string{"STR W2,[X1]"}, splitInsts(then)...)
	p1 := []string{"BL l1", "MOV W1,W9", "BL l1", "MOV W2,W9", "BL end",
		"l1: B j0", "MOV W9,#2", "RET", "j1: MOV W9,#1", "RET", "j0: MOV W9,#0", "RET", "end:"}
	return "AArch64 " + name + "\n{ " + init + " }\n P0 | P1 ;\n" + columns(p0, p1) + cond + "\n"
}

func splitInsts(s string) []string {
	var out []string
	for _, in := range strings.Split(s, ";") {
		if in = strings.TrimSpace(in); in != "" {
			out = append(out, in)
		}
	}
	return out
}

const cacheSync = "DC CVAU,X1; DSB ISH; IC IVAU,X1; DSB ISH"

var ifetchShapes = []struct {
	name, src string
	want      Kind
}{
	// Nothing orders the store before the fetch: the fetch may still
	// read the initial `B L1` (the old instruction).
	{"SM", sm("SM", "", ""), Allowed},
	// An ISB alone does not make the fetch see the store: without IC
	// maintenance no IC-ca edge closes a cycle.
	{"SM+isb", sm("SM+isb", "", "ISB"), Allowed},
	// The full sequence: IC -> ISB -> fetch (DSB-ob then IFB-ob), the
	// fetch reads the old value (ca to the store), the store is before
	// the DC (po-scl-ob): IC-ca orders IC before DC, and DC is before IC
	// (DSB-ob). A cycle: forbidden.
	{"SM+cachesync-isb", sm("SM+cachesync-isb", "", cacheSync+"; ISB"), Forbidden},
	// Without the final ISB the fetch is not ordered after the IC.
	{"SM+cachesync", sm("SM+cachesync", "", cacheSync), Allowed},
	// Without the DC clean, IC-ca needs DC-after: no cycle when IDC=0 ...
	{"SM+ic-isb", sm("SM+ic-isb", "", "DSB ISH; IC IVAU,X1; DSB ISH; ISB"), Allowed},
	// ... but IDC drops the DC from IC-ca: forbidden.
	{"IDC.SM+ic-isb", sm("IDC.SM+ic-isb", "IDC", "DSB ISH; IC IVAU,X1; DSB ISH; ISB"), Forbidden},
	// With DIC every fetch reading an old value is ordered before the
	// write ([Fetch]; ca; [W] in IC-ca); the store reaches the ISB
	// through the DSB: forbidden with no maintenance at all ...
	{"DIC.SM+dsb-isb", sm("DIC.SM+dsb-isb", "DIC", "DSB ISH; ISB"), Forbidden},
	// ... while a lone ISB leaves the store unordered with the ISB.
	{"DIC.SM+isb", sm("DIC.SM+isb", "DIC", "ISB"), Allowed},
	// Cross-modifying: maintenance on the writer, control dependency and
	// ISB on the executor. If the fetch is IC-after the IC, IC-ca closes
	// a cycle through DC and IC; if before, fetch -> IC -> store of y ->
	// read of y -> ctrl -> ISB -> fetch does. Forbidden.
	{"MP+cachesync+ctrlisb", mp("MP+cachesync+ctrlisb", "", cacheSync, "ISB"), Forbidden},
	// Without the ISB nothing orders the read of y before the fetch.
	{"MP+cachesync+ctrl", mp("MP+cachesync+ctrl", "", cacheSync, ""), Allowed},
	// Without maintenance the fetch may read the old instruction however
	// the executor waits.
	{"MP+dmb.st+ctrlisb", mp("MP+dmb.st+ctrlisb", "", "DMB ST", "ISB"), Allowed},
	// DIC: a fetch of the old instruction is ordered before the store of
	// the NOP ([Fetch]; ca; [W]), which DMB ST orders before the store of
	// y, read by P1 and ordered before the fetch by ctrl and ISB: even
	// data-side ordering forbids it ...
	{"DIC.MP+dmb.st+ctrlisb", mp("DIC.MP+dmb.st+ctrlisb", "DIC", "DMB ST", "ISB"), Forbidden},
	// ... as long as the executor synchronises its context.
	{"DIC.MP+dmb.st+ctrl", mp("DIC.MP+dmb.st+ctrl", "DIC", "DMB ST", ""), Allowed},
	// IDC still needs the IC: with the data-side ordering only, allowed.
	{"IDC.MP+dmb.st+ctrlisb", mp("IDC.MP+dmb.st+ctrlisb", "IDC", "DMB ST", "ISB"), Allowed},
	{"IDC.MP+dsb-ic-dsb+ctrlisb", mp("IDC.MP+dsb-ic-dsb+ctrlisb", "IDC", "DSB ISH; IC IVAU,X1; DSB ISH", "ISB"), Forbidden},
}

// Two-instruction shapes: message passing through two overwritten
// instructions, and coherence of two fetches of one instruction.
var ifetchPairShapes = []struct {
	name, src string
	want      Kind
}{
	// P0 overwrites the data instruction Lb, then (DMB ST) the flag
	// instruction La; P1 runs La (X10=1: it saw the new flag), cleans and
	// invalidates Lb itself, synchronises, and runs Lb (X11=0: old data).
	// The store of La feeds the fetch of La (rf;[Fetch]), which is before
	// P1's maintenance (f-ob). If the store of Lb is DC-after P1's DC, the
	// fetch of the old Lb closes IC-ca; otherwise DC -> store of Lb ->
	// store of La -> fetch of La -> DC is a cycle. Forbidden.
	{"MP.FF+dmb.st+cachesync-isb", mpFF("MP.FF+dmb.st+cachesync-isb", cacheSync), Forbidden},
	// Without P1's DC the first orientation no longer closes a cycle.
	{"MP.FF+dmb.st+ic-isb", mpFF("MP.FF+dmb.st+ic-isb", "DSB ISH; IC IVAU,X1; DSB ISH"), Allowed},
	// Two calls of l1 on P1 while P0 writes `B .+12` there, synchronises
	// the caches, and writes a NOP. The first call runs the NOP (X1=2),
	// the second the initial `B j0` (X2=0), older than both writes. If
	// the second fetch is IC-after before the IC, IC-ob orders the first
	// fetch before the NOP store it read from; otherwise IC-ca orders the
	// IC before the DC. Forbidden.
	{"coFF+cachesync", coFF("coFF+cachesync", `0:X0=NOP; 0:X1=P1:l1; 0:X2=instr:"B .+12";`,
		cacheSync+"; STR W0,[X1]", `exists (1:X1=2 /\ 1:X2=0)`), Forbidden},
	// Without the final NOP store the first fetch can only read the
	// initial branch or `B .+12`, and the two calls may return 1 then 0
	// only against coherence; 0 then 1 is allowed.
	{"coFF+cachesync-2", coFF("coFF+cachesync-2", `0:X1=P1:l1; 0:X2=instr:"B .+12";`,
		cacheSync, `exists (1:X1=0 /\ 1:X2=1)`), Allowed},
}

func TestIFetchShapes(t *testing.T) {
	for _, c := range append(ifetchShapes, ifetchPairShapes...) {
		test, err := Parse(c.name+".litmus", []byte(c.src))
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.name, err, c.src)
		}
		if !test.IFetch {
			t.Errorf("%s: not recognised as an instruction-fetch test", c.name)
		}
		r := Run(test, Options{})
		if r.Unsupported != "" {
			t.Fatalf("%s: unsupported: %s", c.name, r.Unsupported)
		}
		if r.Model != "armv8-ifetch" {
			t.Errorf("%s: ran under %s", c.name, r.Model)
		}
		if r.Kind != c.want {
			t.Errorf("%s: %v (%d of %d consistent executions), want %v\n%s", c.name, r.Kind, r.Positive, r.Consistent, c.want, c.src)
		}
	}
}

// A fault handler: the overwritten word (0) is undefined, so with full
// maintenance every execution faults at L0, runs the handler and returns
// to L1; without it the old branch may still run.
func TestIFetchFaultHandler(t *testing.T) {
	src := func(sync string) string {
		rows := append([]string{"STR W0,[X1]"}, splitInsts(sync)...)
		rows = append(rows, "L0: B L1", "MOV W3,#1", "L1:")
		handler := []string{"MOV W2,#42", "ADR X9,L1", "MSR ELR_EL1,X9", "ERET"}
		var b strings.Builder
		b.WriteString("AArch64 SM-invalid\n{ 0:X0=0; 0:X1=P0:L0; }\n P0 | P0.F ;\n")
		b.WriteString(columns(rows, handler))
		b.WriteString("exists (0:X2=42 /\\ fault(P0:L0,UndefinedInstruction))\n")
		return b.String()
	}
	for _, c := range []struct {
		sync string
		want Kind
	}{
		{cacheSync + "; ISB", Required},
		{"", Allowed},
	} {
		test, err := Parse("SM-invalid.litmus", []byte(src(c.sync)))
		if err != nil {
			t.Fatal(err)
		}
		r := Run(test, Options{})
		if r.Unsupported != "" || r.Kind != c.want {
			t.Errorf("sync %q: %v %q, want %v\n%s", c.sync, r.Kind, r.Unsupported, c.want, src(c.sync))
		}
	}
}

// Reading an instruction as data and branching through a register into
// another thread's code.
func TestIFetchCodeAsDataAndCrossThreadCalls(t *testing.T) {
	src := `AArch64 call
{ 0:X1=P1:f; 0:X3=P1:L0; }
 P0            | P1        ;
 BLR X1        |  B end    ;
 LDR W6,[X3]   | f:        ;
 MOV W8,#7     |  MOV W9,#1;
               | L0:       ;
               |  NOP      ;
               |  RET      ;
               | end:      ;
exists (0:X9=1 /\ 0:X8=7 /\ 0:X6=instr:"NOP" /\ 0:X30=label:"P0:back")
`
	// X30 holds the return address: the LDR after the BLR. Give it a label.
	src = strings.Replace(src, " LDR W6,[X3]   |", "back: LDR W6,[X3] |", 1)
	test, err := Parse("call.litmus", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	r := Run(test, Options{})
	if r.Unsupported != "" || r.Kind != Required {
		t.Errorf("got %v %q, want Required", r.Kind, r.Unsupported)
	}
}

func TestIFetchParseErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"AArch64 t\nCacheType=IDC FOO\n{ 0:X1=x; }\n P0 ;\n NOP ;\nexists (0:X1=0)\n", `t.litmus:2:15: "FOO" is not a cache-type key`},
		{"AArch64 t\n{ 0:X1=P0:nowhere; }\n P0 ;\n NOP ;\nexists (0:X1=0)\n", `t.litmus:2:8: undefined label "nowhere" in P0`},
		{"AArch64 t\n{ 0:X1=P3:L0; }\n P0 ;\nL0: NOP ;\nexists (0:X1=0)\n", `t.litmus:2:8: bad label "P3:L0"`},
		{"AArch64 t\n{ 0:X1=instr:\"FROB X1\"; }\n P0 ;\n NOP ;\nexists (0:X1=0)\n", `t.litmus:2:8: instruction value "FROB X1"`},
		{"AArch64 t\n{ 0:X1=P0:L0; }\n P0 ;\nL0: NOP ;\nexists (fault(P0:L0,Bogus))\n", `t.litmus:5:21: unknown fault type`},
		{"AArch64 t\n{ }\n P0 | P1.F ;\n NOP | NOP ;\nexists (0:X1=0)\n", `t.litmus:3:7: fault handler P1.F must follow thread P1`},
	} {
		_, err := Parse("t.litmus", []byte(c.src))
		var pe *Error
		if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("got %v, want an error starting %q", err, c.want)
		}
	}
}

// A data-only AArch64 test is not an instruction-fetch test and keeps
// the armv8 model.
func TestDataTestsKeepArmv8(t *testing.T) {
	src := "AArch64 MP\n{ 0:X1=x; 0:X3=y; 1:X1=x; 1:X3=y; }\n P0 | P1 ;\n MOV W0,#1 | LDR W2,[X3] ;\n STR W0,[X1] | LDR W4,[X1] ;\n STR W0,[X3] | ;\nexists (1:X2=1 /\\ 1:X4=0)\n"
	test, err := Parse("MP.litmus", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if test.IFetch {
		t.Error("MP needs no instruction fetch")
	}
	if r := Run(test, Options{}); r.Model != "armv8" || r.Kind != Allowed {
		t.Errorf("MP: %s %v", r.Model, r.Kind)
	}
}

// Calls and faults in tests that hold no code label in their initial
// state (threads keep their own register slots): BL/RET, and UDF with no
// handler, which stops the thread (herd's default fatal handling).
func TestIFetchCallsAndFatalFaults(t *testing.T) {
	for _, c := range []struct{ name, src string }{
		{"bl", "AArch64 bl\n{ }\n P0 ;\n BL f ;\n MOV W8,#1 ;\n B end ;\nf: MOV W9,#2 ;\n RET ;\nend: ;\nexists (0:X8=1 /\\ 0:X9=2)\n"},
		{"udf", "AArch64 udf\n{ }\n P0 ;\n MOV W1,#1 ;\nL0: UDF #0 ;\n MOV W2,#1 ;\nexists (0:X1=1 /\\ 0:X2=0 /\\ fault(P0:L0,UndefinedInstruction))\n"},
	} {
		test, err := Parse(c.name+".litmus", []byte(c.src))
		if err != nil {
			t.Fatal(err)
		}
		if r := Run(test, Options{}); r.Unsupported != "" || r.Kind != Required {
			t.Errorf("%s: %v %q, want Required", c.name, r.Kind, r.Unsupported)
		}
	}
}
