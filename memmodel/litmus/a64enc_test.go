package litmus

import (
	"encoding/binary"
	"testing"

	"golang.org/x/arch/arm64/arm64asm"

	"github.com/ftcheck/ftcheck/ifetch/arm64"
)

// Every encoding encodeA64 produces is decoded back with x/arch's
// arm64asm and must read as the instruction written.
func TestEncodeA64DecodesBack(t *testing.T) {
	// Placed at 0x1000 with label l0 at 0x1010.
	label := func(s string) (int64, bool) { return 0x1010, s == "l0" }
	for _, c := range []struct{ text, gnu string }{
		{"NOP", "nop "},
		{"ISB", "isb"},
		{"ERET", "eret "},
		{"B .+8", "b .+0x8"},
		{"B .+12", "b .+0xc"},
		{"B l0", "b .+0x10"},
		{"BL l0", "bl .+0x10"},
		{"B.EQ l0", "b.eq .+0x10"},
		{"B.NE l0", "b.ne .+0x10"},
		{"CBZ W1,l0", "cbz w1, .+0x10"},
		{"CBNZ X2,l0", "cbnz x2, .+0x10"},
		{"RET", "ret"},
		{"BR X1", "br x1"},
		{"BLR X2", "blr x2"},
		{"MOV W9,#1", "mov w9, #0x1"},
		{"MOV X9,#2", "mov x9, #0x2"},
		{"MOV W1,W2", "mov w1, w2"},
		{"CMP W2,W0", "cmp w2, w0"},
		{"CMP X1,X11", "cmp x1, x11"},
		{"CMP W1,#3", "cmp w1, #0x3"},
		{"ADD W2,W2,#1", "add w2, w2, #0x1"},
		{"LDR W6,[X30]", "ldr w6, [x30]"},
		{"LDR X1,[X3,#8]", "ldr x1, [x3,#8]"},
		{"STR W0,[X1]", "str w0, [x1]"},
		{"STR X1,[X3]", "str x1, [x3]"},
		{"DSB ISH", "dsb ish"},
		{"DSB SY", "dsb sy"},
		{"DMB ST", "dmb st"},
		{"DMB ISHLD", "dmb ishld"},
		{"DC CVAU,X1", "dc cvau, x1"},
		{"MOV X3,XZR", "mov x3, xzr"},
		{"STR WZR,[X3]", "str wzr, [x3]"},
		{"CMP W1,WZR", "cmp w1, wzr"},
	} {
		w, err := encodeA64(c.text, 0x1000, label)
		if err != nil {
			t.Errorf("%s: %v", c.text, err)
			continue
		}
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], w)
		in, err := arm64asm.Decode(b[:])
		if err != nil {
			t.Errorf("%s: %08x does not decode: %v", c.text, w, err)
			continue
		}
		if got := arm64asm.GNUSyntax(in); got != c.gnu {
			t.Errorf("%s: %08x decodes as %q, want %q", c.text, w, got, c.gnu)
		}
	}
}

// arm64asm decodes neither IC nor UDF (ifetch/arm64 checks those
// encoders field by field), so these are compared with the encoders.
func TestEncodeA64Undecodable(t *testing.T) {
	for text, want := range map[string]uint32{
		"IC IVAU,X1": arm64.IcIvau(1),
		"IC IALLU":   arm64.IcIallu,
		"UDF #0":     arm64.Udf(0),
		"UDF #0x10":  arm64.Udf(16),
	} {
		if w, err := encodeA64(text, 0, nil); err != nil || w != want {
			t.Errorf("%s = %08x, %v; want %08x", text, w, err, want)
		}
	}
}

func TestEncodeA64Refuses(t *testing.T) {
	for _, text := range []string{"B l0", "MOV W1,#70000", "LDR W1,[X2,#3]", "FOO X1", "DSB XX", "UDF #-1", "CMP W1,#4096", "B .+2"} {
		if w, err := encodeA64(text, 0, nil); err == nil {
			t.Errorf("%s encoded as %08x without a label resolver or valid operands", text, w)
		}
	}
}
