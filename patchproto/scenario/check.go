package scenario

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// maxCombinations bounds CheckAll: parameters multiply.
const maxCombinations = 256

// Combinations lists every assignment of values to the parameters, the
// defaults first; at most maxCombinations.
func (f *File) Combinations() []map[string]string {
	combos := []map[string]string{{}}
	for _, p := range f.Params {
		var next []map[string]string
		for _, c := range combos {
			for _, v := range p.Values {
				if len(next) == maxCombinations {
					break
				}
				m := map[string]string{p.Name: v.Name}
				for k, x := range c {
					m[k] = x
				}
				next = append(next, m)
			}
		}
		combos = next
	}
	return combos
}

// AllCombinations is how many assignments of values the parameters
// have, whether or not Combinations lists them all.
func (f *File) AllCombinations() int {
	n := 1
	for _, p := range f.Params {
		n *= max(len(p.Values), 1)
		if n > 1<<30 {
			return n // enough to say it is over the bound
		}
	}
	return n
}

// CheckAll builds the scenario for every combination of parameter
// values, so that every .if branch is assembled and checked. It returns
// each distinct problem once, with the parameters that show it.
func (f *File) CheckAll() (configs int, problems []error) {
	seen := map[string]bool{}
	for _, c := range f.Combinations() {
		configs++
		if _, err := f.Build(Settings{Params: c}); err != nil {
			key := err.Error()
			if seen[key] {
				continue
			}
			seen[key] = true
			var pe *Error
			if errors.As(err, &pe) && len(c) > 0 {
				pe = &Error{Pos: pe.Pos, Msg: pe.Msg + " (with " + describeParams(c) + ")"}
				err = pe
			}
			problems = append(problems, err)
		}
	}
	return configs, problems
}

func describeParams(c map[string]string) string {
	var ks []string
	for k := range c {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	var s []string
	for _, k := range ks {
		s = append(s, fmt.Sprintf("%s=%s", k, c[k]))
	}
	return strings.Join(s, " ")
}
