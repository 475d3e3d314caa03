package litmus

import (
	"fmt"
	"strconv"
	"strings"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// initItem is one `[type] lhs [= rhs]` entry of the initial state.
type initItem struct {
	lhs, rhs       string
	typ            string // declared C type, if any
	lhsOff, rhsOff int
	hasValue       bool
}

func (p *parser) initItems(start, end int) ([]initItem, error) {
	var items []initItem
	off := start
	for off < end {
		semi := strings.IndexByte(p.s.text[off:end], ';')
		stop := end
		if semi >= 0 {
			stop = off + semi
		}
		raw := p.s.text[off:stop]
		if strings.TrimSpace(raw) != "" {
			it, err := p.initItem(raw, off)
			if err != nil {
				return nil, err
			}
			items = append(items, it)
		}
		off = stop + 1
	}
	return items, nil
}

func (p *parser) initItem(raw string, off int) (initItem, error) {
	var it initItem
	lhs := raw
	if eq := strings.IndexByte(raw, '='); eq >= 0 {
		lhs = raw[:eq]
		rhs := raw[eq+1:]
		it.hasValue = true
		it.rhs = strings.TrimSpace(rhs)
		it.rhsOff = off + eq + 1 + (len(rhs) - len(strings.TrimLeft(rhs, " \t\r\n")))
		if it.rhs == "" {
			return it, p.s.errorf(it.rhsOff, "missing value after `=`")
		}
	}
	fields := strings.Fields(lhs)
	if len(fields) == 0 {
		return it, p.s.errorf(off+len(lhs)-len(strings.TrimLeft(lhs, " \t\r\n")), "missing location before `=`")
	}
	it.lhs = fields[len(fields)-1]
	if len(fields) > 1 {
		it.typ = fields[len(fields)-2]
	}
	it.lhs = strings.Trim(it.lhs, "*") // `int *p = &z;` declares pointer p
	it.lhsOff = off + strings.LastIndex(lhs, it.lhs)
	return it, nil
}

// applyInit records initial register and memory values. It runs after the
// thread table so that thread numbers can be checked.
func (p *parser) applyInit(items []initItem) error {
	// first maps each register (thread and canonical name, so 0:W1 and
	// 0:X1 are one) and location to the offset of its first value. Two
	// values for one place leave it unclear which the author meant (the
	// last one would silently win), so they are an error; a bare
	// declaration (`uint64_t x;`) next to a value is fine.
	first := map[string]int{}
	once := func(it initItem, key, shown string) error {
		if !it.hasValue {
			return nil
		}
		if prev, dup := first[key]; dup {
			line, col := p.s.pos(prev)
			return p.s.errorf(it.lhsOff, "%s is initialised twice (first at %d:%d)", shown, line, col)
		}
		first[key] = it.lhsOff
		return nil
	}
	for _, it := range items {
		th, reg, isReg, err := p.splitRegister(it.lhs, it.lhsOff)
		if err != nil {
			return err
		}
		if isReg {
			if err := once(it, sprintf("%d:%s", th.ID, reg), it.lhs); err != nil {
				return err
			}
		}
		var v int64
		if it.hasValue {
			v, err = p.value(it.rhs, it.rhsOff)
			if err != nil {
				return err
			}
		}
		if isReg {
			if it.hasValue {
				th.RegInit[th.reg(reg)] = v
			}
			continue
		}
		name := it.lhs
		if open := strings.IndexByte(name, '['); open > 0 && strings.HasSuffix(name, "]") {
			// `uint8_t y[64];` declares an array, accessed by byte offsets.
			name = name[:open]
		}
		name = strings.Trim(name, "[]")
		if !isIdent(name) {
			return p.s.errorf(it.lhsOff, "bad location name %q", it.lhs)
		}
		if err := once(it, name, name); err != nil {
			return err
		}
		p.t.location(name)
		if n := typeBytes(it.typ); n > 0 {
			if p.t.elemBytes == nil {
				p.t.elemBytes = map[string]int{}
			}
			p.t.elemBytes[name] = n
		}
		if it.hasValue {
			p.t.MemInit[name] = v
		}
	}
	return nil
}

// splitRegister recognises `N:reg` and `PN:reg`.
func (p *parser) splitRegister(s string, off int) (*Thread, string, bool, error) {
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return nil, "", false, nil
	}
	idText := strings.TrimPrefix(strings.TrimPrefix(s[:colon], "P"), "p")
	id, err := atoiStrict(idText)
	if err != nil {
		return nil, "", false, p.s.errorf(off, "bad thread number in %q", s)
	}
	if id < 0 || id >= len(p.t.Threads) {
		return nil, "", false, p.s.errorf(off, "thread %d does not exist (the test has %d threads)", id, len(p.t.Threads))
	}
	reg := p.front.regName(s[colon+1:])
	if reg == "" {
		return nil, "", false, p.s.errorf(off+colon+1, "unknown register %q", s[colon+1:])
	}
	return p.t.Threads[id], reg, true, nil
}

// value parses an integer constant or a location name (its address).
func (p *parser) value(s string, off int) (int64, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "&")
	if v, ok, err := p.specialValue(s, off); ok || err != nil {
		return v, err
	}
	if v, ok := parseInt(s); ok {
		return v, nil
	}
	if isIdent(s) {
		return p.t.location(s), nil
	}
	return 0, p.s.errorf(off, "bad value %q: expected an integer or a location name", s)
}

// parseInt accepts decimal, 0x hex and a leading sign, wrapping 64-bit
// unsigned constants such as 0xffffffffffffffff.
func parseInt(s string) (int64, bool) {
	s = strings.TrimPrefix(s, "$")
	s = strings.TrimPrefix(s, "#")
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	}
	if s == "" || !(s[0] >= '0' && s[0] <= '9') {
		return 0, false
	}
	u, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		return 0, false
	}
	v := int64(u)
	if neg {
		v = -v
	}
	return v, true
}

func atoiStrict(s string) (int, error) {
	if s == "" {
		return 0, strconv.ErrSyntax
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, strconv.ErrSyntax
		}
	}
	return strconv.Atoi(s)
}
