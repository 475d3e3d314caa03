package render

import (
	"fmt"

	"github.com/ftcheck/ftcheck/model"
)

// edges finds the cross-CPU edges of a trace: the store that created the
// version of a word a hart fetched, the IPI a hart took, the stop_machine
// request a CPU parked for and the release it left on.
func (in *Input) edges(steps []*step) []edge {
	trace := in.Result.Trace
	var out []edge
	text := newTextHistory(in.BootWord)
	lastSend := map[string]int{} // IPI handler text -> step of its latest send
	lastStop, lastRelease := 0, 0
	patchPC := 0
	for i, e := range trace {
		st := steps[i]
		switch st.Kind {
		case kindExec, kindFault:
			seen := map[int]bool{}
			for _, f := range e.Fetches {
				from := text.creator(f.Addr, f.Version)
				if from == 0 || seen[from] {
					continue
				}
				seen[from] = true
				out = append(out, edge{From: from, To: st.N, Kind: "version",
					Label: fmt.Sprintf("v%d of %s", f.Version, in.Symbols.Name(f.Addr))})
			}
		case kindIPITake:
			if from := lastSend[e.Text]; from > 0 {
				out = append(out, edge{From: from, To: st.N, Kind: "ipi", Label: "IPI " + handlerName(e.Text)})
			}
		case kindPark:
			if lastStop > 0 {
				out = append(out, edge{From: lastStop, To: st.N, Kind: "park", Label: "park"})
			}
		case kindUnpark:
			if lastRelease > 0 {
				out = append(out, edge{From: lastRelease, To: st.N, Kind: "unpark", Label: "release"})
			}
		case kindStopRequest:
			lastStop = st.N
		case kindRelease:
			lastRelease = st.N
		case kindIPISend:
			if h := in.Patch[patchPC].Handler; h >= 0 && h < len(in.Handlers) {
				// A hart takes it as "take IPI <handler>"; pending IPIs of
				// one handler coalesce, so a take answers the latest send.
				lastSend["take IPI "+in.Handlers[h].String()] = st.N
			}
		}
		if e.Store != nil {
			text.store(st.N, *e.Store)
		}
		if e.Label.Action == model.ActPatch {
			patchPC++
		}
	}
	return out
}

// handlerName is the handler's name from "take IPI name: fence ...".
func handlerName(take string) string {
	const p = "take IPI "
	if len(take) > len(p) && take[:len(p)] == p {
		take = take[len(p):]
	}
	for i, c := range take {
		if c == ':' {
			return take[:i]
		}
	}
	return take
}

// textHistory replays stores on the text to learn which step created each
// version of each word, the way the fetch model counts them: one new
// version per 4-byte word whose bytes change.
type textHistory struct {
	boot     func(uint64) (uint32, bool)
	current  map[uint64]uint32
	creators map[uint64][]int // word -> step that created v1, v2, ...
}

func newTextHistory(boot func(uint64) (uint32, bool)) *textHistory {
	return &textHistory{boot: boot, current: map[uint64]uint32{}, creators: map[uint64][]int{}}
}

func (t *textHistory) store(stepN int, c model.Commit) {
	if t.boot == nil || c.Size <= 0 {
		return
	}
	for w := c.Addr &^ 3; w < c.Addr+uint64(c.Size); w += 4 {
		old, ok := t.current[w]
		if !ok {
			if old, ok = t.boot(w); !ok {
				continue // data, not text
			}
		}
		neu := old
		for b := uint64(0); b < 4; b++ {
			a := w + b
			if a < c.Addr || a >= c.Addr+uint64(c.Size) {
				continue
			}
			v := uint32(c.Val>>(8*(a-c.Addr))) & 0xff // little-endian, as RISC-V
			neu = neu&^(0xff<<(8*b)) | v<<(8*b)
		}
		t.current[w] = neu
		if neu != old {
			t.creators[w] = append(t.creators[w], stepN)
		}
	}
}

// creator is the step that created version v of the word at addr, 0 for
// the boot text or a version this history did not see created.
func (t *textHistory) creator(addr uint64, v int) int {
	cs := t.creators[addr&^3]
	if v < 1 || v > len(cs) {
		return 0
	}
	return cs[v-1]
}
