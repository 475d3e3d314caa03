package scenario

import (
	"strings"
)

// line is one source line after comment removal, with its number, so
// that every token can say where it came from.
type line struct {
	file string
	num  int
	text string // comment stripped; columns are byte offsets into it + 1
}

func (l line) pos(off int) Pos { return Pos{File: l.file, Line: l.num, Col: off + 1} }

// trimmed reports the line without surrounding blanks and the offset of
// its first non-blank byte.
func (l line) trimmed() (string, int) {
	s := strings.TrimRight(l.text, " \t\r")
	t := strings.TrimLeft(s, " \t")
	return t, len(s) - len(t)
}

func (l line) blank() bool { t, _ := l.trimmed(); return t == "" }

// splitLines cuts src into lines and drops '#' comments (outside string
// literals), as GNU as does for RISC-V.
func splitLines(file string, src []byte) []line {
	raw := strings.Split(string(src), "\n")
	ls := make([]line, len(raw))
	for i, r := range raw {
		inStr := false
		cut := len(r)
		for j := 0; j < len(r); j++ {
			switch r[j] {
			case '"':
				inStr = !inStr
			case '#':
				if !inStr {
					cut = j
				}
			}
			if cut != len(r) {
				break
			}
		}
		ls[i] = line{file: file, num: i + 1, text: r[:cut]}
	}
	return ls
}

// tokKind classifies a token.
type tokKind uint8

const (
	tkIdent  tokKind = iota // names, mnemonics, registers, directives (.org), fence.i
	tkNumber                // 12, 0x1f, -: a separate punct token
	tkString                // "text" (Val without quotes)
	tkPunct                 // ( ) , : = + - [ ] { } ; | ~ % ! -> <-> == != /\ \/
)

type token struct {
	kind tokKind
	val  string
	off  int // byte offset in the line
	ln   int // line number
}

var multiPunct = []string{"<->", "->", "==", "!=", `/\`, `\/`}

// maxTokens bounds the tokens of a line, and of the final condition
// (which may span lines). The longest statements are a few dozen tokens;
// the bound keeps a megabyte of '(' on one line from costing tens of
// megabytes of tokens before the parser's depth bound can refuse it.
const maxTokens = 4096

// tokenize splits a line's text from offset start. A bad byte is
// reported at its column.
func tokenize(l line, start int) ([]token, *Error) {
	var ts []token
	s := l.text
	i := start
	for i < len(s) {
		c := s[i]
		if len(ts) == maxTokens && c != ' ' && c != '\t' && c != '\r' {
			return nil, errorf(l.pos(i), "more than %d tokens on a line", maxTokens)
		}
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case isIdentStart(c):
			j := i + 1
			for j < len(s) && isIdentByte(s[j]) {
				j++
			}
			ts = append(ts, token{tkIdent, s[i:j], i, l.num})
			i = j
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(s) && (isIdentByte(s[j]) && s[j] != '.') {
				j++
			}
			ts = append(ts, token{tkNumber, s[i:j], i, l.num})
			i = j
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, errorf(l.pos(i), "string not closed")
			}
			ts = append(ts, token{tkString, s[i+1 : i+1+j], i, l.num})
			i += j + 2
		default:
			n := 0
			for _, p := range multiPunct {
				if strings.HasPrefix(s[i:], p) {
					n = len(p)
					break
				}
			}
			if n == 0 {
				if !strings.ContainsRune("(),:=+-[]{};|~%*!", rune(c)) {
					return nil, errorf(l.pos(i), "unexpected character %q", rune(c))
				}
				n = 1
			}
			ts = append(ts, token{tkPunct, s[i : i+n], i, l.num})
			i += n
		}
	}
	return ts, nil
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '.' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentByte(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// cursor walks a line's tokens.
type cursor struct {
	l  line
	ts []token
	i  int
}

func (c *cursor) done() bool { return c.i >= len(c.ts) }

func (c *cursor) peek() token {
	if c.done() {
		if len(c.ts) > 0 && c.ts[len(c.ts)-1].ln != c.l.num {
			last := c.ts[len(c.ts)-1]
			return token{kind: tkPunct, off: last.off + len(last.val), ln: last.ln}
		}
		return token{kind: tkPunct, val: "", off: len(c.l.text), ln: c.l.num}
	}
	return c.ts[c.i]
}

func (c *cursor) next() token { t := c.peek(); c.i++; return t }

func (c *cursor) pos() Pos { return c.at(c.peek()) }

// at is the position of token t (a cursor may span lines).
func (c *cursor) at(t token) Pos {
	if t.ln == 0 {
		t.ln = c.l.num
	}
	return Pos{File: c.l.file, Line: t.ln, Col: t.off + 1}
}

// is reports whether the next token is the punctuation or identifier v.
func (c *cursor) is(v string) bool {
	t := c.peek()
	return !c.done() && (t.kind == tkPunct || t.kind == tkIdent) && t.val == v
}

func (c *cursor) accept(v string) bool {
	if c.is(v) {
		c.i++
		return true
	}
	return false
}

func (c *cursor) expect(v string) *Error {
	if !c.accept(v) {
		return c.errorf("expected %q, found %s", v, c.describe())
	}
	return nil
}

func (c *cursor) ident(what string) (token, *Error) {
	t := c.peek()
	if c.done() || t.kind != tkIdent {
		return t, c.errorf("expected %s, found %s", what, c.describe())
	}
	c.i++
	return t, nil
}

func (c *cursor) end() *Error {
	if !c.done() {
		return c.errorf("unexpected %s", c.describe())
	}
	return nil
}

func (c *cursor) describe() string {
	if c.done() {
		return "end of line"
	}
	t := c.peek()
	if t.kind == tkString {
		return "string \"" + t.val + "\""
	}
	return "\"" + t.val + "\""
}

func (c *cursor) errorf(format string, args ...any) *Error {
	return errorf(c.pos(), format, args...)
}

// rest is the raw text from the next token to the end of the line.
func (c *cursor) rest() string {
	return strings.TrimSpace(c.l.text[c.peek().off:])
}
