package arm64

// The instructions arm64's CALL_OPS ftrace_caller needs to find the ops
// literal before the function (arch/arm64/kernel/entry-ftrace.S):
//
//	bti	c
//	bic	x11, x30, 0x7
//	ldr	x11, [x11, #-(4 * AARCH64_INSN_SIZE)]	// an unscaled LDUR
//
// They live apart from encode.go so that the encoders there stay one
// table of the original subset.

// BtiC is `bti c`, the landing pad of an indirect call (HINT #34). The
// model does not enforce BTI, so it executes as a NOP.
const BtiC uint32 = 0xd503245f

// Ldur is the 64-bit ldr xt, [xn, off] with an unscaled signed 9-bit
// offset (-256..255), which GNU as emits for `ldr` with a negative or
// unaligned offset.
func Ldur(rt, rn int, off int64) uint32 {
	mustFit(off, 9, "ldur offset")
	return 0xf8400000 | (uint32(off)&0x1ff)<<12 | field(rn)<<5 | field(rt)
}

// AndImm is the 64-bit and xd, xn, #mask; ok is false when mask is no
// bitmask immediate (a rotated run of ones repeated in 2..64-bit
// elements; 0 and all-ones are not). bic xd, xn, #m is and with ^m.
func AndImm(rd, rn int, mask uint64) (word uint32, ok bool) {
	n, immr, imms, ok := bitmask(mask)
	if !ok {
		return 0, false
	}
	return 0x92000000 | n<<22 | immr<<16 | imms<<10 | field(rn)<<5 | field(rd), true
}

// bitmask finds the N:immr:imms encoding of a logical immediate by
// trying every element size, run length and rotation (at most 64*63*64
// candidates; the assembler calls it once per statement).
func bitmask(v uint64) (n, immr, imms uint32, ok bool) {
	for size := uint(2); size <= 64; size *= 2 {
		for ones := uint(1); ones < size; ones++ {
			run := uint64(1)<<ones - 1
			for rot := uint(0); rot < size; rot++ {
				elem := run
				if rot > 0 {
					elem = (run>>rot | run<<(size-rot)) & (1<<size - 1)
					if size == 64 {
						elem = run>>rot | run<<(64-rot)
					}
				}
				rep := elem
				for s := size; s < 64; s *= 2 {
					rep |= rep << s
				}
				if rep != v {
					continue
				}
				// imms: the size's high-bit prefix, then ones-1.
				prefix := uint32(^(size*2 - 1)) & 0x3f
				if size == 64 {
					n, prefix = 1, 0
				}
				return n, uint32(rot), prefix | uint32(ones-1), true
			}
		}
	}
	return 0, 0, 0, false
}
