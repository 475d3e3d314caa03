package scenario

// maxExpanded bounds the lines .rept may produce, so that a typo such as
// .rept 1000000 is an error rather than a hang.
const maxExpanded = 20000

// expandRept replaces each .rept COUNT ... .endr block by COUNT copies
// of its body (nested blocks too). COUNT may use the bounds harts, calls
// and preempt, so that `.rept calls` follows --calls.
func (b *builder) expandRept(lines []line) ([]line, *Error) {
	var out []line
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t, off := l.trimmed()
		switch firstWord(t) {
		case ".endr":
			return nil, errorf(l.pos(off), ".endr without .rept")
		case ".rept":
		default:
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
		depth, j := 1, i+1
		for ; j < len(lines); j++ {
			switch w, _ := lines[j].trimmed(); firstWord(w) {
			case ".rept":
				depth++
			case ".endr":
				depth--
			}
			if depth == 0 {
				break
			}
		}
		if depth != 0 {
			return nil, errorf(l.pos(off), ".rept without .endr")
		}
		body, err := b.expandRept(lines[i+1 : j])
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
