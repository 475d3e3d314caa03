package scenario

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"github.com/ftcheck/ftcheck/model"
)

// An arch is what the scenario language knows about one instruction set:
// the header word that selects it, how its statements assemble, how its
// harts execute and fetch. Each ISA registers one in its own asm_*.go
// file, so adding an architecture touches no shared code.
type arch struct {
	header  string // the scenario header's first word: RISCV
	machine string // the kernel's name for it: riscv64
	// unit is the fetch unit in bytes: 4 where instructions are words
	// fetched whole (RISC-V, arm64, powerpc), 1 where they are fetched
	// byte by byte (x86). Text versions, patcher instruction stores and
	// the fetch model all count in units.
	unit int
	// align is the instruction alignment in bytes: RISC-V's is 2 (the C
	// extension), less than its fetch unit, so a 4-byte instruction at
	// an address ≡ 2 (mod 4) straddles two units.
	align int
	mem   string // memory model when the file names none
	// models are the memory models that describe this architecture: its
	// own, sc (which kernel code correct under the weak model is correct
	// under too), and for RISC-V tso (the Ztso extension). Another architecture's model would
	// give verdicts no CPU of this one can show: x86 code under rvwmo
	// reorders stores TSO never does.
	models []string
	isa    model.ISA
	// shapes lists the mnemonics with their operand shapes (for errors).
	shapes    map[string]string
	regNumber func(name string) (int, bool)
	// noZero: register 0 is an ordinary register (arm64 x0), not a
	// hard-wired zero that [init] may not set.
	noZero bool
	// syncName is the local fetch barrier's mnemonic, for traces
	// (empty: fence.i).
	syncName string
	// size is a statement's length in bytes in pass 1, when only
	// constants resolve (labels have no address yet).
	size func(in insn, consts resolver) (int, *Error)
	// fixed are the instructions without operands of a fixed-width ISA,
	// each one word (nop, isb), which encode is not asked for.
	fixed map[string]uint32
	// encode assembles a statement at pc: one byte slice per machine
	// instruction (each starts an instruction boundary).
	encode func(in insn, pc uint64, r resolver) ([][]byte, *Error)
	// stores reports whether a text unit may belong to an instruction
	// that writes memory; the reduction must know if harts store. An
	// ISA that cannot tell from one unit answers true.
	stores func(unit uint32) bool
	// insnStores, if set, judges the text by instruction (the bytes of
	// each version of each statement) in place of stores by unit: for
	// an ISA whose fetch unit can hold parts of two instructions (RISC-V
	// with compressed ones).
	insnStores func(code []byte) bool
	// fetch makes the instruction-fetch model over the boot text, one
	// value per unit from lo.
	fetch func(lo uint64, units []uint32, harts int) model.FetchState
	// shortVersions: a version (<->) may be shorter than the first (x86:
	// the int3 that text_poke_bp writes over an instruction's first
	// byte); its bytes are versions of the units they cover, the units
	// after it keep the other versions'.
	shortVersions bool
}

var arches = map[string]*arch{}

// registerArch makes an ISA available to scenario headers. Call it from
// an init func in a file named asmNAME.go (asmriscv.go): a file name
// ending in _riscv64, _arm64, _amd64 or _ppc64 is a Go build constraint.
func registerArch(a *arch) { arches[a.header] = a }

func archHeaders() string {
	var hs []string
	for h := range arches {
		hs = append(hs, h)
	}
	sort.Strings(hs)
	return strings.Join(hs, ", ")
}

// knownMnemonics lists the arch's mnemonics for an error message.
func (a *arch) knownMnemonics() string {
	var ns []string
	for n := range a.shapes {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return strings.Join(ns, " ")
}

// unitAt reads one fetch unit (little-endian) from b.
func (a *arch) unitAt(b []byte) uint32 {
	if a.unit == 1 {
		return uint32(b[0])
	}
	return binary.LittleEndian.Uint32(b)
}

// wordBytes is the encoding of 4-byte instruction words, little-endian,
// one slice per word: the encode result of the fixed-width ISAs.
func wordBytes(ws []uint32, err *Error) ([][]byte, *Error) {
	if err != nil {
		return nil, err
	}
	out := make([][]byte, len(ws))
	for i, w := range ws {
		out[i] = binary.LittleEndian.AppendUint32(nil, w)
	}
	return out, nil
}

// unitName says what a fetch unit is, for messages: a word or a byte.
func (a *arch) unitName() string {
	if a.unit == 1 {
		return "byte"
	}
	return "word"
}

// formatUnit renders a unit's value in hex, as wide as the unit.
func (a *arch) formatUnit(w uint32) string { return fmt.Sprintf("%0*x", 2*a.unit, w) }
