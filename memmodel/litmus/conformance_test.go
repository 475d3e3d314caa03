package litmus

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// sharedLitmus is the conformance material, beside the repository.
const sharedLitmus = "../../../shared/litmus"

// conformanceSample is a fixed sample of the shared suites chosen to cover
// every instruction class the front ends decode (AMOs with each annotation,
// LR/SC, every fence, acquire/release, branches, dependencies, filters and
// every quantifier; AArch64 exclusives, SWP, DMB/ISB, CBZ/CBNZ/B.cond;
// x86 XCHG, MFENCE and the old `final` syntax), and AArch64 mixed-size
// accesses (offsets, byte/halfword/word/doubleword widths, arrays,
// misaligned accesses, LDP/STP, SWP and exclusives on pieces).
var conformanceSample = []string{
	"RISCV/2+2W+po+poarar+NEW.litmus",
	"RISCV/2+2W+po+poarp+NEW.litmus",
	"RISCV/LB+po+poaqp+NEW.litmus",
	"RISCV/LB+po+poarar+NEW.litmus",
	"RISCV/C-Will02+HEAD.litmus",
	"RISCV/C-Will02.litmus",
	"RISCV/2+2W+fence.rw.rws+fence.rw.rwspx.litmus",
	"RISCV/2+2W+fence.rw.rws+fence.rw.rwsxp.litmus",
	"RISCV/2+2W+fence.tso+fence.tsoxp.litmus",
	"RISCV/2+2W+fence.tsopx+fence.tsoxx.litmus",
	"RISCV/2+2W+[rf-ctrlfencei-fr]+fence.rw.rw.litmus",
	"RISCV/2+2W+[rf-ctrlfencei-fr]+fence.rw.w.litmus",
	"RISCV/2+2W+[rfpaq-poaqp-fr]+fence.rw.rw.litmus",
	"RISCV/2+2W+[rfpaq-poaqp-fr]+fence.rw.w.litmus",
	"RISCV/2+2W+[rf-addr-fr]+poprl.litmus",
	"RISCV/2+2W+[rf-ctrlfencei-fr]+poprl.litmus",
	"RISCV/SB+poscscs.litmus",
	"RISCV/PPOCA.litmus",
	"RISCV/2+2W+fence.rw.rw+poprl-rfirlp-ctrlfencei.litmus",
	"RISCV/2+2W+fence.rw.rw+rfi-ctrl.litmus",
	"RISCV/2+2W+[rf-addr-fr]+fence.rw.rw.litmus",
	"RISCV/2+2W+[rf-addr-fr]+fence.w.w.litmus",
	"RISCV/C-Will03.litmus",
	"RISCV/ISA-2+2W-SUCCESS.litmus",
	"RISCV/ISA-DEP-WW-DATA.litmus",
	"RISCV/ISA-MP-DEP-SUCCESS-SUCCESS.litmus",
	"RISCV/ISA03+SB01.litmus",
	"RISCV/ISA03+SB02.litmus",
	"RISCV/2+2W+fence.w.w+fence.tso.litmus",
	"RISCV/ISA-S-DEP-DATA-SUCCESS.litmus",
	"RISCV/CO-SBI.litmus",
	"RISCV/ISA01.litmus",
	"RISCV/ISA03+SIMPLE+BIS.litmus",
	"RISCV/ISA03+SIMPLE.litmus",
	"RISCV/2+2W+[rf-fence.r.rw-fr]+fence.rw.rw.litmus",
	"RISCV/2+2W+[rf-fence.r.rw-fr]+fence.w.w.litmus",
	"RISCV/2+2W+fence.i+fence.w.w.litmus",
	"RISCV/2+2W+fence.w.w+fence.rw.rw.litmus",
	"RISCV/2+2W+[rf-fence.rw.rw-fr]+fence.rw.w.litmus",
	"RISCV/2+2W+fence.r.rw+fence.rw.w.litmus",
	"RISCV/2+2W+[rf-fence.r.rw-fr]+poprl.litmus",
	"RISCV/2+2W+fence.r.rw+fence.rw.rw.litmus",
	"AARCH64/EXTRA/ARMARM00.litmus",
	"AARCH64/EXTRA/ARMARM04+BIS.litmus",
	"AARCH64/EXTRA/ARMARM02.litmus",
	"AARCH64/EXTRA/ARMARM03.litmus",
	"AARCH64/ATOM/2+2W+poxxs.litmus",
	"AARCH64/ATOM/3.2W+poxxs.litmus",
	"AARCH64/ATOM/3.LB+poxxs.litmus",
	"AARCH64/ATOM/3.SB+poxxs.litmus",
	"AARCH64/dart/ATOM06-02.litmus",
	"AARCH64/Fence2/2+2W+dmb.ld+dmb.st.litmus",
	"AARCH64/Fence2/2+2W+dmb.ld+dmb.sy.litmus",
	"AARCH64/Fence2/2+2W+dmb.sts.litmus",
	"AARCH64/Fence2/LB+dmb.ld+dmb.st.litmus",
	"AARCH64/CO/2+2W+dmb.sys+pos.litmus",
	"AARCH64/CO/2+2W+dmb.syss.litmus",
	"AARCH64/HAND/WRC+realdata+realctrlisb.litmus",
	"AARCH64/HAND2/MP+dmb.sy+data-rfi-fri-rfi-ctrlisb.litmus",
	"AARCH64/ATOM/ISA2+poxxs.litmus",
	"AARCH64/ATOM/LB+poxxs.litmus",
	"AARCH64/dart/ATOM00-02.litmus",
	"AARCH64/dart/ATOM03-02.litmus",
	"AARCH64/EXTRA/ARMARM04.litmus",
	"AARCH64/HAND/ARMARM00.litmus",
	"AARCH64/HAND/ARMARM02.litmus",
	"AARCH64/HAND/ARMARM04+BIS.litmus",
	"AARCH64/HAND/ARMARM04.litmus",
	"AARCH64/HAND/ISA2+popl+poap+addr.litmus",
	"AARCH64/CO/CO-SBI.litmus",
	"AARCH64/EXTRA/ARMARM04+TER.litmus",
	"AARCH64/EXTRA/ARMARM06+AP+AA.litmus",
	"AARCH64/mixed/MP+str+ldp.litmus",
	"AARCH64/mixed/MP+stp+addr+60.litmus",
	"AARCH64/mixed/MP+dmbsy+ldp-addr+BIS3.litmus",
	"AARCH64/mixed/MP+dmbsy+misaligned2+127x.litmus",
	"AARCH64/mixed/MP+misaligned2+511+addr.litmus",
	"AARCH64/mixed/MP+dmb.sy+addrXW+124.litmus",
	"AARCH64/mixed/MP+QXW+XAcq.litmus",
	"AARCH64/mixed/MP+QWX+XDepPo.litmus",
	"AARCH64/mixed/MP+QW+AcqAmo.litmus",
	"AARCH64/mixed/2+2W+dmb.sy+data-rfihw-poswh-ctrl.litmus",
	"AARCH64/mixed/SB+posw0q0-poq0q0-posq0w0s007.litmus",
	"AARCH64/mixed/CoRR+frib0b0-rfib0h0-posh0b0+h0.litmus",
	"AARCH64/mixed/Fig22.litmus",
	"AARCH64/mixed/LB+data+data-misaligned.litmus",
	"AARCH64/mixed/MP+dmb+addr-rfi+MIX+OK+VAR1.litmus",
	"AARCH64/mixed/MP+dmb+addr-rfi+MIX+OK+VAR2.litmus",
	"X86/2+2W+mfence-rmw+po-rmw.litmus",
	"X86/2+2W+po+mfence-rmw.litmus",
	"X86/2+2W+mfence-po+rfi-po.litmus",
	"X86/3.SB+mfence+mfence+po.litmus",
	"X86/2+2W+po+po-rmw.litmus",
	"X86/2+2W+po-rmws.litmus",
	"X86/amd10.litmus",
	"X86/amd5.litmus",
	"X86/SB+FENCE.litmus",
	"X86/amd6.litmus",
	"X86/4.2W.litmus",
	"X86/4.LB.litmus",
	"X86/amd3bis.litmus",
	"X86/frmap.litmus",
}

func TestConformanceSample(t *testing.T) {
	if _, err := os.Stat(sharedLitmus); err != nil {
		t.Skipf("shared litmus suites not found at %s (they live beside the repository as ../shared/litmus)", sharedLitmus)
	}
	expected := map[string]map[string]Expectation{}
	for _, suite := range []string{"RISCV", "AARCH64", "X86"} {
		e, err := LoadExpectations(filepath.Join(sharedLitmus, suite+"-expected.csv"))
		if err != nil {
			t.Fatal(err)
		}
		expected[suite] = e
	}
	check := func(path string, exp map[string]Expectation) {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		test, err := Parse(path, src)
		if err != nil {
			t.Fatal(err)
		}
		want, ok := LookupExpectation(exp, path)
		if !ok {
			t.Fatalf("%s: no expectation", path)
		}
		r := Run(test, Options{Timeout: 20 * time.Second})
		if r.Unsupported != "" || r.TimedOut {
			t.Errorf("%s: unsupported=%q timedOut=%v", path, r.Unsupported, r.TimedOut)
			return
		}
		if !want.Agrees(r) {
			t.Errorf("%s: got %v %v, herd says %v", path, r.Verdict, r.Kind, want)
		}
	}
	for _, rel := range conformanceSample {
		suite := filepath.Dir(rel)
		for filepath.Dir(suite) != "." {
			suite = filepath.Dir(suite)
		}
		check(filepath.Join(sharedLitmus, rel), expected[suite])
	}
	kinds, err := LoadExpectations(filepath.Join(sharedLitmus, "x86_64-herd-kinds.txt"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := Discover([]string{filepath.Join(sharedLitmus, "x86_64-herd", "@all")})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 28 {
		t.Errorf("@all lists %d tests, want 28", len(files))
	}
	for _, f := range files {
		check(f, kinds)
	}
}

// TestConformanceIFetch runs the whole AArch64 instruction-fetch catalogue
// (herdtools7 catalogue/aarch64-ifetch, 326 tests, a fraction of a second)
// and checks every verdict of aarch64-ifetch-kinds.txt: each test must
// parse and run, and each test with a verdict must agree with herd.
func TestConformanceIFetch(t *testing.T) {
	dir := filepath.Join(sharedLitmus, "aarch64-ifetch")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("instruction-fetch catalogue not found at %s (it lives beside the repository as ../shared/litmus)", dir)
	}
	kinds, err := LoadExpectations(filepath.Join(sharedLitmus, "aarch64-ifetch-kinds.txt"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := Discover([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		test, err := Parse(f, src)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		r := Run(test, Options{Timeout: 20 * time.Second})
		if r.Unsupported != "" || r.TimedOut {
			t.Errorf("%s: unsupported=%q timedOut=%v", f, r.Unsupported, r.TimedOut)
			continue
		}
		want, ok := LookupExpectation(kinds, f)
		if !ok {
			continue
		}
		compared++
		if !want.Agrees(r) {
			t.Errorf("%s: got %v %v, herd says %v", f, r.Verdict, r.Kind, want)
		}
	}
	if compared != len(kinds) {
		t.Errorf("compared %d tests with the %d verdicts of aarch64-ifetch-kinds.txt", compared, len(kinds))
	}
}
