package scenario

// maxExpanded bounds the lines .rept may produce, so that a typo such as
// .rept 1000000 is an error rather than a hang.
const maxExpanded = 20000

// expandRept replaces each .rept COUNT ... .endr block by COUNT copies
// of its body (nested blocks too). COUNT may use the bounds harts, calls
// and preempt, so that `.rept calls` follows --calls.
func (b *builder) expandRept(lines []line) ([]line, *Error) {
	end, err := matchRept(lines)
	if err != nil {
		return nil, err
	}
	return b.expandRange(lines, 0, len(lines), end)
}

// matchRept pairs every .rept with its .endr in one pass (end[i] is the
// index of the .endr closing the .rept at i), so that expanding nested
// blocks does not scan the rest of the section again at every level.
func matchRept(lines []line) ([]int, *Error) {
	end := make([]int, len(lines))
	var open []int
	for i, l := range lines {
		t, off := l.trimmed()
		switch firstWord(t) {
		case ".rept":
			if len(open) == maxDepth {
				return nil, errorf(l.pos(off), ".rept nested more than %d deep", maxDepth)
			}
			open = append(open, i)
		case ".endr":
			if len(open) == 0 {
				return nil, errorf(l.pos(off), ".endr without .rept")
			}
			end[open[len(open)-1]] = i
			open = open[:len(open)-1]
		}
	}
	if len(open) > 0 {
		l := lines[open[0]] // the outermost block left open
		_, off := l.trimmed()
		return nil, errorf(l.pos(off), ".rept without .endr")
	}
	return end, nil
}

// expandRange expands lines[lo:hi], whose blocks end says where close.
func (b *builder) expandRange(lines []line, lo, hi int, end []int) ([]line, *Error) {
	var out []line
	for i := lo; i < hi; i++ {
		l := lines[i]
		t, off := l.trimmed()
		if firstWord(t) != ".rept" {
			out = append(out, l)
			continue
		}
		c, err := lineCursor(l, off)
		if err != nil {
			return nil, err
		}
		c.next()
		x, err := parseExpr(c)
		if err != nil {
			return nil, err
		}
		if err := c.end(); err != nil {
			return nil, err
		}
		n, err := x.eval(b.constant(true))
		if err != nil {
			return nil, err
		}
		if n > 64 {
			return nil, errorf(l.pos(off), ".rept %d: at most 64 copies", int64(n))
		}
		j := end[i]
		body, err := b.expandRange(lines, i+1, j, end)
		if err != nil {
			return nil, err
		}
		for k := uint64(0); k < n; k++ {
			if len(out)+len(body) > maxExpanded {
				return nil, errorf(l.pos(off), ".rept expands to more than %d lines", maxExpanded)
			}
			out = append(out, body...)
		}
		i = j
	}
	return out, nil
}
