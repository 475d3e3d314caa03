// Package fix suggests the smallest edits of a scenario file that make
// its violated checks safe (ftcheck fix, issue 19; docs/fix.md).
//
// The candidates come from the architecture's vocabulary: a stronger
// barrier in place of a weaker one (smp_wmb -> smp_mb), and, at each
// boundary between two of the patcher's steps, an added fence, a local
// fetch barrier, an icache maintenance sequence (arm64), or an IPI sync.
// Each candidate is an edit of the file's text, read again and built
// with the same options, and proven by the same search as the input: a
// fix is a candidate under which every check the input violated is
// safe, no check the input proved fails, and the search is complete and
// not vacuous. Sets of one edit are searched first, then of two, up to
// MaxEdits.
package fix

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/patchproto"
)

// Config is what to fix and how to search.
type Config struct {
	Protocol *patchproto.Protocol
	// Options are the configuration explored (as ftcheck explore takes
	// them), for the input and every candidate.
	Options patchproto.Options
	// Checks, if set, keeps only these checks (--check).
	Checks []string
	// Over are the search's overrides (bounds, reductions); the same
	// for the input and every candidate. EveryCheck is set for the
	// input's run.
	Over patchproto.Overrides
	// MaxEdits bounds the size of a fix (default 2).
	MaxEdits int
	// Jobs is how many candidates are searched at once (default 1: on
	// a loaded machine two at once found R-10's fix later, docs/fix.md);
	// each search has Over.Engine.Workers workers.
	Jobs int
	// Progress, if set, is called after each candidate's search.
	Progress func(Progress)
	// Found, if set, is called with each fix as soon as it is proven.
	Found func(Fix)
	// All searches every candidate of the smallest size with a fix;
	// without it the search stops after the cheapest candidates that
	// hold a fix (Edit.Cost).
	All bool
}

// Progress is how far the search is.
type Progress struct {
	Size, Done, Total, Fixes int
	Elapsed                  time.Duration
}

// Result is the answer.
type Result struct {
	// Base is the input's run, deciding every check.
	Base        model.Result
	BaseOptions patchproto.Options
	// Violated are the checks the input violates.
	Violated []string
	// Fixes are the minimal fixes: each has Size edits.
	Fixes []Fix
	Size  int
	// Tried counts the candidates searched per size (Tried[0]: one
	// edit); Same counts those that built the same machine as another
	// candidate or as the input (not searched again); Dominated, fences
	// not tried where a weaker one at the same place is a fix; Invalid,
	// candidates the file's checks refused (a step the architecture
	// lacks, say).
	Tried                    []int
	Same, Dominated, Invalid int
	Undecided                int // searches a bound or the context stopped
	// Costlier counts the candidates of the fixes' size not searched
	// because a cheaper fix was found (Config.All searches them).
	Costlier          int
	Interrupted       bool
	Elapsed, FirstFix time.Duration
	MaxEdits          int
	Candidates        int // single edits in the vocabulary
}

// Fix is a proven fix.
type Fix struct {
	Edits []Edit `json:"edits"`
	Diff  string `json:"diff"`
	// Text is the edited file.
	Text []byte `json:"-"`
	// Verdicts are the checks' verdicts on the edited file; Stats the
	// proof's search.
	Verdicts []model.Verdict `json:"verdicts"`
	Stats    model.Stats     `json:"stats"`
	At       time.Duration   `json:"at"` // when it was proven, from the start
	order    int
}

// ErrNotViolated is returned (with a Result) when there is nothing to fix.
var ErrNotViolated = errors.New("no check is violated")

// Search finds the minimal fixes. The error is a bad input (the
// configuration does not build: a *scenario.Error for a file's line) or
// ErrNotViolated; a search stopped early says so in the Result.
func Search(ctx context.Context, cfg Config) (*Result, error) {
	start := time.Now()
	if cfg.MaxEdits == 0 {
		cfg.MaxEdits = 2
	}
	if cfg.Jobs < 1 {
		cfg.Jobs = 1
	}
	p := cfg.Protocol
	base, err := configure(p, cfg)
	if err != nil {
		return nil, err
	}
	res := &Result{BaseOptions: base.Options, MaxEdits: cfg.MaxEdits}
	over := cfg.Over
	over.EveryCheck = true
	_, res.Base = base.Run(ctx, over)
	for _, v := range res.Base.Verdicts {
		if v.Outcome == model.Violated {
			res.Violated = append(res.Violated, v.Check)
		}
	}
	if len(res.Violated) == 0 {
		res.Elapsed = time.Since(start)
		return res, ErrNotViolated
	}
	verdictOf := map[string]model.Outcome{}
	for _, v := range res.Base.Verdicts {
		verdictOf[v.Check] = v.Outcome
	}

	// The configuration's parameters decide which lines are read.
	params := map[string]string{}
	for k, v := range base.Options.Params {
		params[k] = v
	}
	if base.Options.Op != "" {
		params["op"] = base.Options.Op
	}
	if base.Options.Variant != "" {
		params["variant"] = base.Options.Variant
	}
	active, err := p.Scenario().ActiveLines(params)
	if err != nil {
		return nil, err
	}
	src := p.Source
	single := candidates(p.Scenario().Arch, splitSource(src, active))
	res.Candidates = len(single)
	baseKey := fingerprint(base)

	candOver := cfg.Over
	candOver.EveryCheck = false
	candOver.Engine.Progress = nil
	var mu sync.Mutex
	baseSum := sha256.Sum256([]byte(baseKey))
	seen := map[string]bool{string(baseSum[:]): true}
	for size := 1; size <= cfg.MaxEdits; size++ {
		sets := editSets(len(single), size)
		// A job is an edit set; it is built (read, configured, compared
		// with the machines already searched) when a worker takes it, so
		// that thousands of pairs cost no memory before their turn.
		type job struct {
			edits []Edit
			order int
		}
		var jobs []job
		for i, set := range sets {
			var es []Edit
			for _, k := range set {
				es = append(es, single[k])
			}
			if size > 1 && sameWhere(es) {
				continue
			}
			jobs = append(jobs, job{es, i})
		}
		// The cheapest first: a weaker barrier before a stronger, a
		// replacement before an insertion, an IPI last (Edit.Cost). A
		// fence at a place where a weaker one is a fix is no smaller
		// change, and is not tried; unless All, neither is any candidate
		// costlier than the cheapest fix.
		// Within a cost, the edits nearest before the patcher step the
		// input's counterexample had reached come first: only the order
		// in which fixes are found depends on it, not which are.
		frontier := 0
		for _, e := range res.Base.Trace {
			if e.Label.Action == model.ActPatch {
				frontier++
			}
		}
		slices.SortStableFunc(jobs, func(a, b job) int {
			if d := setCost(a.edits) - setCost(b.edits); d != 0 {
				return d
			}
			if d := inserts(a.edits) - inserts(b.edits); d != 0 {
				return d // a replacement before an insertion
			}
			return distance(a.edits, 2*frontier) - distance(b.edits, 2*frontier)
		})
		res.Tried = append(res.Tried, 0)
		var fixes []Fix
		done := 0
		for lo := 0; lo < len(jobs); {
			if len(fixes) > 0 && !cfg.All {
				res.Costlier = len(jobs) - lo
				break
			}
			hi := lo
			for hi < len(jobs) && setCost(jobs[hi].edits) == setCost(jobs[lo].edits) {
				hi++
			}
			level := jobs[lo:hi]
			lo = hi
			var wg sync.WaitGroup
			next := make(chan int)
			for w := 0; w < cfg.Jobs; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range next {
						j := level[i]
						if ctx.Err() != nil {
							continue
						}
						mu.Lock()
						dominated := dominatedBy(j.edits, fixes)
						if dominated {
							res.Dominated++
							done++
						}
						mu.Unlock()
						if dominated {
							continue
						}
						c, text, key, ok := build(p, src, j.edits, cfg)
						mu.Lock()
						switch {
						case !ok:
							res.Invalid++
						case seen[key]:
							res.Same++
						}
						skip := !ok || seen[key]
						seen[key] = true
						if skip {
							done++
						}
						mu.Unlock()
						if skip {
							continue
						}
						fx, outcome := prove(ctx, c, candOver, verdictOf)
						mu.Lock()
						done++
						res.Tried[size-1]++
						switch outcome {
						case proven:
							fx.Edits, fx.Text, fx.order = j.edits, text, j.order
							fx.Diff = unifiedDiff(displayPath(p), src, j.edits)
							fx.At = time.Since(start)
							if len(fixes) == 0 && res.FirstFix == 0 {
								res.FirstFix = fx.At
							}
							fixes = append(fixes, fx)
							if cfg.Found != nil {
								cfg.Found(fx)
							}
						case undecided:
							res.Undecided++
						}
						if cfg.Progress != nil {
							cfg.Progress(Progress{Size: size, Done: done, Total: len(jobs), Fixes: len(fixes), Elapsed: time.Since(start)})
						}
						mu.Unlock()
					}
				}()
			}
			for i := range level {
				next <- i
			}
			close(next)
			wg.Wait()
		}
		if ctx.Err() != nil {
			res.Interrupted = true
		}
		if len(fixes) > 0 {
			slices.SortFunc(fixes, func(a, b Fix) int { return a.order - b.order })
			res.Fixes, res.Size = fixes, size
			break
		}
		if res.Interrupted {
			break
		}
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// DisplayPath is the file the diffs name: a built-in's path in this
// repository, else the scenario's own.
func displayPath(p *patchproto.Protocol) string {
	path := p.Scenario().Path
	if strings.HasPrefix(path, "protocols/") {
		if q, err := patchproto.Lookup(p.Name); err == nil && q.Scenario().Path == path {
			return "patchproto/" + path
		}
	}
	return path
}

// build makes the edited file and its machine, and the machine's key;
// !ok: the edits do not apply, or the file they make is refused.
func build(p *patchproto.Protocol, src []byte, es []Edit, cfg Config) (c *patchproto.Configured, text []byte, key string, ok bool) {
	text, ok = apply(src, es)
	if !ok {
		return nil, nil, "", false
	}
	q, err := p.WithSource(text)
	if err != nil {
		return nil, nil, "", false
	}
	if c, err = configure(q, cfg); err != nil {
		return nil, nil, "", false
	}
	k := fingerprint(c)
	for _, e := range es {
		if e.code {
			k += "|" + string(text) // the harts' code changed: no two alike
			break
		}
	}
	sum := sha256.Sum256([]byte(k))
	return c, text, string(sum[:]), true
}

func configure(p *patchproto.Protocol, cfg Config) (*patchproto.Configured, error) {
	c, err := p.Configure(cfg.Options)
	if err != nil {
		return nil, err
	}
	if len(cfg.Checks) > 0 {
		if err := c.SelectChecks(cfg.Checks); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// fingerprint identifies the machine a patcher-only edit builds: its
// steps with their annotations (a check's update is a run of steps
// annotated with one function, so they are part of what is checked),
// its handlers and checks. Two candidates with one fingerprint are one
// search; an edit of the harts' code adds the text (Search).
func fingerprint(c *patchproto.Configured) string {
	cfg := c.System.Config
	var b strings.Builder
	fmt.Fprintf(&b, "%v|%v|%v|%v|%d|%v", cfg.Patch, cfg.Handlers, c.System.CheckNames(), cfg.Online, cfg.MaxPreempt, cfg.ParkExitSync)
	return b.String()
}

type outcome int

const (
	rejected outcome = iota
	proven
	undecided
)

// prove searches a candidate: one search with every check, stopped at
// the first violation of any (a fix violates none). A complete search
// without violation gives each check its verdict as model.ExploreChecks
// does (safe where it judged something of the patch, vacuous where it
// did not); the candidate is a fix if every check the input violated or
// proved is safe, and the search is not vacuous.
func prove(ctx context.Context, c *patchproto.Configured, over patchproto.Overrides, base map[string]model.Outcome) (Fix, outcome) {
	_, r := c.Run(ctx, over)
	switch r.Outcome {
	case model.Violated:
		return Fix{}, rejected
	case model.Safe:
	case model.Vacuous:
		return Fix{}, rejected
	default:
		return Fix{}, undecided
	}
	fx := Fix{Stats: r.Stats}
	for _, name := range c.System.CheckNames() {
		v := model.Verdict{Check: name, Outcome: model.Safe, Search: 1, States: r.Stats.States}
		if r.Coverage != nil {
			for _, cc := range r.Coverage.Checks {
				if cc.Name == name && !cc.Exercised {
					v.Outcome, v.Why = model.Vacuous, "never exercised: no CPU executed patched text or read patched data it judges"
				}
			}
		}
		if (base[name] == model.Violated || base[name] == model.Safe) && v.Outcome != model.Safe {
			return Fix{}, rejected
		}
		fx.Verdicts = append(fx.Verdicts, v)
	}
	return fx, proven
}

// editSets are the index sets of size n of k single edits, in order.
func editSets(k, n int) [][]int {
	var out [][]int
	var rec func(from int, cur []int)
	rec = func(from int, cur []int) {
		if len(cur) == n {
			out = append(out, slices.Clone(cur))
			return
		}
		for i := from; i < k; i++ {
			rec(i+1, append(cur, i))
		}
	}
	rec(0, nil)
	return out
}

// sameWhere: two replacements of one line are no edit set.
func sameWhere(es []Edit) bool {
	seen := map[string]bool{}
	for _, e := range es {
		if strings.HasPrefix(e.where, "R") {
			if seen[e.where] {
				return true
			}
			seen[e.where] = true
		}
	}
	return false
}

// distance is how far the edits are before the frontier (the
// patcher's step the counterexample had reached), the farthest edit's.
func distance(es []Edit, frontier int) int {
	d := 0
	for _, e := range es {
		switch {
		case e.pos < 0:
			d = max(d, 500)
		case e.pos < frontier:
			d = max(d, frontier-e.pos)
		default:
			d = max(d, 1000+e.pos-frontier)
		}
	}
	return d
}

// inserts counts the edits that add lines rather than replace one.
func inserts(es []Edit) int {
	n := 0
	for _, e := range es {
		if strings.HasPrefix(e.where, "I") {
			n++
		}
	}
	return n
}

// setCost is the cost of an edit set: its edits' costs added.
func setCost(es []Edit) int {
	w := 0
	for _, e := range es {
		w += e.Cost
	}
	return w
}

// dominatedBy: every edit of es is one of a proven fix's, or a fence at
// the same place as the fix's that orders at least as much.
func dominatedBy(es []Edit, fixes []Fix) bool {
	for _, f := range fixes {
		if len(f.Edits) != len(es) {
			continue
		}
		all := true
		for i, e := range es {
			g := f.Edits[i]
			if !(e.where == g.where && ((e.fence != 0 && g.fence != 0 && subset(g.fence, e.fence)) || e.What == g.What)) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}
