package ppc64

import "fmt"

// golang.org/x/arch only decodes. These encoders build the few ppc64
// instructions the scenarios assemble (Power ISA v3.0 Book I formats);
// each is checked by decoding it in encode_test.go.

// Fixed words.
const (
	Nop   uint32 = 0x60000000 // ori r0,r0,0
	Blr   uint32 = 0x4e800020 // bclr 20,0,0: branch to LR
	Isync uint32 = 0x4c00012c
	// Trap is tw 31,r0,r0 (the kernel's trap): it ends a task in the
	// harness.
	Trap uint32 = 0x7fe00008
)

// LR is the special register (model.SpecialRegs index) holding the link
// register.
const LR = 0

func mustFit(v int64, bits uint, what string) {
	if v < -(1<<(bits-1)) || v >= 1<<(bits-1) {
		panic(fmt.Sprintf("ppc64: %s %d does not fit in %d bits", what, v, bits))
	}
}

func reg(r int) uint32 {
	if r < 0 || r > 31 {
		panic(fmt.Sprintf("ppc64: no register r%d", r))
	}
	return uint32(r)
}

// B is b off (I-form, relative, no link).
func B(off int64) uint32 { return iform(off, false) }

// Bl is bl off: branch and link (LR = pc+4).
func Bl(off int64) uint32 { return iform(off, true) }

func iform(off int64, link bool) uint32 {
	mustFit(off, 26, "branch offset")
	if off&3 != 0 {
		panic(fmt.Sprintf("ppc64: branch offset %d is not a multiple of 4", off))
	}
	w := 18<<26 | uint32(off)&0x03fffffc
	if link {
		w |= 1
	}
	return w
}

// Ld is ld rt, ds(ra) (DS-form: ds a multiple of 4).
func Ld(rt, ra int, ds int64) uint32 { return dsform(58, rt, ra, ds) }

// Std is std rs, ds(ra).
func Std(rs, ra int, ds int64) uint32 { return dsform(62, rs, ra, ds) }

func dsform(op uint32, rt, ra int, ds int64) uint32 {
	mustFit(ds, 16, "displacement")
	if ds&3 != 0 {
		panic(fmt.Sprintf("ppc64: displacement %d is not a multiple of 4", ds))
	}
	return op<<26 | reg(rt)<<21 | reg(ra)<<16 | uint32(ds)&0xfffc
}

// Addi is addi rt, ra, si (ra = 0 reads as the value 0: li).
func Addi(rt, ra int, si int64) uint32 {
	mustFit(si, 16, "immediate")
	return 14<<26 | reg(rt)<<21 | reg(ra)<<16 | uint32(si)&0xffff
}

// Li is li rt, si (addi rt, 0, si).
func Li(rt int, si int64) uint32 { return Addi(rt, 0, si) }

// Mflr is mflr rt (mfspr rt, 8); Mtlr is mtlr rs (mtspr 8, rs).
func Mflr(rt int) uint32 { return 0x7c0802a6 | reg(rt)<<21 }
func Mtlr(rs int) uint32 { return 0x7c0803a6 | reg(rs)<<21 }

// RegNumber reads a register name: r0..r31 (GNU as with -mregnames;
// plain numbers are not accepted, so an operand is never ambiguous).
func RegNumber(name string) (int, bool) {
	if len(name) < 2 || len(name) > 3 || name[0] != 'r' {
		return 0, false
	}
	n := 0
	for _, c := range name[1:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if n > 31 || (len(name) == 3 && name[1] == '0') {
		return 0, false
	}
	return n, true
}
