package scenario

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// lateOld flags a hart that reads the old tracer (a1 = 0x3000) with the
// load at `task` once the patcher has finished: the update returned, so
// every CPU should see the new one.
type lateOld struct{ at uint64 }

func (lateOld) Name() string { return "late-old" }
func (c lateOld) Inspect(t *model.Transition) *model.Violation {
	h := t.Label.Actor
	if t.Label.Action != model.ActExec || h >= len(t.Before.Harts) || t.Before.Harts[h].PC != c.at ||
		!t.Sys.PatcherDone(t.Before) || t.After.Harts[h].Regs[11] != 0x3000 {
		return nil
	}
	return &model.Violation{Check: c.Name(), Message: fmt.Sprintf("hart%d read the old tracer after the update returned", h)}
}

// rTen is Robbin Ehn's question reduced to its shape: the patcher
// stores the tracer, fences, reads cpu_online_mask and sends the sync IPI
// to the harts it read; hotplug harts come online meanwhile and load the
// tracer.
func rTen(harts, hotplug int, fence, online, via string) string {
	hot := ""
	if hotplug >= 0 {
		hot = fmt.Sprintf("hotplug %d mask: %s", hotplug, online)
	}
	send := "load mask = mask\nipi mask sync"
	if hotplug < 0 {
		send = "ipi others sync"
	}
	return fmt.Sprintf(`RISCV r10
harts %d
handler sync via %s: fence r,r
%s
[text 0x1000]
task:   ld a1, 0(gp)
        ebreak
[data 0x8000]
dest:   .dword 0x3000
mask:   .dword 0
[init]
pc = task
gp = 0x8000
[patcher]
store64 dest = 0x3400     [update]
%s                        [update]
%s
wait ipi sync             [update]
[check torn-pair]
intend task -> task
`, harts, via, hot, fence, send)
}

func exploreWith(t *testing.T, src, memory string, extra model.Check) (model.Result, *model.System) {
	t.Helper()
	f, err := Parse("r10.scenario", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Build(Settings{Memory: memory})
	if err != nil {
		t.Fatal(err)
	}
	cfg := b.Config
	cfg.Checks = append(cfg.Checks, extra)
	s, err := model.NewSystem(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return model.Explore(context.Background(), s, model.Options{}), s
}

// The IPI carries ordering by csd, none by sbi; a CPU coming online is
// interrupted only if the patcher's plain read of the mask saw it. These
// are the verdicts the memory models' rules imply (see the comments).
func TestIPIOrderingAndHotplug(t *testing.T) {
	for _, c := range []struct {
		name               string
		harts, hotplug     int
		fence, online, via string
		memory             string
		violated           bool
	}{
		// Every CPU online: the csd orders the store before the handler
		// and the sender's wait after it; an SBI IPI orders nothing.
		{"csd tso", 2, -1, "fence w,w", "", "csd", "tso", false},
		{"csd rvwmo", 2, -1, "fence w,w", "", "csd", "rvwmo", false},
		{"sbi tso", 2, -1, "fence w,w", "", "sbi", "tso", true},
		{"sbi rvwmo", 2, -1, "fence w,w", "", "sbi", "rvwmo", true},
		{"sbi sc", 2, -1, "fence w,w", "", "sbi", "sc", false},
		// the mask load passes the store under smp_wmb().
		{"r10 wmb sc", 1, 1, "fence w,w", "fence rw,rw; fence.i", "csd", "sc", false},
		{"r10 wmb tso", 1, 1, "fence w,w", "fence rw,rw; fence.i", "csd", "tso", true},
		{"r10 wmb rvwmo", 1, 1, "fence w,w", "fence rw,rw; fence.i", "csd", "rvwmo", true},
		{"r10 mb tso", 1, 1, "fence rw,rw", "fence rw,rw; fence.i", "csd", "tso", false},
		{"r10 mb rvwmo", 1, 1, "fence rw,rw", "fence rw,rw; fence.i", "csd", "rvwmo", false},
		// Store buffering needs a barrier on both sides: an online CPU
		// whose set_bit orders nothing later can still read the old value
		// under RVWMO; x86's locked RMW is a full barrier by itself.
		{"r10 mb plain-online rvwmo", 1, 1, "fence rw,rw", "fence.i", "csd", "rvwmo", true},
		{"r10 mb plain-online tso", 1, 1, "fence rw,rw", "fence.i", "csd", "tso", false},
		// An online hart besides the new one: the csd to it drains the
		// store under TSO, but RVWMO's new hart may still read old.
		{"r10 wmb 2 harts tso", 2, 1, "fence w,w", "fence rw,rw; fence.i", "csd", "tso", false},
		{"r10 wmb 2 harts rvwmo", 2, 1, "fence w,w", "fence rw,rw; fence.i", "csd", "rvwmo", true},
		{"r10 mb 2 harts rvwmo", 2, 1, "fence rw,rw", "fence rw,rw; fence.i", "csd", "rvwmo", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, _ := exploreWith(t, rTen(c.harts, c.hotplug, c.fence, c.online, c.via), c.memory, lateOld{at: 0x1000})
			if r.Outcome == model.Incomplete {
				t.Fatalf("incomplete: %s", r.Why)
			}
			if got := r.Outcome == model.Violated; got != c.violated {
				t.Fatalf("violated = %v, want %v (%v, %d states)", got, c.violated, r.Violation, r.Stats.States)
			}
			if c.violated && r.Violation.Check != "late-old" {
				t.Fatalf("violation of %s: %s", r.Violation.Check, r.Violation.Message)
			}
		})
	}
}

// The hotplug declaration sets up the machine: the last harts offline,
// the mask's initial value (online harts and the patcher), the online
// actions; a handler's delivery is parsed.
func TestHotplugDeclaration(t *testing.T) {
	f, err := Parse("r10.scenario", []byte(rTen(3, 2, "fence w,w", "fence rw,rw; fence.i", "sbi")))
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Build(Settings{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := b.Config
	for i, h := range cfg.Initial.Harts {
		if h.Offline != (i >= 1) {
			t.Errorf("hart%d offline %v", i, h.Offline)
		}
	}
	if got := cfg.Initial.Mem.Load(3, cfg.MaskAddr, 8, 0); got != 0b1001 {
		t.Errorf("initial mask %#x, want hart0 and the patcher (bit 3): 0x9", got)
	}
	if cfg.MaskAddr != 0x8008 || cfg.MaskSize != 8 || !cfg.Online.SyncFetch || cfg.Online.Fence == nil {
		t.Errorf("mask %#x/%d online %v", cfg.MaskAddr, cfg.MaskSize, cfg.Online)
	}
	if cfg.Handlers[0].Via != model.ViaSBI || !strings.Contains(cfg.Handlers[0].String(), "(via sbi)") {
		t.Errorf("handler %v", cfg.Handlers[0])
	}
	// More harts than the mask has bits for the patcher and them.
	small := strings.Replace(rTen(2, 1, "fence w,w", "fence.i", "csd"), "mask:   .dword 0", "mask:   .byte 0\n.byte 0", 1)
	if f, err := Parse("r10.scenario", []byte(small)); err != nil {
		t.Fatal(err)
	} else if _, err := f.Build(Settings{Harts: 8}); err == nil || !strings.Contains(err.Error(), "cpu_online_mask needs 9 bits") {
		t.Errorf("8 harts in a byte mask: %v", err)
	}
	nonzero := strings.Replace(rTen(2, 1, "fence w,w", "fence.i", "csd"), "mask:   .dword 0", "mask:   .dword 1", 1)
	if f, err := Parse("r10.scenario", []byte(nonzero)); err != nil {
		t.Fatal(err)
	} else if _, err := f.Build(Settings{}); err == nil || !strings.HasPrefix(err.Error(), "r10.scenario:10:16: cpu_online_mask's initial value comes from the hotplug declaration") {
		t.Errorf("non-zero mask: %v", err)
	}
}

// A hart that comes online is a step of its own, shown in traces; an
// offline hart neither runs nor takes IPIs, and `wait ipi` waits only for
// the harts the mask named.
func TestHotplugTrace(t *testing.T) {
	r, _ := exploreWith(t, rTen(1, 1, "fence w,w", "fence rw,rw; fence.i", "csd"), "tso", lateOld{at: 0x1000})
	if r.Outcome != model.Violated {
		t.Fatalf("%v", r.Outcome)
	}
	var text []string
	for _, e := range r.Trace {
		text = append(text, e.Actor+": "+e.Describe())
	}
	all := strings.Join(text, "\n")
	for _, want := range []string{
		"patcher: load64 [mask] -> 0x2",
		"hart0: come online: set_cpu_online (amoor [mask] |= 0x1); fence rw,rw; local fence.i",
		"send IPI sync: fence r,r to no hart (mask read 0x2)",
		"every hart took IPI sync",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("trace lacks %q:\n%s", want, all)
		}
	}
}
