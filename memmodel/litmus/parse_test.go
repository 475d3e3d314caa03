package litmus

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model/input"
)

// A parseError is a file, named, that Parse refuses with an *Error that
// starts with want.
type parseError struct{ name, src, want string }

// checkParseErrors parses each case's file as file.
func checkParseErrors(t *testing.T, file string, cases []parseError) {
	t.Helper()
	for _, c := range cases {
		_, err := Parse(file, []byte(c.src))
		var perr *Error
		if !errors.As(err, &perr) {
			t.Errorf("%s: got %v, want *Error", c.name, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s: got %q, want prefix %q", c.name, err.Error(), c.want)
		}
	}
}

func TestParseErrorsArePositioned(t *testing.T) {
	cases := []parseError{
		{"empty", "", "e.litmus:1:1: empty file"},
		{"arch", "PPC MP\n{}\n", "e.litmus:1:1: unsupported architecture"},
		{"no init", "RISCV MP\n P0 ;\n", "e.litmus:1:9: expected `{`"},
		{"bad thread", "RISCV MP\n{ 3:x5=x; }\n P0 ;\n sw x1,0(x5) ;\nexists (x=1)\n",
			"e.litmus:2:3: thread 3 does not exist"},
		{"bad register", "RISCV MP\n{ 0:q5=x; }\n P0 ;\n sw x1,0(x5) ;\nexists (x=1)\n",
			"e.litmus:2:5: unknown register"},
		{"header", "RISCV MP\n{}\n P0 | Q1 ;\n", "e.litmus:3:7: expected thread name P1"},
		{"row", "RISCV MP\n{}\n P0 ;\n sw x1,0(x5)\nexists (x=1)\n", "e.litmus:4:13: expected `;`"},
		{"operands", "RISCV MP\n{}\n P0 ;\n sw x1 ;\nexists (x=1)\n", "e.litmus:4:2: sw x1: expected"},
		{"label", "RISCV MP\n{}\n P0 ;\n bne x1,x0,L9 ;\nexists (x=1)\n", "e.litmus:4:2: undefined label"},
		{"condition", "RISCV MP\n{}\n P0 ;\n sw x1,0(x5) ;\nexists (x=1 /\\ )\n", "e.litmus:5:16: expected a register or location"},
		{"equals", "RISCV MP\n{}\n P0 ;\n sw x1,0(x5) ;\nexists (x 1)\n", "e.litmus:5:11: expected `=`"},
		{"comment", "RISCV MP\n(* oops\n{}\n", "e.litmus:2:1: comment `(*` is never closed"},
		{"trailing", "RISCV MP\n{}\n P0 ;\n sw x1,0(x5) ;\nexists (x=1) junk\n", "e.litmus:5:14: unexpected"},
		{"aarch64", "AArch64 MP\n{}\n P0 ;\n LDR W0,X1 ;\nexists (x=1)\n", "e.litmus:4:2: LDR W0,X1: bad address"},
	}
	checkParseErrors(t, "e.litmus", cases)
}

func TestParseSyntaxVariants(t *testing.T) {
	srcs := map[string]string{
		"riscv abi names, types, pointers, comments": `RISCV T
"doc line"
Key=value
(* comment (* nested *) *)
{
int64_t x; int z; int *p = &z;
0:s0=x; 0:s1=p; 1:s0=x;
}
 P0          | P1           ;
 li t1,1     | ld a0,0(s0)  ;
 sd t1,0(s0) |              ;
locations [x;]
~exists (1:a0=1 /\ not (x=1))
`,
		"old x86": `X86 iwp/2 (name) "title"
{x = 0; y = 0};
   P0        |  P1          ;
 mov [x], 1  |  mov EAX, [x] ;

final (P1:EAX = 1);
with
tso: exists;

<<
show 1
>>
`,
		"x86_64 att": `X86_64 SB
{
}
 P0            | P1            ;
 movl $1,(x)   | movl $1,(y)   ;
 movl (y),%eax | movl (x),%eax ;
exists (0:rax=0 /\ 1:rax=0)
`,
		"aarch64 labels": `AArch64 T
{ 0:X1=x; uint64_t 0:X3; }
 P0            ;
 LDR W0,[X1]   ;
 CBNZ W0,LC00  ;
 LC00:         ;
 LDR W2,[X1,#0] ;
forall (0:X0=0)
`,
	}
	for name, src := range srcs {
		test, err := Parse("v.litmus", []byte(src))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if test.Unsupported != "" {
			t.Errorf("%s: unsupported: %s", name, test.Unsupported)
			continue
		}
		if r := Run(test, Options{}); r.Verdict != Ok {
			t.Errorf("%s: got %v (%d executions)", name, r.Verdict, r.Executions)
		}
	}
}

func TestUnsupportedInstructionGetsNoVerdict(t *testing.T) {
	test, err := Parse("u.litmus", []byte("RISCV U\n{}\n P0 ;\n csrrw x1,x2,x3 ;\nexists (x=1)\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := Run(test, Options{})
	if r.Unsupported == "" || !strings.Contains(r.Unsupported, "csrrw") {
		t.Fatalf("got %+v", r)
	}
}

// Conditions nested without bound used to overflow the goroutine stack,
// a fatal error no recover can catch. Each recursive form must stop at
// maxCondDepth with a positioned error. The inputs are generated: three
// million levels would be a 3 MB file in the repository.
func TestConditionDepthIsBounded(t *testing.T) {
	const deep = 3_000_000
	head := "RISCV D\n{}\n P0 ;\n nop ;\n"
	cases := map[string]string{
		"not":      "exists (" + strings.Repeat("~", deep) + "x=1)\n",
		"not word": "exists (" + strings.Repeat("not ", deep) + "x=1)\n",
		"parens":   "exists " + strings.Repeat("(", deep) + "x=1" + strings.Repeat(")", deep) + "\n",
		"implies":  "exists (" + strings.Repeat("x=1 => ", deep) + "x=1)\n",
		"filter":   "filter " + strings.Repeat("(", deep) + "\nexists (x=1)\n",
	}
	for name, cond := range cases {
		_, err := Parse("d.litmus", []byte(head+cond))
		var perr *Error
		if !errors.As(err, &perr) || !strings.Contains(perr.Msg, "condition nested deeper than 200") {
			t.Errorf("%s: got %v, want a nesting error", name, err)
			continue
		}
		if perr.Line != 5 {
			t.Errorf("%s: error at line %d, want 5", name, perr.Line)
		}
	}
	// Within the limit, nesting parses and means what it says.
	ok := head + "exists (" + strings.Repeat("~", 150) + "x=0)\n"
	test, err := Parse("d.litmus", []byte(ok))
	if err != nil {
		t.Fatalf("150 nested `~`: %v", err)
	}
	if r := Run(test, Options{}); r.Verdict != Ok {
		t.Errorf("150 nested `~` (even, so x=0): got %v", r.Verdict)
	}
}

func TestParseRejectsMalformedTables(t *testing.T) {
	cases := []parseError{
		{"duplicate register", "RISCV T\n{ 0:x5=x; 0:t0=y; }\n P0 ;\n sw x1,0(x5) ;\nexists (x=1)\n",
			"t.litmus:2:11: 0:t0 is initialised twice (first at 2:3)"},
		{"duplicate W/X view", "AArch64 T\n{ 0:X1=x; 0:W1=y; }\n P0 ;\n LDR W0,[X1] ;\nexists (x=1)\n",
			"t.litmus:2:11: 0:W1 is initialised twice (first at 2:3)"},
		{"duplicate location", "RISCV T\n{ x=1; int y; x=2; }\n P0 ;\n nop ;\nexists (x=1)\n",
			"t.litmus:2:15: x is initialised twice (first at 2:3)"},
		{"header wider than rows", "RISCV T\n{}\n P0 | P1 | P2 ;\n nop | nop ;\n nop | nop ;\nexists (x=1)\n",
			"t.litmus:3:12: the header names 3 threads but no row has more than 2 columns: P2 has no code"},
		{"short row", "RISCV T\n{}\n P0 | P1 ;\n nop | nop ;\n nop ;\nexists (x=1)\n",
			"t.litmus:5:5: row has 1 columns but the header names 2 threads"},
		{"no rows", "RISCV T\n{}\n P0 ;\nexists (x=1)\n",
			"t.litmus:3:2: the header names 1 threads but no row has more than 0 columns: P0 has no code"},
		{"riscv addi", "RISCV T\n{}\n P0 ;\n addi x1,x1,2048 ;\nexists (x=1)\n",
			"t.litmus:4:13: immediate 2048 out of range for addi (-2048..2047)"},
		{"riscv slli", "RISCV T\n{}\n P0 ;\n slli x1,x1,64 ;\nexists (x=1)\n",
			"t.litmus:4:13: immediate 64 out of range for slli (0..63)"},
		{"riscv offset", "RISCV T\n{}\n P0 ;\n sw x1, -2049(x5) ;\nexists (x=1)\n",
			"t.litmus:4:9: immediate -2049 out of range for sw (-2048..2047)"},
		{"a64 add", "AArch64 T\n{}\n P0 ;\n ADD X0,X0,#4097 ;\nexists (x=1)\n",
			"t.litmus:4:12: immediate 4097 out of range for ADD"},
		{"a64 orr", "AArch64 T\n{}\n P0 ;\n ORR W0,W0,#5 ;\nexists (x=1)\n",
			"t.litmus:4:12: immediate 5 out of range for ORR (not a bitmask immediate)"},
		{"a64 mov", "AArch64 T\n{}\n P0 ;\n MOV X0,#0x12345 ;\nexists (x=1)\n",
			"t.litmus:4:9: immediate 74565 out of range for MOV"},
		{"a64 mov w", "AArch64 T\n{}\n P0 ;\n MOV W0,#0x100000000 ;\nexists (x=1)\n",
			"t.litmus:4:9: immediate 4294967296 out of range for MOV (a W register holds 32 bits)"},
		{"a64 offset", "AArch64 T\n{0:X1=x;}\n P0 ;\n LDR W0,[X1,#258] ;\nexists (x=1)\n",
			"t.litmus:4:13: offset 258 out of range for LDR"},
		{"a64 pair offset", "AArch64 T\n{0:X1=x;}\n P0 ;\n LDP X0,X2,[X1,#512] ;\nexists (x=1)\n",
			"t.litmus:4:16: offset 512 out of range for LDP"},
	}
	checkParseErrors(t, "t.litmus", cases)
}

// The immediates an assembler accepts must still parse.
func TestParseAcceptsEncodableImmediates(t *testing.T) {
	for _, src := range []string{
		"RISCV T\n{}\n P0 ;\n addi x1,x1,-2048 ;\n ori x1,x1,2047 ;\n slli x1,x1,63 ;\n sw x1,2047(x5) ;\nexists (x=0)\n",
		"AArch64 T\n{0:X1=x;}\n P0 ;\n MOV X0,#-1 ;\n MOV X0,#0xffff0000 ;\n MOV W0,#0x80000000 ;\n MOV X0,#0x5555555555555555 ;\n" +
			" ADD X0,X0,#4095 ;\n ADD X0,X0,#-1 ;\n SUB X0,X0,#0x1000 ;\n AND W0,W0,#0xff ;\n EOR X0,X0,#1 ;\n CMP W0,#0 ;\n" +
			" LDR W0,[X1,#-256] ;\n LDR X0,[X1,#32760] ;\n LDRB W0,[X1,#4095] ;\n STP X0,X2,[X1,#504] ;\nexists (x=0)\n",
	} {
		if _, err := Parse("ok.litmus", []byte(src)); err != nil {
			t.Errorf("%v", err)
		}
	}
}

// /dev/zero never ends and a FIFO blocks its reader: both must be refused
// before a byte is read, by ParseFile, by Discover (which would read
// either as an index file) and by LoadExpectations.
func TestFilesAreReadThroughTheSizeLimit(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	want := "/dev/zero:1:1: is a device, not a regular file"
	if _, err := ParseFile("/dev/zero"); err == nil || err.Error() != want {
		t.Errorf("ParseFile: %v, want %q", err, want)
	}
	if _, err := Discover([]string{"/dev/zero"}); err == nil || err.Error() != want {
		t.Errorf("Discover: %v, want %q", err, want)
	}
	if _, err := LoadExpectations("/dev/zero"); err == nil || err.Error() != want {
		t.Errorf("LoadExpectations: %v, want %q", err, want)
	}
	big := filepath.Join(t.TempDir(), "big.litmus")
	if err := os.WriteFile(big, make([]byte, input.MaxSource+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseFile(big); err == nil || !strings.Contains(err.Error(), "file is larger than") {
		t.Errorf("oversize file: %v", err)
	}
}
