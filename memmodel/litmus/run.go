package litmus

import (
	"fmt"
	"sort"
	"strings"
	"time"

	ax "github.com/ftcheck/ftcheck/memmodel/axiomatic"
)

// Options configure Run.
type Options struct {
	// Model is "sc", "tso", "rvwmo" or "armv8"; "" picks the test's
	// architecture default (RISCV: rvwmo, AArch64: armv8, X86: tso).
	Model string
	// Timeout bounds one test; zero means no bound.
	Timeout time.Duration
	// States collects the distinct final states of the places herd
	// observes (Result.States), for herd's output format.
	States bool
}

// Verdict is herd's Ok/No: whether the final condition, as written, is
// validated.
type Verdict uint8

const (
	No Verdict = iota
	Ok
)

func (v Verdict) String() string {
	if v == Ok {
		return "Ok"
	}
	return "No"
}

// Kind classifies the condition's proposition by outcome, as herd's
// kinds files do: Required if it holds in every final state, Allowed if
// in some, Forbidden if in none.
type Kind uint8

const (
	Forbidden Kind = iota
	Allowed
	Required
)

func (k Kind) String() string { return [...]string{"Forbidden", "Allowed", "Required"}[k] }

// Result is the outcome of checking one test.
type Result struct {
	Test       string
	Model      string
	Verdict    Verdict
	Reachable  bool // some consistent execution satisfies the proposition
	Kind       Kind
	Executions int // candidate executions checked against the model
	Consistent int // of which the model allows
	Positive   int // consistent executions satisfying the proposition
	Duration   time.Duration
	// Unsupported is non-empty when the test is outside what the checker
	// models; Verdict and Kind are then meaningless.
	Unsupported string
	TimedOut    bool
	// States are the distinct final states as herd prints them
	// (`0:X0=1; [x]=2;`), in herd's order, when Options.States is set.
	States []string
}

// catAliases maps herd7's cat files to the models that transcribe them
// (docs/litmus.md), so that a herd user's model name works unchanged.
var catAliases = map[string]string{
	"sc.cat":      "sc",
	"x86tso.cat":  "tso",
	"riscv.cat":   "rvwmo",
	"aarch64.cat": "armv8",
}

// ModelNames lists the model names ResolveModel accepts: ftcheck's own,
// then herd's cat file names.
func ModelNames() (models, catFiles []string) {
	models = ax.Names()
	for c := range catAliases {
		catFiles = append(catFiles, c)
	}
	sort.Strings(catFiles)
	return models, catFiles
}

// ResolveModel turns a model name or herd cat file name into the model's
// name. "" stays "" (each test's own model).
func ResolveModel(name string) (string, error) {
	if name == "" {
		return "", nil
	}
	if m, ok := catAliases[strings.ToLower(name)]; ok {
		return m, nil
	}
	if _, ok := ax.ByName(name); ok {
		return name, nil
	}
	models, cats := ModelNames()
	return "", fmt.Errorf("unknown model %q: want %s, or herd's %s", name,
		strings.Join(models, ", "), strings.Join(cats, ", "))
}

// DefaultModel returns the model Run uses for an architecture.
func DefaultModel(arch string) string {
	if f, ok := frontEnds[strings.ToUpper(arch)]; ok {
		return f.defaultModel()
	}
	return ""
}

// Run decides the final condition of t under a memory model by
// enumerating candidate executions and keeping the consistent ones.
func Run(t *Test, opts Options) (res Result) {
	start := time.Now()
	res = Result{Test: t.Name, Model: opts.Model}
	if m, err := ResolveModel(opts.Model); err == nil {
		res.Model = m
	}
	if res.Model == "" {
		res.Model = DefaultModel(t.Arch)
		if t.IFetch {
			res.Model = "armv8-ifetch"
		}
	}
	defer func() { res.Duration = time.Since(start) }()
	if t.Unsupported != "" {
		res.Unsupported = t.Unsupported
		return res
	}
	model, ok := ax.ByName(res.Model)
	if !ok {
		res.Unsupported = "unknown model " + res.Model
		return res
	}
	if ct, ok := model.(interface {
		WithCacheType(dic, idc bool) ax.Model
	}); ok {
		model = ct.WithCacheType(t.CacheDIC, t.CacheIDC)
	}
	var deadline time.Time
	if opts.Timeout > 0 {
		deadline = start.Add(opts.Timeout)
	}
	calls := 0
	stop := func() bool {
		if deadline.IsZero() {
			return false
		}
		calls++
		if calls%64 != 0 {
			return res.TimedOut
		}
		if time.Now().After(deadline) {
			res.TimedOut = true
		}
		return res.TimedOut
	}
	e := &enumeration{t: t, model: model, stop: stop, res: &res}
	if opts.States {
		e.states = map[string][]string{}
	}
	if why := e.run(); why != "" {
		res.Unsupported = why
		return res
	}
	res.States = sortStates(e.states)
	res.judge(t.Cond.Quant)
	return res
}

// judge sets Reachable, Kind and Verdict from the counts of consistent
// executions and of those satisfying the condition's proposition.
func (res *Result) judge(q Quantifier) {
	res.Reachable = res.Positive > 0
	switch {
	case res.Positive == 0:
		res.Kind = Forbidden
	case res.Positive == res.Consistent:
		res.Kind = Required
	default:
		res.Kind = Allowed
	}
	switch q {
	case Exists:
		res.Verdict = verdict(res.Positive > 0)
	case NotExists:
		res.Verdict = verdict(res.Positive == 0)
	case Forall:
		res.Verdict = verdict(res.Positive == res.Consistent)
	}
}

func verdict(ok bool) Verdict {
	if ok {
		return Ok
	}
	return No
}
