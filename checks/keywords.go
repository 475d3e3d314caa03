package checks

import "strings"

// The sections of the tracer checks (stale-dest, pair-mismatch) are
// keyword lines, each read by its keyword:
//
//	dest ftrace_call_dest
//	call ftrace_caller -> .Lcall_tracer

// keyword is one kind of line of such a section.
type keyword struct {
	name     string
	required bool
	many     bool // may be given on several lines (any)
	read     func(Line) error
}

// readKeywords reads every line of s by its keyword; syntax is the
// section's lines, for the error when a required one is missing.
func readKeywords(s Section, syntax string, kws []keyword) error {
	var names []string
	for _, k := range kws {
		names = append(names, k.name)
	}
	known := strings.Join(names, ", ")
	seen := map[string]bool{}
	for _, l := range s.Lines() {
		w, err := l.Word(known)
		if err != nil {
			return err
		}
		i := -1
		for j, k := range kws {
			if k.name == w.Text {
				i = j
			}
		}
		if i < 0 {
			return w.At.Errorf("[check %s] takes %s, not %q", s.Name(), known, w.Text)
		}
		if seen[w.Text] && !kws[i].many {
			return w.At.Errorf("%s given twice", w.Text)
		}
		seen[w.Text] = true
		if err := kws[i].read(l); err != nil {
			return err
		}
		if err := l.End(); err != nil {
			return err
		}
	}
	for _, k := range kws {
		if k.required && !seen[k.name] {
			return s.At().Errorf("[check %s] needs a %q line (%s)", s.Name(), k.name, syntax)
		}
	}
	return nil
}

// dataItem reads a label on a sized item of a [data] section: the
// tracer pointer, the op pointer.
func dataItem(l Line) (Symbol, error) {
	s, err := l.Symbol("a data label")
	switch {
	case err != nil:
		return s, err
	case !s.Defined:
		return s, s.At.Errorf("undefined symbol %s", s.Name)
	case !s.Data || s.Size == 0 || len(s.Addrs) != 1:
		return s, s.At.Errorf("%s is not a data item (a label on a .dword or .word in a [data] section)", s.Name)
	}
	return s, nil
}

// loc is where the data item s lives.
func loc(s Symbol) Loc { return Loc{Addr: s.Addrs[0], Size: s.Size} }
