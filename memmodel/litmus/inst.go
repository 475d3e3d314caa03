package litmus

import "github.com/ftcheck/ftcheck/memmodel/axiomatic"

// opcode is the kind of an instruction once decoded from any architecture.
// The three front ends (RISC-V, AArch64, x86) translate their syntax into
// this small common form, which the path enumerator executes.
type opcode uint8

const (
	opNop       opcode = iota
	opALU              // rd = alu(rs1, rs2 or imm)
	opLoad             // rd = mem[addr]
	opStore            // mem[addr] = rv (or imm)
	opAMO              // rd = mem[addr]; mem[addr] = alu(old, rv)
	opLoadRes          // load-reserved / load-exclusive
	opStoreCond        // store-conditional; rd = 0 on success, 1 on failure
	opFence            // barrier event
	opBranch           // conditional jump on rs1 (and rs2 or imm)
	opJump             // unconditional jump
	opCmp              // flags = rs1 - (rs2 or imm)
	// AArch64 control and system instructions of the instruction-fetch
	// catalogue.
	opIndirect // jump to the address in rs1 (BR, BLR, RET)
	opCsel     // rd = flags satisfy cond ? rs1 : rs2 (CSET: 1 : 0)
	opMaint    // cache maintenance (DC CVAU, IC IVAU at rs1; IC IALLU)
	opEret     // exception return to ELR_EL1
	opUDF      // permanently undefined: an UndefinedInstruction fault
	opHalt     // ends the thread (a fault with no handler)
)

type aluOp uint8

const (
	aluMov aluOp = iota // result is the second operand
	aluAdd
	aluSub
	aluXor
	aluOr
	aluAnd
	aluSll
	aluSwap // AMO swap: new value is the operand
)

type condOp uint8

const (
	condEq condOp = iota
	condNe
	condLt
	condGe
)

// noReg marks an absent register operand; slot 0 reads as zero.
const noReg = -1

// inst is one decoded instruction.
type inst struct {
	op     opcode
	alu    aluOp
	cond   condOp
	rd     int // destination (status register for store-conditional)
	rs1    int // first source; base address register for memory accesses
	rs2    int // second source; index register for memory accesses
	rv     int // value register for stores and AMOs
	imm    int64
	useImm bool // second ALU/compare operand is imm
	// storeImm is the constant a store writes when hasStoreImm (x86
	// `MOV [x],$1`); imm is then the address.
	storeImm    int64
	hasStoreImm bool
	// size is the access width in bytes; width32 truncates ALU results
	// to 32 bits (AArch64 W registers).
	size    int
	signExt bool
	width32 bool
	annot   axiomatic.Annot // of the access (the read, for an AMO)
	annotW  axiomatic.Annot // of an AMO's write
	fence   axiomatic.FenceKind
	// oneEvent makes an AMO a single Update event (herd's RISC-V Amo)
	// rather than a read and a write linked by rmw (AArch64 SWP, x86 XCHG).
	oneEvent bool
	// resultDeps makes a successful store-conditional's result register
	// depend on its write and address (herd's RISC-V SwitchDepScWrite and
	// SwitchDepScResult defaults; off for AArch64).
	resultDeps bool
	// ixExt extends a 32-bit index register (AArch64 [Xn,Wm,SXTW]).
	ixExt ixExtend
	// pair is the second register of an AArch64 LDP/STP (noReg
	// otherwise); the parser expands a pair into two accesses.
	pair int

	// link makes a branch write the address of the next instruction to
	// X30 (BL, BLR). adr marks `ADR Xd,label` until the label resolves.
	// relative targets (`B .+8`) are rel bytes from the instruction.
	link, adr, relative bool
	rel                 int64
	cset                bool
	// text is the instruction as written, for encoding it as a word.
	text string

	target    string // branch label
	targetPC  int
	line, col int
}

func (in *inst) reset() {
	*in = inst{rd: noReg, rs1: noReg, rs2: noReg, rv: noReg, pair: noReg, size: 8}
}

type ixExtend uint8

const (
	ixNone ixExtend = iota
	ixSXTW
	ixUXTW
)

func newInst(op opcode) inst {
	var in inst
	in.reset()
	in.op = op
	return in
}
