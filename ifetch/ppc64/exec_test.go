package ppc64

import (
	"testing"

	"golang.org/x/arch/ppc64/ppc64asm"

	"github.com/ftcheck/ftcheck/ifetch/internal/isatest"
	"github.com/ftcheck/ftcheck/model"
)

// run runs words from 0x100 over a memory holding 0x9000 at 0x828.
func run(t *testing.T, words ...uint32) (*isatest.CPU, []model.Exec) {
	return isatest.RunWords(t, ISA{}, map[uint64]uint64{0x828: 0x9000}, words...)
}

// The module call site and a stub: bl saves the return address in LR,
// the callee saves r2 at 40(r1) and returns with blr, the caller reloads
// r2 from 40(r1).
func TestExecutesTheCallSiteSubset(t *testing.T) {
	c, xs := run(t,
		Li(1, 0x800),  // 0x100 r1 = stack
		Li(2, 0x7000), // 0x104 r2 = the module's TOC
		Bl(12),        // 0x108 call 0x114, lr = 0x10c
		Ld(2, 1, 40),  // 0x10c r2 = 40(r1)
		Trap,          // 0x110
		Std(2, 1, 40), // 0x114 stub: save r2
		Mflr(3),       // 0x118 r3 = lr
		Addi(3, 3, 0), // 0x11c
		Mtlr(3),       // 0x120 lr = r3
		Li(2, 0x5000), // 0x124 the kernel's TOC
		Isync,         // 0x128
		Blr,           // 0x12c return to 0x10c
	)
	if len(xs) != 12 || !xs[len(xs)-1].Halt {
		t.Fatalf("%d steps, last %+v", len(xs), xs[len(xs)-1])
	}
	if !xs[2].Call || xs[2].ReturnAddr != 0x10c || !xs[9].Return || xs[9].NextPC != 0x10c {
		t.Errorf("call %+v return %+v", xs[2], xs[9])
	}
	if c.Regs[2] != 0x7000 || c.Regs[3] != 0x10c || c.Mem[0x828] != 0x7000 || !c.Synced {
		t.Errorf("r2 %#x r3 %#x [40(r1)] %#x synced %v", c.Regs[2], c.Regs[3], c.Mem[0x828], c.Synced)
	}
	if xs[10].Disasm != "ld r2,40(r1)" {
		t.Errorf("disassembly %q", xs[10].Disasm)
	}
}

func TestOutsideTheSubsetFaults(t *testing.T) {
	for _, w := range []uint32{0x7c0903a6 /* mtctr r0 */, 0x4e800021 /* blrl */, 0x7c000008 /* tw 0,r0,r0 */, 0x00000000} {
		_, xs := run(t, w)
		if xs[0].Fault == "" {
			t.Errorf("%08x: no fault (%+v)", w, xs[0])
		}
	}
}

// Decoding from many goroutines at once gives every word its decoding.
// (The lock around x/arch is ifetch.WordDecoder's, tested there.)
func TestConcurrentDecode(t *testing.T) {
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func(g int) {
			for i := 0; i < 50; i++ {
				if inst, err := decode(Li(g, int64(i))); err != nil || inst.Op != ppc64asm.LI {
					t.Error(inst, err)
				}
			}
			done <- true
		}(g)
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}
