package litmus

import (
	"testing"
)

// Mixed-size shapes, written here so that they run on a fresh clone.
// Verdicts follow the Armv8 model with herd's si relation (aarch64.cat
// 814a6fc: lob = lws;si | ..., ob = obs;si | lob), as herd7 `-variant
// mixed` and Dartagnan evaluate it; the POPL 2017 paper by Flur et al.,
// "Mixed-size concurrency: ARM, POWER, C/C++11, and SC", discusses the
// shapes. true means the `exists` state is reachable.
type mixedCase struct {
	name string
	src  string
	want map[string]bool
}

// a64Mixed builds an AArch64 test whose threads all hold x in X1 (and y
// in X2), with extra initial-state text.
func a64Mixed(name, init, cond string, threads ...string) string {
	for i := range threads {
		n := string(rune('0' + i))
		init += "\n" + n + ":X1=x; " + n + ":X2=y;"
	}
	return build("AArch64 "+name, init, cond, threads...)
}

const (
	// P0 stores the doubleword 0x0101010101010101 to x.
	stDouble = "STR X3,[X1]"
	dbl      = "0:X3=0x0101010101010101;"
)

var mixedCases = []mixedCase{
	// One 64-bit store, a 32-bit store to its upper half and a 64-bit
	// load. The load is cut into two pieces (the upper half is written
	// separately), but it reads each instruction single-copy atomically:
	// it cannot see the lower half of P0's store with the initial upper
	// half, nor the reverse. Mixing P0's lower half with P1's upper half
	// is fine (P0 then P1 in coherence at the upper half).
	{"CoRR-tear-low", a64Mixed("tear1", dbl+"1:X4=0x02020202;", "exists (2:X5=0x0000000001010101)",
		stDouble, "STR W4,[X1,#4]", "LDR X5,[X1]"),
		map[string]bool{"sc": false, "armv8": false}},
	{"CoRR-tear-high", a64Mixed("tear2", dbl+"1:X4=0x02020202;", "exists (2:X5=0x0101010100000000)",
		stDouble, "STR W4,[X1,#4]", "LDR X5,[X1]"),
		map[string]bool{"sc": false, "armv8": false}},
	{"mix-two-writers", a64Mixed("mix", dbl+"1:X4=0x02020202;", "exists (2:X5=0x0202020201010101)",
		stDouble, "STR W4,[X1,#4]", "LDR X5,[X1]"),
		map[string]bool{"sc": true, "armv8": true}},
	{"init-low-new-high", a64Mixed("mix2", dbl+"1:X4=0x02020202;", "exists (2:X5=0x0202020200000000)",
		stDouble, "STR W4,[X1,#4]", "LDR X5,[X1]"),
		map[string]bool{"sc": true, "armv8": true}},

	// Coherence is per piece, but two doubleword stores are ordered the
	// same way at both halves: the final value cannot mix them.
	{"2W-no-tear", a64Mixed("2Wtear", dbl+"1:X3=0x0202020202020202;",
		"exists (x=0x0202020201010101)",
		stDouble, "STR X3,[X1]", "LDR W5,[X1,#4]"),
		map[string]bool{"sc": false, "armv8": false}},
	{"2W-whole", a64Mixed("2Wwhole", dbl+"1:X3=0x0202020202020202;",
		"exists (x=0x0202020202020202 /\\ 2:X5=0x01010101)",
		stDouble, "STR X3,[X1]", "LDR W5,[X1,#4]"),
		map[string]bool{"sc": true, "armv8": true}},

	// A thread reads its own narrow store merged with the initial upper
	// half (store forwarding of part of a load).
	{"WR-forward-part", a64Mixed("fwd", "0:X3=0x02020202; x=0x0505050505050505;",
		"exists (0:X5=0x0505050502020202)", "STR W3,[X1];LDR X5,[X1]"),
		map[string]bool{"sc": true, "armv8": true}},
	{"WR-forward-stale", a64Mixed("fwd2", "0:X3=0x02020202; x=0x0505050505050505;",
		"exists (0:X5=0x0505050505050505)", "STR W3,[X1];LDR X5,[X1]"),
		map[string]bool{"sc": false, "armv8": false}},

	// MP over the two halves of one doubleword: plain 32-bit loads may
	// see the upper half new and the lower half old (the loads are not
	// ordered), an acquire first load orders them, and an address
	// dependency does too.
	{"MP-halves", a64Mixed("MPhalf", "0:X3=0x0000000200000001;", "exists (1:X5=2 /\\ 1:X6=0)",
		stDouble, "LDR W5,[X1,#4];LDR W6,[X1]"),
		map[string]bool{"sc": false, "armv8": true}},
	{"MP-halves+acq", a64Mixed("MPhalfA", "0:X3=0x0000000200000001;", "exists (1:X5=2 /\\ 1:X6=0)",
		stDouble, "ADD X7,X1,#4;LDAR W5,[X7];LDR W6,[X1]"),
		map[string]bool{"sc": false, "armv8": false}},
	{"MP-halves+addr", a64Mixed("MPhalfD", "0:X3=0x0000000200000001;", "exists (1:X5=2 /\\ 1:X6=0)",
		stDouble, "LDR W5,[X1,#4];EOR W7,W5,W5;LDR W6,[X1,W7,SXTW]"),
		map[string]bool{"sc": false, "armv8": false}},

	// A misaligned halfword load across bytes 15 and 16 of a byte array:
	// if it sees the second store (byte 15) it also sees the first (byte
	// 16), which a DMB orders before it; without the barrier it need not.
	// Every access is single-copy atomic in this model, aligned or not.
	{"MP-misaligned+dmb", build("AArch64 MPmis", "uint8_t z[32]; 0:X5=z; 1:X5=z; 0:X1=0x11; 0:X2=0x22; 1:X6=15;",
		"exists (1:X2=0x0022)",
		"STRB W1,[X5,#16];DMB SY;STRB W2,[X5,#15]", "LDRH W2,[X5,W6,SXTW]"),
		map[string]bool{"sc": false, "armv8": false}},
	{"MP-misaligned", build("AArch64 MPmis2", "uint8_t z[32]; 0:X5=z; 1:X5=z; 0:X1=0x11; 0:X2=0x22; 1:X6=15;",
		"exists (1:X2=0x0022)",
		"STRB W1,[X5,#16];STRB W2,[X5,#15]", "LDRH W2,[X5,W6,SXTW]"),
		map[string]bool{"sc": false, "armv8": true}},

	// An exclusive pair on a doubleword whose upper half another thread
	// writes: the pair is atomic piece by piece, so when the LDXR read
	// the initial upper half and the STXR succeeds, the other write
	// cannot fall between them and comes last in coherence.
	{"LDXR-STXR-intervening", a64Mixed("excl", "1:X4=0x02020202;",
		"exists (0:X6=0 /\\ 0:X5=0 /\\ x=0x0000000000000001)",
		"LDXR X5,[X1];ADD X7,X5,#1;STXR W6,X7,[X1]", "STR W4,[X1,#4]"),
		map[string]bool{"sc": false, "armv8": false}},
	{"LDXR-STXR-after", a64Mixed("excl2", "1:X4=0x02020202;",
		"exists (0:X6=0 /\\ 0:X5=0 /\\ x=0x0202020200000001)",
		"LDXR X5,[X1];ADD X7,X5,#1;STXR W6,X7,[X1]", "STR W4,[X1,#4]"),
		map[string]bool{"sc": true, "armv8": true}},

	// LDP and STP are two accesses, as in Dartagnan: a doubleword store
	// read by a pair of word loads may tear, even in the order SC
	// forbids (lower half new, upper half old).
	{"MP-str-ldp", a64Mixed("strldp", "0:X3=0x0000000200000001;", "exists (1:X5=1 /\\ 1:X6=0)",
		stDouble, "LDP W5,W6,[X1]"),
		map[string]bool{"sc": false, "armv8": true}},
	{"STP-final", a64Mixed("stp", "0:X3=0x11; 0:X4=0x22;", "forall (x=0x0000002200000011)",
		"STP W3,W4,[X1]"),
		map[string]bool{"sc": true, "armv8": true}},

	// Conditions on array elements use the declared element width.
	{"array-element", build("AArch64 arr", "uint16_t a[8]; 0:X1=a; 0:X2=0x1234;",
		"exists (a[3]=0x1234 /\\ a[2]=0 /\\ a=0x1234000000000000)",
		"STRH W2,[X1,#6]"),
		map[string]bool{"sc": true, "armv8": true}},
}

func TestMixedShapes(t *testing.T) {
	for _, c := range mixedCases {
		checkReachable(t, c.name, c.src, c.want)
	}
}

// TestMixedSplit checks how accesses are cut into pieces.
func TestMixedSplit(t *testing.T) {
	src := a64Mixed("split", "0:X3=0x0102030405060708;", "exists (x=0x0102030405060708 /\\ 1:X5=0x0506)",
		stDouble, "LDRH W5,[X1,#2];LDRB W6,[X1,#7]")
	test, err := Parse("split.litmus", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	mem, err := test.valueDomain(func() bool { return false })
	if err != nil {
		t.Fatal(err)
	}
	x := test.Locations["x"]
	got := mem.split(x, 8)
	want := []piece{{x, 2}, {x + 2, 2}, {x + 4, 3}, {x + 7, 1}}
	if len(got) != len(want) {
		t.Fatalf("split = %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("split = %v, want %v", got, want)
		}
	}
	if vs := mem.values(piece{x + 2, 2}); len(vs) != 2 || vs[0] != 0 || vs[1] != 0x0506 {
		t.Errorf("values of x+2/2 = %#x, want [0 0x506]", vs)
	}
	if r := Run(test, Options{}); !r.Reachable {
		t.Errorf("split test: %+v", r)
	}
}
