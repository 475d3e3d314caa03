package scenario

import (
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The assemblers' fuzz targets feed statements straight to an ISA's
// parseInsn, size and encode (the two passes Build makes), so that every
// run exercises the encoders rather than the layout around them. No
// statement may panic or hang; every error must be positioned on its
// line; and a statement that assembles must be as long as pass 1 said,
// or every label after it would be at the wrong address.

func FuzzAsmRISCV(f *testing.F) { fuzzAsm(f, "RISCV") }
func FuzzAsmArm64(f *testing.F) { fuzzAsm(f, "ARM64") }
func FuzzAsmX86(f *testing.F)   { fuzzAsm(f, "X86") }
func FuzzAsmPPC64(f *testing.F) { fuzzAsm(f, "PPC64") }

func fuzzAsm(f *testing.F, header string) {
	a := arches[header]
	for _, s := range asmSeeds(f, header) {
		f.Add(s, uint64(0x1000))
	}
	f.Fuzz(func(t *testing.T, src string, pc uint64) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			for _, l := range splitLines("fuzz.s", []byte(src)) {
				assembleLine(t, a, l, pc)
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("no answer after 10s for %q at %#x", src, pc)
		}
	})
}

// assembleLine assembles one line's statement (each version of a <->
// list) at pc, as layout and encode do.
func assembleLine(t *testing.T, a *arch, l line, pc uint64) {
	_, off := l.trimmed()
	ts, err := tokenize(l, off)
	if err != nil {
		checkOnLine(t, l, err)
		return
	}
	for len(ts) > 0 {
		n := 0
		for n < len(ts) && !(ts[n].kind == tkPunct && ts[n].val == "<->") {
			n++
		}
		if n > 0 {
			assembleOne(t, a, l, ts[:n], pc)
		}
		ts = ts[min(n+1, len(ts)):]
	}
}

func assembleOne(t *testing.T, a *arch, l line, ts []token, pc uint64) {
	in, err := parseInsn(a, l, ts)
	if err != nil {
		checkOnLine(t, l, err)
		return
	}
	size, err := in.size(fuzzConstants)
	if err != nil {
		checkOnLine(t, l, err)
		return
	}
	var jumps []jump
	in.jumps = &jumps
	code, err := in.encode(pc, fuzzSymbols(pc))
	if err != nil {
		checkOnLine(t, l, err)
		return
	}
	n := 0
	for _, one := range code {
		if len(one) == 0 {
			t.Fatalf("%q: an empty instruction", l.text)
		}
		n += len(one)
	}
	if n != size {
		t.Fatalf("%q at %#x: pass 1 sized it %d bytes, it assembles to %d", l.text, pc, size, n)
	}
	if a.align > 1 && n%a.align != 0 {
		t.Fatalf("%q: %d bytes, not a multiple of the %d-byte instruction alignment", l.text, n, a.align)
	}
}

func checkOnLine(t *testing.T, l line, err *Error) {
	t.Helper()
	if err.Pos.File != l.file || err.Pos.Line != l.num || err.Pos.Col < 1 || err.Pos.Col > len(l.text)+1 {
		t.Fatalf("error outside line %d %q: %v", l.num, l.text, err)
	}
}

// fuzzValue gives every name a fixed value, so that a seed's labels
// resolve: a word-aligned address near 0x1000 (some far away), or, for
// a name that starts with a capital, a constant.
func fuzzValue(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	v := h.Sum64()
	if c := name[0]; c >= 'A' && c <= 'Z' {
		return v % 5000
	}
	if v%8 == 0 {
		return v &^ 3 // out of every instruction's reach
	}
	return 0x1000 + 4*(v%512)
}

// fuzzConstants is pass 1's resolver: only constants are known.
func fuzzConstants(name string, p Pos) (uint64, *Error) {
	if c := name[0]; c >= 'A' && c <= 'Z' {
		return fuzzValue(name), nil
	}
	return 0, errorf(p, "%s is not a constant known here (labels get addresses later)", name)
}

// fuzzSymbols is pass 2's: every name, and '.' as pc.
func fuzzSymbols(pc uint64) resolver {
	return func(name string, p Pos) (uint64, *Error) {
		if name == "." {
			return pc, nil
		}
		return fuzzValue(name), nil
	}
}

// asmSeeds are the statements of the built-in scenarios and documented
// examples of the ISA: each line of their [text] and [hart] sections
// (labels taken off), and each instruction of a patcher's {...} store.
func asmSeeds(t testing.TB, header string) []string {
	var seeds []string
	files, _ := filepath.Glob("../protocols/*.scenario")
	more, _ := filepath.Glob("../../docs/scenarios/*.scenario")
	for _, file := range append(files, more...) {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Parse(file, src)
		if err != nil {
			t.Fatal(err)
		}
		if f.Arch != header {
			continue
		}
		code := false
		for _, l := range f.lines {
			text, _ := l.trimmed()
			if strings.HasPrefix(text, "[") {
				kind := firstWord(strings.TrimPrefix(text, "["))
				code = kind == "text" || kind == "text]" || kind == "hart"
				continue
			}
			if o, c := strings.IndexByte(text, '{'), strings.LastIndexByte(text, '}'); o >= 0 && c > o {
				for _, s := range strings.Split(text[o+1:c], ";") {
					seeds = append(seeds, strings.TrimSpace(s))
				}
				continue
			}
			if !code {
				continue
			}
			for { // the statement after the line's labels
				w := firstWord(text)
				if !strings.HasSuffix(w, ":") {
					break
				}
				text = strings.TrimSpace(text[len(w):])
			}
			// Directives (.org, .rept, .if) are the layout's, not the
			// assembler's; .word and .byte are statements.
			if _, stmt := arches[header].shapes[firstWord(text)]; text != "" && (stmt || !strings.HasPrefix(text, ".")) {
				seeds = append(seeds, text)
			}
		}
	}
	if len(seeds) == 0 {
		t.Fatalf("no %s seeds", header)
	}
	return seeds
}
