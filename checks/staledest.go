package checks

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/ftcheck/ftcheck/model"
)

// StaleDestDef is stale-dest in the registry. Its section names the
// tracer pointer, the kernel function whose patcher steps update it, and
// where a traced call begins and reaches the tracer:
//
//	[check stale-dest]
//	dest ftrace_call_dest               # the tracer pointer (a data label)
//	update ftrace_update_ftrace_func    # each run of consecutive patcher steps annotated
//	                                    # [ftrace_update_ftrace_func: ...] is one update
//	call ftrace_caller -> .Lcall_tracer # a call begins at ftrace_caller and reaches the
//	                                    # tracer the jump at .Lcall_tracer goes to
//	register atomic                     # optional: no new-old inversion between calls
//	                                    # either (default: regular, what the kernel promises)
var StaleDestDef = &Def{
	Name:    "stale-dest",
	Doc:     "a traced call that begins after the tracer update returned still reaches an older tracer (update/call history not linearizable, decided by porcupine)",
	Subject: model.SubjectData,
	Syntax:  staleDestSyntax,
	Parse:   parseStaleDest,
}

const staleDestSyntax = "dest LABEL, update KERNEL_FUNCTION, call ENTRY -> JUMP[, register regular|atomic]"

func parseStaleDest(s Section) (Build, error) {
	var dest Symbol
	var update Word
	var entry, site uint64
	atomic := false
	err := readKeywords(s, staleDestSyntax, []keyword{
		{name: "dest", required: true, read: func(l Line) (err error) {
			dest, err = dataItem(l)
			return err
		}},
		{name: "update", required: true, read: func(l Line) (err error) {
			update, err = l.Word("the kernel function whose patcher steps are an update (as in their [annotation])")
			return err
		}},
		{name: "call", required: true, read: func(l Line) (err error) {
			if entry, err = l.Addr(); err != nil {
				return err
			}
			if err := l.Expect("->"); err != nil {
				return err
			}
			site, err = l.Addr()
			return err
		}},
		{name: "register", read: func(l Line) error {
			w, err := l.Word("regular or atomic")
			if err != nil {
				return err
			}
			switch w.Text {
			case "regular":
			case "atomic":
				atomic = true
			default:
				return w.At.Errorf("register %s: want regular (a call sees the old or the new tracer while an update runs) or atomic (and no new-old inversion between calls)", w.Text)
			}
			return nil
		}},
	})
	if err != nil {
		return nil, err
	}
	return func(sc Scenario) (Wiring, error) {
		initial, err := sc.InitialValue(dest)
		if err != nil {
			return Wiring{}, err
		}
		ups, err := updateSteps(sc.Patch(), update, loc(dest))
		if err != nil {
			return Wiring{}, err
		}
		return Wiring{Monitor: NewStaleDest(StaleDest{Dest: loc(dest).Addr, Initial: initial, Updates: ups,
			Entry: entry, Site: site, Symbols: sc.Symbols(), Atomic: atomic})}, nil
	}, nil
}

// updateSteps finds the updates: each maximal run of consecutive patcher
// steps annotated [fn: ...] (or [fn]) is one call of fn, which must
// store to the destination exactly once. Every store to the destination
// must be in an update; a program that stores it nowhere has no update
// (its calls must all reach the initial tracer). Errors are at fn.
func updateSteps(ops []model.PatchOp, fn Word, dest Loc) ([]UpdateSteps, error) {
	of := func(op model.PatchOp) bool { return op.Why == fn.Text || strings.HasPrefix(op.Why, fn.Text+":") }
	touches := func(op model.PatchOp) bool {
		return op.Kind == model.PatchStore && op.Addr < dest.Addr+uint64(dest.Size) && dest.Addr < op.Addr+uint64(op.Size)
	}
	for i, op := range ops {
		switch {
		case touches(op) && (op.Addr != dest.Addr || op.Size != dest.Size):
			return nil, fn.At.Errorf("patcher step %d stores %d bytes at %#x, part of the destination", i+1, op.Size, op.Addr)
		case touches(op) && !of(op):
			return nil, fn.At.Errorf("patcher step %d stores the destination outside any update: annotate it [%s: ...]", i+1, fn.Text)
		}
	}
	var ups []UpdateSteps
	for i := 0; i < len(ops); {
		if !of(ops[i]) {
			i++
			continue
		}
		j := i
		for j+1 < len(ops) && of(ops[j+1]) {
			j++
		}
		var writes []uint64
		for _, op := range ops[i : j+1] {
			if touches(op) {
				writes = append(writes, op.Val)
			}
		}
		if len(writes) != 1 {
			return nil, fn.At.Errorf("the call of %s at patcher steps %d-%d stores the destination %d times; an update stores it once", fn.Text, i+1, j+1, len(writes))
		}
		ups = append(ups, UpdateSteps{First: i, Last: j, Value: writes[0]})
		i = j + 1
	}
	return ups, nil
}

// UpdateSteps is one call of the tracer-update function in the patcher's
// program (ftrace_update_ftrace_func): it is invoked when the patcher
// performs step First and returns when it has performed step Last; it
// writes Value to the destination.
type UpdateSteps struct {
	First, Last int
	Value       uint64
}

// StaleDest is the stale-dest check. The tracer pointer
// (ftrace_call_dest) is treated as a register: every update(f) writes f,
// every traced call reads the tracer it reaches. The kernel promises
// that ftrace_update_ftrace_func(f) has taken effect when it returns
// (arch/riscv/kernel/ftrace.c: the smp_call_function(ftrace_sync_ipi)
// after WRITE_ONCE(ftrace_call_dest) is there so that every CPU sees the
// new tracer); so the history of updates and calls must be linearizable
// with respect to a register. A call that began after update(f) returned
// and still reached the tracer before f breaks that.
//
// It is a monitor: the history travels with the state (model.Monitor).
type StaleDest struct {
	Dest    uint64 // the tracer pointer (for messages)
	Initial uint64 // the tracer before any update
	Updates []UpdateSteps
	// A call begins when a hart executes the instruction at Entry
	// (ftrace_caller) and returns the target of the jump at Site
	// (ftrace_call's jalr): the tracer it reached.
	Entry, Site uint64
	Symbols     model.Symbols
	// Atomic asks for an atomic register (full linearizability: no
	// new-old inversion between calls); the default is a regular one,
	// which is what the kernel promises (see registerModel).
	Atomic bool

	verdicts *sync.Map // history key -> linearizable (bool), shared by all workers
}

// NewStaleDest makes the check, with its own verdict cache.
func NewStaleDest(c StaleDest) *StaleDest {
	c.verdicts = &sync.Map{}
	return &c
}

func (*StaleDest) Name() string { return StaleDestDef.Name }

// Subject is what the check judges, for coverage (model.Coverage).
func (*StaleDest) Subject() model.Subject { return StaleDestDef.Subject }

// NewRecord: no operation yet, no call open.
func (c *StaleDest) NewRecord(m *model.Machine) model.Record {
	r := &History{Initial: c.Initial, Atomic: c.Atomic, open: make([]int, len(m.Harts)), least: make([]int, len(m.Harts))}
	for i := range r.open {
		r.open[i] = -1
	}
	for _, u := range c.Updates {
		r.values = append(r.values, u.Value)
	}
	return r
}

// Observe records invocations and responses and judges the history each
// time a call returns (only a call's response can make a history
// non-linearizable: an update's response constrains nothing earlier).
func (c *StaleDest) Observe(t *model.Transition, rec model.Record) (bool, *model.Violation) {
	h := rec.(*History)
	h.clock++ // the step's number in the execution
	switch t.Label.Action {
	case model.ActPatch:
		pc := t.Before.Patcher.PC
		recorded := false
		for _, u := range c.Updates {
			if pc == u.First {
				h.invoke(Patcher, true, u.Value)
				recorded = true
			}
			if pc == u.Last {
				h.respond(h.openUpdate(u.Value), u.Value)
				recorded = true
			}
		}
		return recorded, nil
	case model.ActExec:
		x := t.Event.Exec
		if x == nil || x.Fault != "" {
			return false, nil
		}
		hart, pc := t.Label.Actor, t.Before.Harts[t.Label.Actor].PC
		recorded := false
		if pc == c.Entry {
			// A call still open here was abandoned (re-entered): it
			// stays pending, which constrains nothing.
			h.open[hart] = h.invoke(hart, false, 0)
			h.least[hart] = h.lo
			recorded = true
		}
		if pc == c.Site && x.Jump && h.open[hart] >= 0 {
			i := h.open[hart]
			h.open[hart] = -1
			h.respond(i, x.NextPC)
			summary := h.read(h.least[hart], x.NextPC)
			h.least[hart] = 0
			ok := c.linearizable(h)
			if ok != summary {
				// The state key is the summary: were it wrong, merging
				// states by it would be unsound. Never go on quietly.
				panic(fmt.Sprintf("stale-dest: porcupine says linearizable=%v but the register summary says %v for the history %+v", ok, summary, h.Ops))
			}
			if !ok {
				return true, c.violation(h, i)
			}
			return true, nil
		}
		return recorded, nil
	}
	return false, nil
}

// linearizable asks porcupine, once per distinct history.
func (c *StaleDest) linearizable(h *History) bool {
	key := string(h.orderKey())
	if v, ok := c.verdicts.Load(key); ok {
		return v.(bool)
	}
	ok := h.Linearizable()
	c.verdicts.Store(key, ok)
	return ok
}

func (c *StaleDest) violation(h *History, call int) *model.Violation {
	sym := c.Symbols.Name
	op := h.Ops[call]
	// The updates that had returned before the call began: the newest
	// of them is the least the call may see.
	var done []string
	for _, u := range h.Ops {
		if u.Update && u.Return != 0 && u.Return < op.Call {
			done = append(done, fmt.Sprintf("update(%s) returned at step %d", sym(u.Value), u.Return))
		}
	}
	msg := fmt.Sprintf("hart%d: a call that entered %s at step %d, after %s, reached %s through %s; no order of the updates and calls explains it (porcupine: the history is not linearizable)",
		op.Client, sym(c.Entry), op.Call, strings.Join(done, " and "), sym(op.Value), sym(c.Dest))
	if len(done) == 0 {
		msg = fmt.Sprintf("hart%d: a call that entered %s reached %s through %s, which no update before or during it wrote (porcupine: the history is not linearizable)",
			op.Client, sym(c.Entry), sym(op.Value), sym(c.Dest))
	}
	return &model.Violation{Check: c.Name(), Message: msg, Detail: &FailedHistory{History: h.Clone().(*History), Symbols: c.Symbols, Dest: c.Dest}}
}

// orderKey encodes the operations with their times replaced by their
// ranks: histories that order their events alike get one verdict.
func (h *History) orderKey() []byte {
	var ts []int
	for _, o := range h.Ops {
		ts = append(ts, o.Call, o.Return)
	}
	slices.Sort(ts)
	ts = slices.Compact(ts)
	rank := func(t int) int { i, _ := slices.BinarySearch(ts, t); return i }
	var b []byte
	for _, o := range h.Ops {
		o.Call, o.Return = rank(o.Call), rank(o.Return)
		b = appendOp(b, o)
	}
	return b
}

// Patcher is the client number of the patcher's operations.
const Patcher = -1

// HistOp is one operation of a history: an update by the patcher or a
// call by a hart. Call and Return are the numbers of the steps that
// invoked it and that it returned at (the trace's step numbers when the
// history is replayed from the initial state); Return is 0 while the
// operation is pending.
type HistOp struct {
	Client       int // hart number, or Patcher
	Update       bool
	Value        uint64 // update: the value written; call: the tracer reached
	Call, Return int
}

// History is the stale-dest monitor's record: the operations so far, in
// the order they were invoked (what porcupine judges and draws), and a
// summary of them that decides the same (the state key).
//
// The summary. The patcher is the only writer and its updates do not
// overlap, so the register's values form a sequence: values[0] is the
// initial tracer, values[k] what the k-th update writes. What the past
// can still do to the future is then only: how many updates were
// invoked (n), the least index the register may hold now (lo: the last
// update that returned, or, for an atomic register, a later one a
// returned call has read, which forced it to have taken effect), and for
// each open call the lo when it began (least: it may read any index from
// there up to n). A call that returns a value with no such index breaks
// linearizability; otherwise the least such index is the one it read
// (forcing the least). Observe checks on every response that porcupine
// and the summary agree.
type History struct {
	Initial uint64
	Atomic  bool // an atomic register, not a regular one (see registerModel)
	Ops     []HistOp
	clock   int   // steps observed
	open    []int // per hart: the index of its open call, or -1

	values []uint64 // the updates' values, in program order
	n, lo  int
	least  []int // per hart: lo when its open call began
}

func (h *History) invoke(client int, update bool, v uint64) int {
	h.Ops = append(h.Ops, HistOp{Client: client, Update: update, Value: v, Call: h.clock})
	if update {
		h.n++
	}
	return len(h.Ops) - 1
}

func (h *History) respond(i int, v uint64) {
	if i < 0 {
		return
	}
	h.Ops[i].Return, h.Ops[i].Value = h.clock, v
	if h.Ops[i].Update {
		h.lo = max(h.lo, h.n)
	}
}

// value is the register's value after k updates.
func (h *History) value(k int) uint64 {
	if k == 0 {
		return h.Initial
	}
	return h.values[k-1]
}

// read applies a call's response to the summary: the call, open since
// the register was at index least, read v.
func (h *History) read(least int, v uint64) bool {
	for k := least; k <= h.n && k <= len(h.values); k++ {
		if h.value(k) == v {
			if h.Atomic {
				h.lo = max(h.lo, k)
			}
			return true
		}
	}
	return false
}

// openUpdate finds the pending update writing v.
func (h *History) openUpdate(v uint64) int {
	for i := len(h.Ops) - 1; i >= 0; i-- {
		if o := h.Ops[i]; o.Update && o.Return == 0 && o.Value == v {
			return i
		}
	}
	return -1
}

func (h *History) Clone() model.Record {
	c := *h
	c.Ops = append([]HistOp(nil), h.Ops...)
	c.open = append([]int(nil), h.open...)
	c.least = append([]int(nil), h.least...)
	return &c
}

// AppendKey encodes the summary, not the operations: histories with
// equal summaries have the same linearizable extensions, so the search
// may merge their states (which keep the first history found, the
// shortest).
func (h *History) AppendKey(b []byte) []byte {
	b = binary.AppendUvarint(b, uint64(h.n))
	b = binary.AppendUvarint(b, uint64(h.lo))
	for i := range h.open {
		b = h.appendHart(i, b)
	}
	return b
}

func (h *History) appendHart(i int, b []byte) []byte {
	if h.open[i] < 0 {
		return append(b, 0)
	}
	return binary.AppendUvarint(append(b, 1), uint64(h.least[i]))
}

func appendOp(b []byte, o HistOp) []byte {
	b = binary.AppendVarint(b, int64(o.Client))
	b = append(b, boolByte(o.Update))
	b = binary.AppendUvarint(b, o.Value)
	b = binary.AppendUvarint(b, uint64(o.Call))
	return binary.AppendUvarint(b, uint64(o.Return))
}

// AppendHartKey: whether the hart has a call open, and since when.
func (h *History) AppendHartKey(hart int, b []byte) []byte {
	return h.appendHart(hart, b)
}

func (h *History) PermuteHarts(perm []int) {
	for i := range h.Ops {
		if c := h.Ops[i].Client; c != Patcher {
			h.Ops[i].Client = perm[c]
		}
	}
	open, least := append([]int(nil), h.open...), append([]int(nil), h.least...)
	for i := range open {
		h.open[perm[i]], h.least[perm[i]] = open[i], least[i]
	}
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}
