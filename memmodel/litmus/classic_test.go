package litmus

import (
	"strings"
	"testing"
)

// The classic litmus shapes, written here so that they run on a fresh
// clone. Verdicts are the textbook ones (Alglave et al., "Herding cats",
// TOPLAS 2014; the RISC-V ISA manual's RVWMO appendix; the Armv8 ARM
// B2.3 examples): true means the `exists` state is reachable.

// build assembles a litmus file from per-thread instruction lists.
func build(header, init, cond string, threads ...string) string {
	cols := make([][]string, len(threads))
	rows := 0
	for i, th := range threads {
		cols[i] = strings.Split(th, ";")
		if len(cols[i]) > rows {
			rows = len(cols[i])
		}
	}
	var b strings.Builder
	b.WriteString(header + "\n{\n" + init + "\n}\n")
	for i := range threads {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString("P" + string(rune('0'+i)))
	}
	b.WriteString(" ;\n")
	for r := 0; r < rows; r++ {
		for i := range threads {
			if i > 0 {
				b.WriteString(" | ")
			}
			if r < len(cols[i]) {
				b.WriteString(strings.TrimSpace(cols[i][r]))
			}
		}
		b.WriteString(" ;\n")
	}
	b.WriteString(cond + "\n")
	return b.String()
}

func rv(name, cond string, threads ...string) string {
	var init []string
	for i := range threads {
		init = append(init, strings.ReplaceAll("N:x5=x; N:x6=y;", "N", string(rune('0'+i))))
	}
	return build("RISCV "+name, strings.Join(init, "\n"), cond, threads...)
}

func a64(name, cond string, threads ...string) string {
	var init []string
	for i := range threads {
		init = append(init, strings.ReplaceAll("N:X1=x; N:X2=y;", "N", string(rune('0'+i))))
	}
	return build("AArch64 "+name, strings.Join(init, "\n"), cond, threads...)
}

func x86(name, cond string, threads ...string) string {
	return build("X86 "+name, "", cond, threads...)
}

type classic struct {
	src  string
	want map[string]bool // model -> exists-state reachable
}

const (
	rvW1x  = "ori x1,x0,1;sw x1,0(x5)"
	rvW1y  = "ori x1,x0,1;sw x1,0(x6)"
	a64W1x = "MOV W0,#1;STR W0,[X1]"
	a64W1y = "MOV W0,#1;STR W0,[X2]"
)

var classics = []classic{
	// RISC-V under SC, TSO and RVWMO.
	{rv("MP", "exists (1:x2=1 /\\ 1:x3=0)", rvW1x+";sw x1,0(x6)", "lw x2,0(x6);lw x3,0(x5)"),
		map[string]bool{"sc": false, "tso": false, "rvwmo": true}},
	{rv("MP+fence.w.w+addr", "exists (1:x2=1 /\\ 1:x3=0)", rvW1x+";fence w,w;sw x1,0(x6)",
		"lw x2,0(x6);xor x4,x2,x2;add x4,x4,x5;lw x3,0(x4)"),
		map[string]bool{"sc": false, "tso": false, "rvwmo": false}},
	{rv("MP+fence.w.w+po", "exists (1:x2=1 /\\ 1:x3=0)", rvW1x+";fence w,w;sw x1,0(x6)", "lw x2,0(x6);lw x3,0(x5)"),
		map[string]bool{"rvwmo": true}},
	{rv("MP+rl+aq", "exists (1:x2=1 /\\ 1:x3=0)", rvW1x+";sw.rl x1,0(x6)", "lw.aq x2,0(x6);lw x3,0(x5)"),
		map[string]bool{"sc": false, "tso": false, "rvwmo": false}},
	{rv("SB", "exists (0:x2=0 /\\ 1:x2=0)", rvW1x+";lw x2,0(x6)", rvW1y+";lw x2,0(x5)"),
		map[string]bool{"sc": false, "tso": true, "rvwmo": true}},
	{rv("SB+fences", "exists (0:x2=0 /\\ 1:x2=0)", rvW1x+";fence rw,rw;lw x2,0(x6)", rvW1y+";fence rw,rw;lw x2,0(x5)"),
		map[string]bool{"sc": false, "rvwmo": false}},
	{rv("SB+fence.tsos", "exists (0:x2=0 /\\ 1:x2=0)", rvW1x+";fence.tso;lw x2,0(x6)", rvW1y+";fence.tso;lw x2,0(x5)"),
		map[string]bool{"rvwmo": true}},
	{rv("LB", "exists (0:x2=1 /\\ 1:x2=1)", "lw x2,0(x5);"+rvW1y, "lw x2,0(x6);"+rvW1x),
		map[string]bool{"sc": false, "tso": false, "rvwmo": true}},
	{rv("LB+datas", "exists (0:x2=1 /\\ 1:x2=1)",
		"lw x2,0(x5);xor x3,x2,x2;ori x3,x3,1;sw x3,0(x6)", "lw x2,0(x6);xor x3,x2,x2;ori x3,x3,1;sw x3,0(x5)"),
		map[string]bool{"sc": false, "tso": false, "rvwmo": false}},
	{rv("IRIW", "exists (1:x2=1 /\\ 1:x3=0 /\\ 3:x2=1 /\\ 3:x3=0)",
		rvW1x, "lw x2,0(x5);lw x3,0(x6)", rvW1y, "lw x2,0(x6);lw x3,0(x5)"),
		map[string]bool{"sc": false, "tso": false, "rvwmo": true}},
	{rv("IRIW+fence.r.rs", "exists (1:x2=1 /\\ 1:x3=0 /\\ 3:x2=1 /\\ 3:x3=0)",
		rvW1x, "lw x2,0(x5);fence r,r;lw x3,0(x6)", rvW1y, "lw x2,0(x6);fence r,r;lw x3,0(x5)"),
		map[string]bool{"sc": false, "rvwmo": false}},
	{rv("2+2W", "exists (x=1 /\\ y=1)", "ori x1,x0,1;sw x1,0(x5);ori x2,x0,2;sw x2,0(x6)",
		"ori x1,x0,1;sw x1,0(x6);ori x2,x0,2;sw x2,0(x5)"),
		map[string]bool{"sc": false, "tso": false, "rvwmo": true}},
	{rv("2+2W+fence.w.ws", "exists (x=1 /\\ y=1)", "ori x1,x0,1;sw x1,0(x5);fence w,w;ori x2,x0,2;sw x2,0(x6)",
		"ori x1,x0,1;sw x1,0(x6);fence w,w;ori x2,x0,2;sw x2,0(x5)"),
		map[string]bool{"sc": false, "rvwmo": false}},
	{rv("R", "exists (y=2 /\\ 1:x2=0)", rvW1x+";sw x1,0(x6)", "ori x1,x0,2;sw x1,0(x6);lw x2,0(x5)"),
		map[string]bool{"sc": false, "tso": true, "rvwmo": true}},
	{rv("R+fences", "exists (y=2 /\\ 1:x2=0)", rvW1x+";fence rw,rw;sw x1,0(x6)", "ori x1,x0,2;sw x1,0(x6);fence rw,rw;lw x2,0(x5)"),
		map[string]bool{"sc": false, "rvwmo": false}},
	{rv("S", "exists (x=2 /\\ 1:x2=1)", "ori x1,x0,2;sw x1,0(x5);ori x3,x0,1;sw x3,0(x6)", "lw x2,0(x6);"+rvW1x),
		map[string]bool{"sc": false, "tso": false, "rvwmo": true}},
	{rv("S+fence.w.w+data", "exists (x=2 /\\ 1:x2=1)", "ori x1,x0,2;sw x1,0(x5);fence w,w;ori x3,x0,1;sw x3,0(x6)",
		"lw x2,0(x6);xor x3,x2,x2;ori x3,x3,1;sw x3,0(x5)"),
		map[string]bool{"sc": false, "tso": false, "rvwmo": false}},
	{rv("WRC", "exists (1:x2=1 /\\ 2:x2=1 /\\ 2:x3=0)", rvW1x, "lw x2,0(x5);"+rvW1y, "lw x2,0(x6);lw x3,0(x5)"),
		map[string]bool{"sc": false, "tso": false, "rvwmo": true}},
	{rv("WRC+fence.rw.rw+addr", "exists (1:x2=1 /\\ 2:x2=1 /\\ 2:x3=0)", rvW1x, "lw x2,0(x5);fence rw,rw;"+rvW1y,
		"lw x2,0(x6);xor x4,x2,x2;add x4,x4,x5;lw x3,0(x4)"),
		map[string]bool{"sc": false, "tso": false, "rvwmo": false}},
	{rv("CoRR", "exists (1:x2=1 /\\ 1:x3=0)", rvW1x, "lw x2,0(x5);lw x3,0(x5)"),
		map[string]bool{"sc": false, "tso": false, "rvwmo": false}},
	{rv("LR-SC-increments", "exists (x=1 /\\ 0:x4=0 /\\ 1:x4=0)",
		"lr.w x2,0(x5);addi x3,x2,1;sc.w x4,x3,0(x5)", "lr.w x2,0(x5);addi x3,x2,1;sc.w x4,x3,0(x5)"),
		map[string]bool{"sc": false, "tso": false, "rvwmo": false}},
	{rv("AMO-increments", "exists (x=1)", "ori x1,x0,1;amoadd.w x2,x1,(x5)", "ori x1,x0,1;amoadd.w x2,x1,(x5)"),
		map[string]bool{"sc": false, "tso": false, "rvwmo": false}},

	// AArch64 under SC and ARMv8.
	{a64("MP", "exists (1:X0=1 /\\ 1:X3=0)", a64W1x+";STR W0,[X2]", "LDR W0,[X2];LDR W3,[X1]"),
		map[string]bool{"sc": false, "armv8": true}},
	{a64("MP+dmb.st+addr", "exists (1:X0=1 /\\ 1:X3=0)", a64W1x+";DMB ST;STR W0,[X2]",
		"LDR W0,[X2];EOR W4,W0,W0;LDR W3,[X1,W4,SXTW]"),
		map[string]bool{"sc": false, "armv8": false}},
	{a64("MP+dmb.st+ctrl", "exists (1:X0=1 /\\ 1:X3=0)", a64W1x+";DMB ST;STR W0,[X2]",
		"LDR W0,[X2];CBNZ W0,L0;L0: LDR W3,[X1]"),
		map[string]bool{"armv8": true}},
	{a64("MP+dmb.st+ctrlisb", "exists (1:X0=1 /\\ 1:X3=0)", a64W1x+";DMB ST;STR W0,[X2]",
		"LDR W0,[X2];CBNZ W0,L0;L0: ISB;LDR W3,[X1]"),
		map[string]bool{"armv8": false}},
	{a64("MP+rel+acq", "exists (1:X0=1 /\\ 1:X3=0)", a64W1x+";STLR W0,[X2]", "LDAR W0,[X2];LDR W3,[X1]"),
		map[string]bool{"sc": false, "armv8": false}},
	{a64("SB", "exists (0:X3=0 /\\ 1:X3=0)", a64W1x+";LDR W3,[X2]", a64W1y+";LDR W3,[X1]"),
		map[string]bool{"sc": false, "armv8": true}},
	{a64("SB+dmbs", "exists (0:X3=0 /\\ 1:X3=0)", a64W1x+";DMB SY;LDR W3,[X2]", a64W1y+";DMB SY;LDR W3,[X1]"),
		map[string]bool{"sc": false, "armv8": false}},
	{a64("SB+rel+acq", "exists (0:X3=0 /\\ 1:X3=0)", "MOV W0,#1;STLR W0,[X1];LDAR W3,[X2]", "MOV W0,#1;STLR W0,[X2];LDAR W3,[X1]"),
		map[string]bool{"armv8": false}},
	{a64("LB", "exists (0:X0=1 /\\ 1:X0=1)", "LDR W0,[X1];MOV W3,#1;STR W3,[X2]", "LDR W0,[X2];MOV W3,#1;STR W3,[X1]"),
		map[string]bool{"sc": false, "armv8": true}},
	{a64("LB+datas", "exists (0:X0=1 /\\ 1:X0=1)", "LDR W0,[X1];EOR W3,W0,W0;ADD W3,W3,#1;STR W3,[X2]",
		"LDR W0,[X2];EOR W3,W0,W0;ADD W3,W3,#1;STR W3,[X1]"),
		map[string]bool{"sc": false, "armv8": false}},
	{a64("IRIW", "exists (1:X0=1 /\\ 1:X3=0 /\\ 3:X0=1 /\\ 3:X3=0)",
		a64W1x, "LDR W0,[X1];LDR W3,[X2]", a64W1y, "LDR W0,[X2];LDR W3,[X1]"),
		map[string]bool{"sc": false, "armv8": true}},
	{a64("IRIW+addrs", "exists (1:X0=1 /\\ 1:X3=0 /\\ 3:X0=1 /\\ 3:X3=0)",
		a64W1x, "LDR W0,[X1];EOR W4,W0,W0;LDR W3,[X2,W4,SXTW]", a64W1y, "LDR W0,[X2];EOR W4,W0,W0;LDR W3,[X1,W4,SXTW]"),
		map[string]bool{"sc": false, "armv8": false}},
	{a64("2+2W", "exists (x=1 /\\ y=1)", "MOV W0,#1;STR W0,[X1];MOV W3,#2;STR W3,[X2]",
		"MOV W0,#1;STR W0,[X2];MOV W3,#2;STR W3,[X1]"),
		map[string]bool{"sc": false, "armv8": true}},
	{a64("2+2W+dmb.sts", "exists (x=1 /\\ y=1)", "MOV W0,#1;STR W0,[X1];DMB ST;MOV W3,#2;STR W3,[X2]",
		"MOV W0,#1;STR W0,[X2];DMB ST;MOV W3,#2;STR W3,[X1]"),
		map[string]bool{"sc": false, "armv8": false}},
	{a64("R", "exists (y=2 /\\ 1:X3=0)", a64W1x+";STR W0,[X2]", "MOV W0,#2;STR W0,[X2];LDR W3,[X1]"),
		map[string]bool{"sc": false, "armv8": true}},
	{a64("S+dmb.st+data", "exists (x=2 /\\ 1:X0=1)", "MOV W0,#2;STR W0,[X1];DMB ST;MOV W3,#1;STR W3,[X2]",
		"LDR W0,[X2];EOR W3,W0,W0;ADD W3,W3,#1;STR W3,[X1]"),
		map[string]bool{"sc": false, "armv8": false}},
	{a64("S", "exists (x=2 /\\ 1:X0=1)", "MOV W0,#2;STR W0,[X1];MOV W3,#1;STR W3,[X2]", "LDR W0,[X2];MOV W3,#1;STR W3,[X1]"),
		map[string]bool{"sc": false, "armv8": true}},
	{a64("WRC+addrs", "exists (1:X0=1 /\\ 2:X0=1 /\\ 2:X3=0)", a64W1x,
		"LDR W0,[X1];EOR W4,W0,W0;MOV W5,#1;STR W5,[X2,W4,SXTW]", "LDR W0,[X2];EOR W4,W0,W0;LDR W3,[X1,W4,SXTW]"),
		map[string]bool{"sc": false, "armv8": false}},
	{a64("CoRR", "exists (1:X0=1 /\\ 1:X3=0)", a64W1x, "LDR W0,[X1];LDR W3,[X1]"),
		map[string]bool{"sc": false, "armv8": false}},
	{a64("LDXR-STXR-increments", "exists (x=1 /\\ 0:X4=0 /\\ 1:X4=0)",
		"LDXR W0,[X1];ADD W3,W0,#1;STXR W4,W3,[X1]", "LDXR W0,[X1];ADD W3,W0,#1;STXR W4,W3,[X1]"),
		map[string]bool{"sc": false, "armv8": false}},

	// x86 under SC and TSO.
	{x86("MP", "exists (1:EAX=1 /\\ 1:EBX=0)", "MOV [x],$1;MOV [y],$1", "MOV EAX,[y];MOV EBX,[x]"),
		map[string]bool{"sc": false, "tso": false}},
	{x86("SB", "exists (0:EAX=0 /\\ 1:EAX=0)", "MOV [x],$1;MOV EAX,[y]", "MOV [y],$1;MOV EAX,[x]"),
		map[string]bool{"sc": false, "tso": true}},
	{x86("SB+mfences", "exists (0:EAX=0 /\\ 1:EAX=0)", "MOV [x],$1;MFENCE;MOV EAX,[y]", "MOV [y],$1;MFENCE;MOV EAX,[x]"),
		map[string]bool{"sc": false, "tso": false}},
	{x86("SB+xchgs", "exists (0:EAX=0 /\\ 1:EAX=0)", "MOV EBX,$1;XCHG [x],EBX;MOV EAX,[y]", "MOV EBX,$1;XCHG [y],EBX;MOV EAX,[x]"),
		map[string]bool{"sc": false, "tso": false}},
	{x86("LB", "exists (0:EAX=1 /\\ 1:EAX=1)", "MOV EAX,[x];MOV [y],$1", "MOV EAX,[y];MOV [x],$1"),
		map[string]bool{"sc": false, "tso": false}},
	{x86("IRIW", "exists (1:EAX=1 /\\ 1:EBX=0 /\\ 3:EAX=1 /\\ 3:EBX=0)",
		"MOV [x],$1", "MOV EAX,[x];MOV EBX,[y]", "MOV [y],$1", "MOV EAX,[y];MOV EBX,[x]"),
		map[string]bool{"sc": false, "tso": false}},
	{x86("2+2W", "exists (x=1 /\\ y=1)", "MOV [x],$1;MOV [y],$2", "MOV [y],$1;MOV [x],$2"),
		map[string]bool{"sc": false, "tso": false}},
	{x86("R", "exists (y=2 /\\ 1:EAX=0)", "MOV [x],$1;MOV [y],$1", "MOV [y],$2;MOV EAX,[x]"),
		map[string]bool{"sc": false, "tso": true}},
	{x86("R+mfence", "exists (y=2 /\\ 1:EAX=0)", "MOV [x],$1;MOV [y],$1", "MOV [y],$2;MFENCE;MOV EAX,[x]"),
		map[string]bool{"sc": false, "tso": false}},
	{x86("S", "exists (x=2 /\\ 1:EAX=1)", "MOV [x],$2;MOV [y],$1", "MOV EAX,[y];MOV [x],$1"),
		map[string]bool{"sc": false, "tso": false}},
	{x86("WRC", "exists (1:EAX=1 /\\ 2:EAX=1 /\\ 2:EBX=0)", "MOV [x],$1", "MOV EAX,[x];MOV [y],$1", "MOV EAX,[y];MOV EBX,[x]"),
		map[string]bool{"sc": false, "tso": false}},
	{x86("SB+rfi-pos", "exists (0:EBX=0 /\\ 1:EBX=0 /\\ 0:EAX=1 /\\ 1:EAX=1)",
		"MOV [x],$1;MOV EAX,[x];MOV EBX,[y]", "MOV [y],$1;MOV EAX,[y];MOV EBX,[x]"),
		map[string]bool{"sc": false, "tso": true}},
}

func TestClassicShapes(t *testing.T) {
	for _, c := range classics {
		checkReachable(t, "classic", c.src, c.want)
	}
}

// checkReachable runs the test src (parsed as name.litmus) under each
// model of want and checks whether its condition is reachable there.
func checkReachable(t *testing.T, name, src string, want map[string]bool) {
	t.Helper()
	test, err := Parse(name+".litmus", []byte(src))
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, src)
	}
	if test.Unsupported != "" {
		t.Fatalf("%s: unsupported: %s", test.Name, test.Unsupported)
	}
	for model, want := range want {
		r := Run(test, Options{Model: model})
		if r.Unsupported != "" || r.TimedOut {
			t.Fatalf("%s/%s: %+v", test.Name, model, r)
		}
		if r.Reachable != want {
			t.Errorf("%s %s under %s: reachable=%v, want %v (%d executions, %d consistent)\n%s",
				test.Arch, test.Name, model, r.Reachable, want, r.Executions, r.Consistent, src)
		}
	}
}

// TestKindsAndVerdicts checks herd's Ok/No for each quantifier.
func TestKindsAndVerdicts(t *testing.T) {
	body := []string{rvW1x + ";lw x2,0(x6)", rvW1y + ";lw x2,0(x5)"}
	cases := []struct {
		cond    string
		verdict Verdict
		kind    Kind
	}{
		{"exists (0:x2=0 /\\ 1:x2=0)", Ok, Allowed},
		{"~exists (0:x2=0 /\\ 1:x2=0)", No, Allowed},
		{"forall (0:x2=0 /\\ 1:x2=0)", No, Allowed},
		{"forall (x=1 /\\ y=1)", Ok, Required},
		{"exists (0:x2=2)", No, Forbidden},
		{"~exists (0:x2=2)", Ok, Forbidden},
		{"exists (0:x2=0 \\/ 0:x2=1)", Ok, Required},
		{"exists (0:x2=1 \\/ ~(1:x2=1))", Ok, Allowed},
	}
	for _, c := range cases {
		test, err := Parse("k.litmus", []byte(rv("SB", c.cond, body...)))
		if err != nil {
			t.Fatal(err)
		}
		r := Run(test, Options{})
		if r.Duration <= 0 || r.Executions == 0 {
			t.Errorf("%s: duration %v, %d executions", c.cond, r.Duration, r.Executions)
		}
		if r.Verdict != c.verdict || r.Kind != c.kind {
			t.Errorf("%s: got %v %v, want %v %v", c.cond, r.Verdict, r.Kind, c.verdict, c.kind)
		}
	}
}
