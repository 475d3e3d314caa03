package isatest

import (
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// CPU is one hart over flat memory. It is every optional CPU interface the
// executors look for (model.SpecialRegs, model.Frame), so one machine
// serves each ISA.
type CPU struct {
	Pc   uint64 // the program counter, which PC reads
	Regs [32]uint64
	Spec [model.NumSpecial]uint64 // model.SpecialRegs (ppc64's link register)
	Text map[uint64]uint32        // fetch units by address: words, or bytes on x86
	Mem  map[uint64]uint64        // values by address; a load narrower than 8 bytes reads the low bytes
	// ByteMemory makes Mem byte-addressed, for accesses of any size at
	// any address: an access of n bytes reads or writes the n addresses
	// from its own, little-endian, one byte at each.
	ByteMemory bool
	Fences     []model.FenceKind
	Synced     bool             // SyncFetch was called
	Fetches    int              // how many FetchWord calls were made
	Frame      *model.IntrFrame // the interrupt frame model.Frame reaches; nil: not in a handler
}

// New is a CPU at pc with no text, memory or registers.
func New(pc uint64) *CPU {
	return &CPU{Pc: pc, Text: map[uint64]uint32{}, Mem: map[uint64]uint64{}}
}

// Words places 4-byte instruction words from addr on.
func (c *CPU) Words(addr uint64, words ...uint32) *CPU {
	for i, w := range words {
		c.Text[addr+4*uint64(i)] = w
	}
	return c
}

// Bytes places instructions fetched a byte at a time (x86) from addr on.
func (c *CPU) Bytes(addr uint64, code ...[]byte) *CPU {
	for _, in := range code {
		for _, b := range in {
			c.Text[addr] = uint32(b)
			addr++
		}
	}
	return c
}

func (c *CPU) Hart() int              { return 0 }
func (c *CPU) PC() uint64             { return c.Pc }
func (c *CPU) Reg(i int) uint64       { return c.Regs[i] }
func (c *CPU) SetReg(i int, v uint64) { c.Regs[i] = v }
func (c *CPU) FetchWord(a uint64) (uint32, bool) {
	c.Fetches++
	w, ok := c.Text[a]
	return w, ok
}
func (c *CPU) Load(a uint64, size int) uint64 {
	if c.ByteMemory {
		var v uint64
		for i := size - 1; i >= 0; i-- {
			v = v<<8 | c.Mem[a+uint64(i)]&0xff
		}
		return v
	}
	v := c.Mem[a]
	if size < 8 {
		v &= 1<<(8*size) - 1
	}
	return v
}
func (c *CPU) Store(a uint64, size int, v uint64) {
	if !c.ByteMemory {
		c.Mem[a] = v
		return
	}
	for i := 0; i < size; i++ {
		c.Mem[a+uint64(i)] = v >> (8 * i) & 0xff
	}
}
func (c *CPU) Fence(k model.FenceKind) { c.Fences = append(c.Fences, k) }
func (c *CPU) SyncFetch()              { c.Synced = true }
func (c *CPU) Tracing() bool           { return true }

func (c *CPU) Special(i int) uint64       { return c.Spec[i] }
func (c *CPU) SetSpecial(i int, v uint64) { c.Spec[i] = v }

func (c *CPU) InFrame() bool               { return c.Frame != nil }
func (c *CPU) FramePC() uint64             { return c.Frame.PC }
func (c *CPU) SetFramePC(pc uint64)        { c.Frame.PC = pc }
func (c *CPU) FrameReg(i int) uint64       { return c.Frame.Regs[i] }
func (c *CPU) SetFrameReg(i int, v uint64) { c.Frame.Regs[i] = v }

// Stepper is what the CPU runs: a model.ISA's step.
type Stepper interface {
	Step(cpu model.CPU) model.Exec
}

// Step executes one instruction and moves the PC past it (or to where it
// jumps).
func (c *CPU) Step(isa Stepper) model.Exec {
	x := isa.Step(c)
	c.Pc = x.NextPC
	return x
}

// Run executes from the PC until the task ends: it halts, faults, traps
// or returns from an interrupt. A program that runs 50 steps fails t.
func (c *CPU) Run(t testing.TB, isa Stepper) []model.Exec {
	t.Helper()
	var xs []model.Exec
	for steps := 0; steps < 50; steps++ {
		x := isa.Step(c)
		xs = append(xs, x)
		if x.Halt || x.Fault != "" || x.Trap != "" || x.IntrReturn {
			return xs
		}
		c.Pc = x.NextPC
	}
	t.Fatal("program did not end")
	return nil
}

// RunWords runs a program of 4-byte words placed at 0x100, where the PC
// starts, over the memory mem, until its task ends (Run).
func RunWords(t testing.TB, isa Stepper, mem map[uint64]uint64, words ...uint32) (*CPU, []model.Exec) {
	t.Helper()
	c := New(0x100).Words(0x100, words...)
	c.Mem = mem
	return c, c.Run(t, isa)
}
