package model

import (
	"fmt"
	"strings"
)

// CPU hotplug and the patcher's read of cpu_online_mask.
//
// A CPU comes online in smp_callin() (arch/riscv/kernel/smpboot.c):
//
//	set_cpu_online(curr_cpuid, true);  // set_bit: amoor.d, no .aq/.rl
//	local_flush_icache_all();          // fence.i
//	local_flush_tlb_all();             // sfence.vma (not modelled)
//	complete(&cpu_running);            // the first traced call
//
// set_cpu_online() is cpumask_set_cpu() → set_bit(), which on RISC-V is
// an AMO without ordering bits (arch/riscv/include/asm/bitops.h): it
// orders nothing before the CPU's later loads. The online step is that
// atomic OR of the hart's bit into the mask, then Config.Online (the
// local fence.i, and any barrier a fix adds), after which the hart's task
// runs. An offline hart runs nothing and takes no IPI.
//
// smp_call_function() → smp_call_function_many_cond() (kernel/smp.c)
// reads cpu_online_mask with plain loads (cpumask_and(cfd->cpumask, mask,
// cpu_online_mask)) and queues a csd only for the CPUs it read. The
// patcher does the same in two steps: PatchLoad reads the mask through the
// memory model into Patcher.Mask (a weak model may return a stale value),
// and PatchSendIPI with ToMask interrupts those harts; `wait ipi` then
// waits for exactly the harts that got it.
//
// Bit i of the mask is hart i; the patcher's own CPU is bit len(Harts)
// (smp_call_function never interrupts the caller).

// AtomicMemory is implemented by memory models that can perform an atomic
// read-modify-write without ordering (RISC-V amoor, arm64 stset, x86 lock
// or — which is a full barrier there).
type AtomicMemory interface {
	// AtomicOr ORs bits into [addr, addr+size) at the coherence point:
	// it reads the newest value and its store is visible to every agent
	// at once. It returns the stores that became visible.
	AtomicOr(agent int, addr uint64, size int, bits uint64) []Commit
}

// OnlineMaskBit is the bit of cpu_online_mask that stands for hart h of n;
// the patcher's CPU is bit n.
func OnlineMaskBit(h int) uint64 { return 1 << h }

// online performs hart h's ActOnline step.
func (s *System) online(m *Machine, h int, trace bool) Event {
	hh := m.MutableHart(h)
	hh.Offline = false
	s.commit(m, m.Mem.(AtomicMemory).AtomicOr(h, s.MaskAddr, s.MaskSize, OnlineMaskBit(h)))
	if s.Online.Fence != nil {
		s.commit(m, m.Mem.Fence(h, *s.Online.Fence))
	}
	if s.Online.SyncFetch {
		m.Fetch.Sync(h)
	}
	ev := Event{PC: hh.PC, HasPC: true}
	if trace {
		ev.Actor = fmt.Sprintf("hart%d", h)
		ev.Text = fmt.Sprintf("come online: set_cpu_online (amoor [%s] |= %#x)", s.Symbols.Name(s.MaskAddr), OnlineMaskBit(h))
		if s.Online.Fence != nil {
			ev.Text += "; " + s.Online.Fence.String()
		}
		if s.Online.SyncFetch {
			ev.Text += "; local fence.i"
		}
	}
	return ev
}

// performMaskLoad performs PatchLoad: a plain load of the mask by the
// patcher, one transition per value the memory model lets it read (the
// patcher's one step with several outcomes).
func (s *System) performMaskLoad(m *Machine, op PatchOp, ch *chooser, trace bool, ev *Event) {
	n := len(m.Harts)
	k := m.Mem.Loads(n, op.Addr, op.Size)
	m.Patcher.Mask = m.Mem.Load(n, op.Addr, op.Size, ch.choose(k))
	if trace {
		ev.Text = fmt.Sprintf("load%d [%s] -> %#x", op.Size*8, s.Symbols.Name(op.Addr), m.Patcher.Mask)
	}
}

// offlineLeft reports whether some hart of m has still to come online
// (and so to store its bit).
func offlineLeft(m *Machine) bool {
	for i := range m.Harts {
		if m.Harts[i].Offline {
			return true
		}
	}
	return false
}

// asymmetric reports whether hart numbers mean something in this
// configuration, so that symmetry reduction must be off: a hart still to
// come online sets its own bit, or the patcher reads a word whose bits
// may name some harts and not others. With every hart online from the
// start and nobody else writing the mask, the mask holds every hart's bit
// whatever is renumbered, and the reduction stays sound.
func (c *Config) asymmetric() bool {
	if offlineLeft(c.Initial) {
		return true
	}
	mask := span{c.MaskAddr, uint64(c.MaskSize)}
	for _, op := range c.Patch {
		switch {
		case op.Kind == PatchLoad && (c.MaskSize == 0 || op.Addr != c.MaskAddr || c.HartsStore):
			return true
		case op.Kind == PatchStore && c.MaskSize != 0 && mask.overlaps(span{op.Addr, uint64(op.Size)}):
			return true
		}
	}
	return false
}

// checkHotplug validates what hotplug and mask reads need.
func (c *Config) checkHotplug() error {
	n := len(c.Initial.Harts)
	offline := offlineLeft(c.Initial)
	if offline && c.MaskSize == 0 {
		return fmt.Errorf("model: a hart starts offline but no cpu_online_mask is configured (Config.MaskAddr/MaskSize)")
	}
	if c.MaskSize != 0 {
		if c.MaskSize != 1 && c.MaskSize != 2 && c.MaskSize != 4 && c.MaskSize != 8 || c.MaskAddr%uint64(c.MaskSize) != 0 {
			return fmt.Errorf("model: cpu_online_mask at %#x must be an aligned 1, 2, 4 or 8 byte word (size %d)", c.MaskAddr, c.MaskSize)
		}
		if n+1 > 8*c.MaskSize {
			return fmt.Errorf("model: %d harts and the patcher need %d bits of cpu_online_mask, it has %d", n, n+1, 8*c.MaskSize)
		}
		if _, ok := c.Initial.Mem.(AtomicMemory); !ok {
			return fmt.Errorf("model: memory model %s has no atomic read-modify-write (model.AtomicMemory) for set_cpu_online", c.Initial.Mem.Name())
		}
	}
	toMask := false
	for i, op := range c.Patch {
		switch {
		case offline && (op.Kind == PatchStopMachine || op.Kind == PatchWaitParked):
			// stop_machine() holds cpus_read_lock(): no CPU comes online
			// while it runs, which the machine does not model.
			return fmt.Errorf("model: patcher step %d is stop_machine, which excludes CPU hotplug (cpus_read_lock); a configuration with offline harts cannot use it", i+1)
		case op.Kind == PatchLoad:
			toMask = true
			if op.Size != 1 && op.Size != 2 && op.Size != 4 && op.Size != 8 {
				return fmt.Errorf("model: patcher step %d loads %d bytes", i+1, op.Size)
			}
		case op.Kind == PatchSendIPI && op.ToMask && !toMask:
			return fmt.Errorf("model: patcher step %d sends an IPI to the mask before any step loads it", i+1)
		}
	}
	return nil
}

// maskTargets names the harts an IPI to the mask just read goes to, for
// traces.
func (s *System) maskTargets(m *Machine) string {
	var hs []string
	for i := range m.Harts {
		if m.Patcher.Mask&OnlineMaskBit(i) != 0 && !m.Harts[i].Offline {
			hs = append(hs, fmt.Sprintf("hart%d", i))
		}
	}
	if len(hs) == 0 {
		return fmt.Sprintf("no hart (mask read %#x)", m.Patcher.Mask)
	}
	return fmt.Sprintf("%s (mask read %#x)", strings.Join(hs, ", "), m.Patcher.Mask)
}
