package litmus

import (
	"strings"
	"testing"
	"time"
)

// FuzzLitmusParse feeds the reader arbitrary text. Parse must return a
// test or an error, never panic or run away (a stack overflow is fatal
// in Go); a test it accepts must print its condition. Inputs that broke
// it are kept in testdata/fuzz/FuzzLitmusParse and run by go test.
func FuzzLitmusParse(f *testing.F) {
	seeds := []string{
		"RISCV MP\n{0:x5=1; 0:x6=x; 0:x8=y; 1:x6=y; 1:x8=x;}\n P0 | P1 ;\n sw x5,0(x6) | lw x7,0(x6) ;\n" +
			" fence rw,rw | fence rw,rw ;\n sw x5,0(x8) | lw x9,0(x8) ;\nexists (1:x7=1 /\\ 1:x9=0)\n",
		"RISCV LRSC\n{0:x6=x;}\n P0 ;\n L0: lr.w x1,(x6) ;\n addi x1,x1,1 ;\n sc.w x2,x1,(x6) ;\n bne x2,x0,L0 ;\n" +
			" amoswap.w.aq x3,x1,(x6) ;\nlocations [x;]\nfilter (0:x2=0)\n~exists (x=0 \\/ ~(0:x1=1) => 0:x3=2)\n",
		"AArch64 SM\n{ 0:X0=instr:\"NOP\"; 0:X1=P0:L0; uint8_t z[8]; }\n P0 | P0.F ;\n STR W0,[X1] | MSR ELR_EL1,X9 ;\n" +
			" DC CVAU,X1 | ERET ;\n DSB ISH | ;\n IC IVAU,X1 | ;\n ISB | ;\nL0: B L1 | ;\n LDP X2,X3,[X1,#16] | ;\n" +
			"L1: | ;\nexists (0:X9=0 /\\ z[3]=1 /\\ fault(P0:L0,UndefinedInstruction))\n",
		"X86 SB\n\"Fre PodWR Fre PodWR\"\n{x=0; y=0;}\n P0 | P1 ;\n MOV [x],$1 | MOV [y],$1 ;\n MOV EAX,[y] | XCHG [x],EBX ;\n" +
			"exists (0:EAX=0 /\\ 1:EAX=0)\n",
		"X86_64 SB\n{\n}\n P0 | P1 ;\n movl $1,(x) | movl $1,(y) ;\n mfence | lock xchgl %eax,(x) ;\nfinal (0:rax=0);\nwith\ntso: exists;\n",
		"AArch64 C\nCacheType=DIC\n{}\n P0 ;\n (* comment (* nested *) *) MOV W0,#1 ;\nforall (true)\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		test, err := Parse("fuzz.litmus", src)
		if err != nil {
			// Errors are positioned: file:line:col: message.
			var perr *Error
			if e, ok := err.(*Error); ok {
				perr = e
			}
			if perr == nil || perr.Line < 1 || perr.Col < 1 || !strings.HasPrefix(err.Error(), "fuzz.litmus:") {
				t.Fatalf("unpositioned error %T %q", err, err)
			}
			return
		}
		_ = test.HerdCondition()
		// Running is bounded by the timeout, which the enumeration
		// checks as it goes; a panic there would be a reader bug that
		// let an impossible test through.
		r := Run(test, Options{Timeout: 20 * time.Millisecond, States: true})
		if r.Unsupported == "" && !r.TimedOut {
			_ = HerdLog(test, r)
		}
	})
}
