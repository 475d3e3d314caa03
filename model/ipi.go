package model

import (
	"fmt"
	"strings"
)

// IPI delivery and the memory ordering it carries.
//
// The kernel sends an IPI in one of two ways, and they order memory
// differently:
//
//   - csd (smp_call_function, on_each_cpu; kernel/smp.c): the sender
//     queues a call_single_data on the target's call_single_queue with
//     llist_add(), a fully ordered cmpxchg, and only then raises the IPI.
//     The target's flush_smp_call_function_queue() takes the queue with
//     llist_del_all(), a fully ordered xchg, before it runs the handler.
//     So the csd is a message: everything visible to the sender when it
//     queued the csd is visible to the handler and to what the target
//     does after it. When the handler returns, csd_unlock() is an
//     smp_store_release() that the sender's csd_lock_wait()
//     (smp_cond_load_acquire) reads: the sender, after `wait ipi`, sees
//     what the target saw and did before finishing the handler.
//   - sbi (sbi_remote_fence_i, arch/riscv/kernel/sbi.c): firmware writes
//     the target's CLINT/IMSIC MMIO and the target runs fence.i in M-mode.
//     No memory is shared with the target, so the IPI orders nothing: a
//     store still in the sender's store buffer can be overtaken by the
//     IPI unless a fence w,o precedes it (RISCV_FENCE(w, o) in
//     flush_icache_all, arch/riscv/mm/cacheflush.c, ca358692de41: R-16).
//     `wait ipi` only waits for the targets to have run the handler.

// Delivery is how an IPI reaches its targets.
type Delivery uint8

const (
	// ViaCSD: a call_single_data message (release on send by a fully
	// ordered llist_add, acquire on take; the completion is acquired by
	// the sender's wait).
	ViaCSD Delivery = iota
	// ViaSBI: a firmware IPI that carries no memory ordering.
	ViaSBI
)

func (d Delivery) String() string {
	switch d {
	case ViaCSD:
		return "csd"
	case ViaSBI:
		return "sbi"
	}
	return fmt.Sprintf("delivery(%d)", d)
}

// MessagePassing is implemented by memory models that can hand what one
// agent has seen to another: the csd IPI's orderings. A message sits on a
// channel of its receiving agent until the receiver acquires it; two
// messages on one channel merge (the receiver acquires the newer view).
// Renumbering agents (AgentPermuter) must carry the channels along.
type MessagePassing interface {
	// Send is a fully ordered message (llist_add's cmpxchg): a full
	// barrier on from (its buffered stores become visible, returned),
	// then a message carrying every store visible now.
	Send(from, to, ch int) []Commit
	// Release is a release message (csd_unlock's smp_store_release):
	// from's buffered stores become visible (returned), then a message
	// carrying what from has seen and done.
	Release(from, to, ch int) []Commit
	// Acquire takes the message on agent to's channel ch, if any: to's
	// later loads read at or after every store the message carries.
	Acquire(to, ch int)
}

// Channels of the csd messages: the IPI of handler i to its target, and
// the target's completion back to the sender.
func csdChannel(handler int) int     { return handler }
func csdDoneChannel(handler int) int { return 16 + handler }

// performSendIPI performs PatchSendIPI: the handler becomes pending on
// every online target (the harts read from the mask with ToMask), and a
// csd message goes to each of them.
func (s *System) performSendIPI(m *Machine, op PatchOp, _ *chooser, trace bool, ev *Event) {
	if trace {
		ev.Text = "send IPI " + s.Handlers[op.Handler].String()
		if op.ToMask {
			ev.Text += " to " + s.maskTargets(m)
		}
	}
	n := len(m.Harts)
	hd := s.Handlers[op.Handler]
	mp, _ := m.Mem.(MessagePassing)
	for i := range m.Harts {
		if h := m.Harts[i]; h.Offline || op.ToMask && m.Patcher.Mask&(1<<i) == 0 {
			continue
		}
		m.MutableHart(i).Pending |= 1 << op.Handler
		if hd.Via == ViaCSD && mp != nil {
			s.commit(m, mp.Send(n, i, csdChannel(op.Handler)))
		}
	}
	if op.ToSelf && hd.Fence != nil {
		s.commit(m, m.Mem.Fence(n, *hd.Fence))
	}
}

// takeIPI is the memory side of hart h taking handler i's IPI, around
// the handler's own fence: run is the handler.
func (s *System) takeIPI(m *Machine, h, i int, run func()) {
	hd := s.Handlers[i]
	mp, ok := m.Mem.(MessagePassing)
	if hd.Via != ViaCSD || !ok {
		run()
		return
	}
	// flush_smp_call_function_queue: llist_del_all is a fully ordered
	// xchg that reads the sender's csd.
	s.commit(m, m.Mem.Fence(h, FenceRWRW))
	mp.Acquire(h, csdChannel(i))
	run()
	// csd_unlock: smp_store_release, read by the sender's csd_lock_wait.
	s.commit(m, mp.Release(h, len(m.Harts), csdDoneChannel(i)))
}

// performWaitIPI is the memory side of the patcher's `wait ipi`:
// csd_lock_wait acquires every target's completion.
func (s *System) performWaitIPI(m *Machine, op PatchOp, _ *chooser, trace bool, ev *Event) {
	if trace {
		ev.Text = "every hart took IPI " + s.Handlers[op.Handler].Name
	}
	if s.Handlers[op.Handler].Via != ViaCSD {
		return
	}
	if mp, ok := m.Mem.(MessagePassing); ok {
		mp.Acquire(len(m.Harts), csdDoneChannel(op.Handler))
	}
}

// takeIsLocal reports whether hart h's take of handler i changes nothing
// another actor can observe through memory: the csd's full barrier
// commits no store. (The completion message waits on the patcher's
// channel until its wait, which every take enables.)
func (s *System) takeIsLocal(m *Machine, h, i int) bool {
	if _, ok := m.Mem.(MessagePassing); !ok || s.Handlers[i].Via != ViaCSD {
		return true
	}
	return m.Mem.FenceIsLocal(h, FenceRWRW)
}

// checkDelivery refuses csd handlers on a memory model that cannot carry
// their ordering: without it an IPI would order nothing, which is the
// sbi behaviour, not the kernel's csd.
func (c *Config) checkDelivery() error {
	if _, ok := c.Initial.Mem.(MessagePassing); ok {
		return nil
	}
	for _, hd := range c.Handlers {
		if hd.Via == ViaCSD {
			return fmt.Errorf("model: memory model %s cannot carry a csd IPI's ordering (model.MessagePassing); declare handler %s via sbi to send it without ordering", c.Initial.Mem.Name(), hd.Name)
		}
	}
	return nil
}

// FetchedStale reports whether the step fetched a text unit in a version
// older than the newest one written: after the patcher's final remote
// fence.i that is the stale fetch R-16 is about (checks.StaleFetch).
func (t *Transition) FetchedStale() bool { return t.fp.stale }

// ipiTaken: every hart has taken op's IPI (the patcher's wait ipi may
// return).
func (s *System) ipiTaken(m *Machine, op *PatchOp) bool { return len(ipiMissing(m, op)) == 0 }

// ipiWaitText is what a patcher stuck at wait ipi waits for.
func (s *System) ipiWaitText(m *Machine, op *PatchOp) string {
	return fmt.Sprintf("patcher waits for every CPU to run IPI %s; %s never took it", s.Handlers[op.Handler].Name, strings.Join(ipiMissing(m, op), ", "))
}

// ipiMissing names the harts that have not taken op's IPI yet.
func ipiMissing(m *Machine, op *PatchOp) []string {
	var out []string
	for h := range m.Harts {
		if m.Harts[h].Pending&(1<<op.Handler) != 0 {
			out = append(out, fmt.Sprintf("hart%d", h))
		}
	}
	return out
}

// stop_machine's memory ordering. multi_cpu_stop (kernel/stop_machine.c)
// moves every CPU through its states with ack_state(), whose
// atomic_dec_and_test() is a fully ordered atomic, and set_state()
// (smp_wmb(); WRITE_ONCE(msdata->state)), which each CPU polls before its
// next ack. So what the CPU running the callback stored before it acked
// MULTI_STOP_RUN is visible to every CPU once it leaves stop_machine, and
// what a CPU did before it parked is visible to the callback: the same
// message passing as a csd, on channels of their own.
const (
	stopParkedChannel  = 40 // a CPU's ack as it parks, to the patcher
	stopReleaseChannel = 41 // the release, to each parked CPU
)

// parkOrdering is hart h's ack as it parks: a fully ordered atomic whose
// effect the patcher's `wait parked` acquires.
func (s *System) parkOrdering(m *Machine, h int) {
	if mp, ok := m.Mem.(MessagePassing); ok {
		s.commit(m, mp.Send(h, len(m.Harts), stopParkedChannel))
	}
}

// waitParkedOrdering is the patcher's `wait parked` reading every CPU's
// ack.
func (s *System) waitParkedOrdering(m *Machine) {
	if mp, ok := m.Mem.(MessagePassing); ok {
		mp.Acquire(len(m.Harts), stopParkedChannel)
	}
}

// releaseOrdering is the patcher's last ack and the state change that
// lets the parked CPUs go: a message to each of them.
func (s *System) releaseOrdering(m *Machine) {
	mp, ok := m.Mem.(MessagePassing)
	if !ok {
		return
	}
	n := len(m.Harts)
	for i := range m.Harts {
		if m.Harts[i].Parked {
			s.commit(m, mp.Send(n, i, stopReleaseChannel))
		}
	}
}

// unparkOrdering is hart h seeing MULTI_STOP_EXIT and acking it: its
// later accesses are ordered after the release.
func (s *System) unparkOrdering(m *Machine, h int) {
	if mp, ok := m.Mem.(MessagePassing); ok {
		s.commit(m, m.Mem.Fence(h, FenceRWRW))
		mp.Acquire(h, stopReleaseChannel)
	}
}
