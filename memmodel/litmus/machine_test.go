package litmus

import (
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/memmodel"
)

// machineTests are small RISCV and AArch64 tests with dependencies,
// fences and load→store reordering, each decided by both engines.
var machineTests = []string{`RISCV LB
{ 0:x6=x; 0:x8=y; 0:x7=1; 1:x6=y; 1:x8=x; 1:x7=1; }
 P0          | P1          ;
 lw x5,0(x6) | lw x5,0(x6) ;
 sw x7,0(x8) | sw x7,0(x8) ;
exists (0:x5=1 /\ 1:x5=1)
`, `RISCV LB+datas
{ 0:x6=x; 0:x8=y; 1:x6=y; 1:x8=x; }
 P0           | P1           ;
 lw x5,0(x6)  | lw x5,0(x6)  ;
 xor x7,x5,x5 | xor x7,x5,x5 ;
 ori x7,x7,1  | ori x7,x7,1  ;
 sw x7,0(x8)  | sw x7,0(x8)  ;
exists (0:x5=1 /\ 1:x5=1)
`, `RISCV MP+fence.w.w+addr
{ 0:x6=x; 0:x8=y; 0:x7=1; 1:x6=y; 1:x9=x; }
 P0          | P1            ;
 sw x7,0(x6) | lw x5,0(x6)   ;
 fence w,w   | xor x7,x5,x5  ;
 sw x7,0(x8) | add x10,x9,x7 ;
             | lw x8,0(x10)  ;
exists (1:x5=1 /\ 1:x8=0)
`, `RISCV S+fence.w.w+ctrl
{ 0:x6=x; 0:x8=y; 0:x7=2; 0:x9=1; 1:x6=y; 1:x8=x; 1:x7=1; }
 P0          | P1                ;
 sw x7,0(x6) | lw x5,0(x6)       ;
 fence w,w   | bne x5,x0,LC00    ;
 sw x9,0(x8) | LC00:             ;
             | sw x7,0(x8)       ;
exists (x=2 /\ 1:x5=1)
`, `AArch64 LB+dmb.ld+po
{ 0:X1=x; 0:X3=y; 0:W2=1; 1:X1=y; 1:X3=x; 1:W2=1; }
 P0          | P1          ;
 LDR W0,[X1] | LDR W0,[X1] ;
 DMB ISHLD   | STR W2,[X3] ;
 STR W2,[X3] |             ;
exists (0:X0=1 /\ 1:X0=1)
`, `AArch64 WRC+po+dmb.ld
{ 0:X1=x; 0:W2=1; 1:X1=x; 1:X3=y; 1:W2=1; 2:X1=y; 2:X3=x; }
 P0          | P1          | P2          ;
 STR W2,[X1] | LDR W0,[X1] | LDR W0,[X1] ;
             | STR W2,[X3] | DMB ISHLD   ;
             |             | LDR W4,[X3] ;
exists (1:X0=1 /\ 2:X0=1 /\ 2:X4=0)
`}

// The machine engine decides each test as the axiomatic checker does,
// under every operational model, and states its counts as final states.
func TestMachineEngineAgreesWithAxiomatic(t *testing.T) {
	for _, src := range machineTests {
		lt, err := Parse("inline.litmus", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		models := []string{"sc", "tso", "rvwmo"}
		if lt.Arch == "AArch64" {
			models = []string{"sc", "armv8"}
		}
		for _, name := range models {
			ax := Run(lt, Options{Model: name})
			mem, _ := memmodel.New(name)
			mr := RunMachine(lt, mem.(MachineMemory), Options{})
			if ax.Unsupported != "" || mr.Unsupported != "" {
				t.Fatalf("%s %s: unsupported: %q / %q", lt.Name, name, ax.Unsupported, mr.Unsupported)
			}
			if ax.Verdict != mr.Verdict || ax.Kind != mr.Kind {
				t.Errorf("%s under %s: axiomatic %v %v, machine %v %v", lt.Name, name, ax.Verdict, ax.Kind, mr.Verdict, mr.Kind)
			}
		}
	}
}

// An instruction the machine's CPU cannot execute is refused at its
// position, never run as something else.
func TestMachineEngineRefusesAtPosition(t *testing.T) {
	src := `RISCV SB+amo
{ 0:x6=x; 0:x7=1; 0:x8=y; 1:x6=y; 1:x7=1; 1:x8=x; }
 P0                   | P1          ;
 amoswap.w x5,x7,(x6) | sw x7,0(x6) ;
 lw x9,0(x8)          | lw x9,0(x8) ;
exists (0:x9=0 /\ 1:x9=0)
`
	lt, err := Parse("amo.litmus", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	mem, _ := memmodel.New("rvwmo")
	r := RunMachine(lt, mem.(MachineMemory), Options{})
	if !strings.HasPrefix(r.Unsupported, "amo.litmus:4:") {
		t.Fatalf("want a refusal at amo.litmus:4:col, got %q", r.Unsupported)
	}
}
