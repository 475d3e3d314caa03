package memmodel

import "github.com/ftcheck/ftcheck/model"

// How a fence acts in the RVWMO model (see RVWMO's comment). The machine
// has no memory-mapped I/O: the only device access after a fence is an
// IPI the machine sends by itself, so successor sets O and I demand that
// earlier stores be visible before the fence completes.
type rvFence struct {
	drainAll bool // earlier stores must be visible now (W before R, O or I)
	ww       bool // earlier stores drain before later ones
	rr       bool // later loads read at or after earlier loads' views
	wr       bool // later loads read at or after earlier stores
	rw       bool // later stores fulfil promises after earlier loads' views
}

func rvFenceOf(k model.FenceKind) rvFence {
	if k.TSO { // fence.tso: rw,rw without w,r
		return rvFence{ww: true, rr: true, rw: true}
	}
	pR, pW := k.Pred&model.FenceR != 0, k.Pred&model.FenceW != 0
	sR, sW := k.Succ&model.FenceR != 0, k.Succ&model.FenceW != 0
	sDev := k.Succ&(model.FenceO|model.FenceI) != 0
	return rvFence{
		drainAll: pW && (sR || sDev),
		ww:       pW && sW,
		rr:       pR && sR,
		wr:       pW && sR,
		rw:       pR && sW,
	}
}

func (m *RVWMO) Fence(agent int, k model.FenceKind) []model.Commit {
	f := rvFenceOf(k)
	a := m.agent(agent)
	var cs []model.Commit
	if f.drainAll {
		for len(a.buf.entries) > 0 {
			cs = append(cs, m.drain(agent, 0))
		}
	}
	if f.ww {
		a.buf.fenceWW()
		a.vwNew = max(a.vwNew, a.vwOld)
	}
	if f.rw {
		a.vwNew = max(a.vwNew, a.vrOld)
	}
	if f.rr {
		a.vrNew = max(a.vrNew, a.vrOld)
	}
	if f.wr {
		a.vrNew = max(a.vrNew, a.vwOld)
	}
	m.trim()
	return cs
}

// FenceIsLocal: only a fence that makes buffered stores visible changes
// what others see; view changes and w,w marks affect this agent alone.
// (Without promises, fence r,w orders nothing more than in-order
// execution does; with them it keeps later stores from fulfilling a
// promise below an earlier load's view.)
func (m *RVWMO) FenceIsLocal(agent int, k model.FenceKind) bool {
	return !rvFenceOf(k).drainAll || len(m.peek(agent).buf.entries) == 0
}
