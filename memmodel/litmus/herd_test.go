package litmus

import (
	"strings"
	"testing"
)

// herd7's logs for small tests, as herd prints them (herdtools7's
// herd/tests/instructions/RISCV/A001 and A020 .expected files, and
// herd7's output for a RISC-V forwarding test posted on the kernel
// mailing list), without the Hash= line ftcheck does not compute. The
// Time line varies and is compared by shape only.
func TestHerdLogMatchesHerd(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"forall over memory", "RISCV A001\n\n(*Test NOP instr *)\n{ x=0 }\n\nP0;\nnop;\n\nforall (x=0)\n",
			"Test A001 Required\nStates 1\n[x]=0;\nOk\nWitnesses\nPositive: 1 Negative: 0\nCondition forall ([x]=0)\nObservation A001 Always 1 0\n"},
		{"exists without parentheses", "RISCV A020\n{\nuint64_t a;\n0:x1=a;\n1:x1=a;\nuint64_t 1:x2;\nuint64_t 1:x3;\n}\n" +
			"P0                          |  P1           ;\nli x2, 8070450532247928832  |  ld x2, 0(x1) ;\n" +
			"sd x2, 0(x1)                |               ;\nexists 1:x2=8070450532247928832\n",
			"Test A020 Allowed\nStates 2\n1:x2=0;\n1:x2=8070450532247928832;\nOk\nWitnesses\nPositive: 1 Negative: 1\n" +
				"Condition exists (1:x2=8070450532247928832)\nObservation A020 Sometimes 1 1\n"},
		{"several registers", "RISCV intra-processor-forwarding\n{\n0:x5=1; 0:x6=x; 0:x8=y;\n1:x5=1; 1:x6=y; 1:x8=x;\n}\n" +
			" P0          | P1          ;\n sw x5,0(x6) | sw x5,0(x6) ;\n lw x9,0(x6) | lw x9,0(x6) ;\n lw x7,0(x8) | lw x7,0(x8) ;\n" +
			"exists\n(0:x7=0 /\\ 1:x7=0 /\\ 0:x9=1 /\\ 1:x9=1)\n",
			"Test intra-processor-forwarding Allowed\nStates 4\n0:x7=0; 0:x9=1; 1:x7=0; 1:x9=1;\n0:x7=0; 0:x9=1; 1:x7=1; 1:x9=1;\n" +
				"0:x7=1; 0:x9=1; 1:x7=0; 1:x9=1;\n0:x7=1; 0:x9=1; 1:x7=1; 1:x9=1;\nOk\nWitnesses\nPositive: 1 Negative: 3\n" +
				"Condition exists (0:x7=0 /\\ 1:x7=0 /\\ 0:x9=1 /\\ 1:x9=1)\nObservation intra-processor-forwarding Sometimes 1 3\n"},
		// ~exists: Witnesses count executions validating the condition
		// as written, the Observation those satisfying the proposition
		// (herd's SB+atomic_add+fetch log shows the same swap).
		{"not exists, negation, or", "RISCV SB\n{0:x6=x; 0:x8=y; 1:x6=y; 1:x8=x; 0:x5=1; 1:x5=1;}\n" +
			" P0 | P1 ;\n sw x5,0(x6) | sw x5,0(x6) ;\n lw x7,0(x8) | lw x7,0(x8) ;\n" +
			"~exists (0:x7=0 /\\ (1:x7=0 \\/ ~(x=0)) /\\ y != 2)\n",
			"Test SB Forbidden\nStates 4\n0:x7=0; 1:x7=0; [x]=1; [y]=1;\n0:x7=0; 1:x7=1; [x]=1; [y]=1;\n" +
				"0:x7=1; 1:x7=0; [x]=1; [y]=1;\n0:x7=1; 1:x7=1; [x]=1; [y]=1;\nNo\nWitnesses\nPositive: 2 Negative: 2\n" +
				"Condition ~exists (0:x7=0 /\\ (1:x7=0 \\/ not ([x]=0)) /\\ not ([y]=2))\nObservation SB Sometimes 2 2\n"},
	}
	for _, c := range cases {
		test, err := Parse(c.name+".litmus", []byte(c.src))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		r := Run(test, Options{States: true})
		got := HerdLog(test, r)
		body, tail, ok := strings.Cut(got, "Time "+test.Name+" ")
		if !ok || !strings.HasSuffix(tail, "\n\n") {
			t.Errorf("%s: no Time line and blank line at the end:\n%s", c.name, got)
		}
		if body != c.want {
			t.Errorf("%s: got\n%s\nwant\n%s", c.name, body, c.want)
		}
	}
}

// Without Options.States the result carries no states (the default run
// does not pay for them).
func TestStatesOnlyWhenAsked(t *testing.T) {
	test, err := Parse("s.litmus", []byte("RISCV S\n{x=1;}\n P0 ;\n nop ;\nexists (x=1)\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r := Run(test, Options{}); r.States != nil {
		t.Errorf("states without asking: %v", r.States)
	}
	if r := Run(test, Options{States: true}); len(r.States) != 1 || r.States[0] != "[x]=1;" {
		t.Errorf("states: %q", r.States)
	}
}
