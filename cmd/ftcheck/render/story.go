package render

import (
	"fmt"

	"github.com/ftcheck/ftcheck/model"
)

// kind is what a step does, for styling and for finding edges.
type kind string

const (
	kindExec        kind = "exec"
	kindFault       kind = "fault"
	kindIPITake     kind = "ipi"
	kindPreempt     kind = "preempt"
	kindResume      kind = "resume"
	kindPark        kind = "park"
	kindUnpark      kind = "unpark"
	kindStore       kind = "store"
	kindFence       kind = "fence"
	kindSyncFetch   kind = "fence-i"
	kindIPISend     kind = "ipi-send"
	kindIPIWait     kind = "ipi-wait"
	kindStopRequest kind = "stop"
	kindStopWait    kind = "stop-wait"
	kindRelease     kind = "release"
	kindPatch       kind = "patch" // a patcher step of unknown kind (no Input.Patch)
	kindMemory      kind = "memory"
	kindInterrupt   kind = "interrupt" // a hart enters an interrupt or NMI handler
	kindOnline      kind = "online"    // an offline CPU comes online (hotplug)
	kindLoad        kind = "load"      // the patcher reads cpu_online_mask
	kindWait        kind = "wait"      // the patcher spins until a location holds a value
	kindAtomic      kind = "atomic"    // the patcher's locked read-modify-write (cmpxchg, atomic clear)
	kindCacheMaint  kind = "cache"     // the patcher's cache maintenance (DC CVAU, IC IVAU, DSB ISH)
	kindPromise     kind = "promise"   // a CPU or the patcher promises a store (rvwmo, armv8)
)

// lane is one column: a hart, the patcher, or the memory model's own steps.
type lane struct {
	Name  string
	Index int
}

// step is one event with what the renderers show of it.
type step struct {
	N         int // 1-based, as in the text report
	Lane      int
	Actor     string
	Kind      kind
	Where     string // "f+4 (0x1104)", empty for steps without a PC
	Symbol    string // "f+4"
	Word      string // "280282e7"
	Version   string // "v1 of v0..v1", "v0 (boot)"
	VersionN  int    // the newest version among the step's fetches
	Patched   bool   // a fetched word had more than its boot version
	Stale     bool   // a fetch returned a version older than the newest
	Insn      string // disassembly
	Effect    string // registers written, jump target; or the step's text
	Why       string // the kernel function a patcher step belongs to
	Violation *model.Violation
	In, Out   []edge // cross-CPU edges ending / starting here
}

// edge is a cross-CPU "happens before" that explains a step.
type edge struct {
	From, To int    // 1-based step numbers
	Kind     string // "version", "ipi", "park", "unpark"
	Label    string // "v1 of f+4", "IPI ftrace_sync_ipi"
}

// story is the trace read once for all renderers.
type story struct {
	Lanes []lane
	Steps []*step
	Edges []edge
}

func (in *Input) story() *story {
	trace := in.Result.Trace
	s := &story{}
	memory := false
	for _, e := range trace {
		memory = memory || e.Label.Action == model.ActMemory
	}
	for h := 0; h < in.Harts; h++ {
		s.Lanes = append(s.Lanes, lane{Name: fmt.Sprintf("hart%d", h), Index: h})
	}
	s.Lanes = append(s.Lanes, lane{Name: "patcher", Index: in.Harts})
	if memory {
		s.Lanes = append(s.Lanes, lane{Name: "memory", Index: in.Harts + 1})
	}
	patchPC := 0
	for i, e := range trace {
		st := in.readStep(i, e)
		if e.Label.Action == model.ActPatch {
			st.Kind = kindPatch
			if patchPC < len(in.Patch) {
				st.Kind = patchKind(in.Patch[patchPC].Kind)
			}
			patchPC++
		}
		s.Steps = append(s.Steps, st)
	}
	s.Edges = in.edges(s.Steps)
	for _, ed := range s.Edges {
		s.Steps[ed.From-1].Out = append(s.Steps[ed.From-1].Out, ed)
		s.Steps[ed.To-1].In = append(s.Steps[ed.To-1].In, ed)
	}
	return s
}

// readStep renders one event's fields the way the text report does.
func (in *Input) readStep(i int, e model.Event) *step {
	st := &step{N: i + 1, Lane: e.Label.Actor, Actor: e.Actor, Why: e.Why, Violation: e.Violation}
	if st.Lane < 0 || st.Lane > in.Harts+1 {
		st.Lane = in.Harts // a malformed label: show it with the patcher rather than lose it
	}
	if e.HasPC || e.Exec != nil || e.Label.Actor < in.Harts {
		st.Symbol = in.Symbols.Name(e.PC)
		st.Where = fmt.Sprintf("%s (%#x)", st.Symbol, e.PC)
	}
	st.Kind = hartKind(e.Label.Action)
	if x := e.Exec; x != nil {
		if x.Word != 0 || x.Disasm != "" {
			st.Word = fmt.Sprintf("%08x", x.Word)
		}
		st.Insn = x.Disasm
		if x.Fault != "" {
			st.Kind = kindFault
		}
	}
	for _, f := range e.Fetches {
		if f.Versions > 1 {
			st.Version = fmt.Sprintf("v%d of v0..v%d", f.Version, f.Versions-1)
		} else {
			st.Version = "v0 (boot)"
		}
		st.VersionN = max(st.VersionN, f.Version)
		st.Patched = st.Patched || f.Versions > 1
		st.Stale = st.Stale || f.Stale
	}
	st.Effect = e.Describe()
	return st
}

func hartKind(a model.Action) kind {
	switch a {
	case model.ActExec:
		return kindExec
	case model.ActIPI:
		return kindIPITake
	case model.ActPreempt:
		return kindPreempt
	case model.ActResume:
		return kindResume
	case model.ActPark:
		return kindPark
	case model.ActUnpark:
		return kindUnpark
	case model.ActMemory:
		return kindMemory
	case model.ActInterrupt:
		return kindInterrupt
	case model.ActOnline:
		return kindOnline
	case model.ActPromise:
		return kindPromise
	}
	return kindPatch
}

func patchKind(k model.PatchKind) kind {
	switch k {
	case model.PatchStore:
		return kindStore
	case model.PatchFence:
		return kindFence
	case model.PatchSyncFetch:
		return kindSyncFetch
	case model.PatchSendIPI:
		return kindIPISend
	case model.PatchWaitIPI:
		return kindIPIWait
	case model.PatchStopMachine:
		return kindStopRequest
	case model.PatchWaitParked:
		return kindStopWait
	case model.PatchRelease:
		return kindRelease
	case model.PatchLoad:
		return kindLoad
	case model.PatchWaitValue:
		return kindWait
	case model.PatchCmpxchg, model.PatchAtomicClear:
		return kindAtomic
	case model.PatchCleanDcache, model.PatchInvalIcache, model.PatchDSB:
		return kindCacheMaint
	}
	return kindPatch
}
