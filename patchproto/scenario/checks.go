package scenario

import (
	"slices"
	"strings"

	"github.com/ftcheck/ftcheck/checks"
)

// Checks are the checks a [check NAME] section may name.
var Checks = []struct{ Name, Doc string }{
	{"torn-pair", checks.TornPairDoc},
	{"bad-fetch", checks.BadFetchDoc},
	{"lost-return", checks.LostReturnDoc},
	{"stale-dest", checks.StaleDestDoc},
	{"pair-mismatch", checks.PairMismatchDoc},
	{"stale-fetch", checks.StaleFetchDoc},
	{"deadlock", checks.DeadlockDoc},
	{"use-after-clear", checks.UseAfterClearDoc},
}

// plannedChecks are named in the design but not implemented: a scenario
// asking for one is refused rather than silently unchecked.
var plannedChecks []string

// checkSection reads [check NAME]; torn-pair takes intend lines:
//
//	intend SITE[, SITE...] -> TARGET[, TARGET...]
//
// every SITE is an indirect jump the code means to reach only the
// TARGETs (in some version of the text).
func (b *builder) checkSection(s *section, intent *checks.Intent) *Error {
	name, at := s.arg, s.head.pos(s.argAt)
	switch {
	case name == "":
		return errorf(at, "expected a check name: [check torn-pair]")
	case name == "torn-pair":
	case name == "bad-fetch" || name == "lost-return" || name == "stale-fetch":
		return b.controlCheck(s)
	case name == "deadlock":
		return b.deadlockCheck(s)
	case name == "stale-dest" || name == "pair-mismatch":
		return b.tracerSection(s)
	case name == "use-after-clear":
		return b.useAfterClearSection(s)
	case slices.Contains(plannedChecks, name):
		return errorf(at, "check %s is not implemented yet (implemented: torn-pair)", name)
	default:
		return errorf(at, "unknown check %q (implemented: torn-pair; planned: %s)", name, strings.Join(plannedChecks, ", "))
	}
	for _, l := range s.lines {
		_, off := l.trimmed()
		c, err := lineCursor(l, off)
		if err != nil {
			return err
		}
		if err := c.expect("intend"); err != nil {
			return err
		}
		from, err := b.addrList(c)
		if err != nil {
			return err
		}
		if err := c.expect("->"); err != nil {
			return err
		}
		to, err := b.addrList(c)
		if err != nil {
			return err
		}
		if err := c.end(); err != nil {
			return err
		}
		for _, f := range from {
			for _, t := range to {
				if !slices.Contains(intent.Targets[f], t) {
					intent.Targets[f] = append(intent.Targets[f], t)
				}
			}
		}
	}
	return nil
}

func (b *builder) addrList(c *cursor) ([]uint64, *Error) {
	var out []uint64
	for {
		x, err := parseExpr(c)
		if err != nil {
			return nil, err
		}
		as, err := b.addrs(x)
		if err != nil {
			return nil, err
		}
		out = append(out, as...)
		if !c.accept(",") {
			return out, nil
		}
	}
}
