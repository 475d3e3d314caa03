package litmus

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// Generated instruction-fetch tests, checked against herd7's verdicts in
// testdata/ifetch-generated-kinds.txt (herd7 -variant ifetch, built from
// herdtools7 as that file's header says). Three families, each under no
// cache-type bit, IDC and DIC:
//
//   - MP: P0 overwrites P1's `B L1` at L0 with a NOP, runs a writer
//     sequence and sets y; P1 reads y, has a dependency on it, runs a
//     waiter sequence, executes L0. exists (1:X2=1 /\ 1:X9=0).
//   - SM: one thread overwrites its own L0, runs a sequence and executes
//     L0. exists (0:X9=0).
//   - coFF: P0 overwrites l1, which P1 calls twice around a waiter
//     sequence. exists (1:X1=1 /\ 1:X2=0): new, then old.

type namedSeq struct {
	name  string
	insts []string
}

var (
	genWriters = []namedSeq{
		{"po", nil},
		{"dmbst", []string{"DMB ST"}},
		{"dsb", []string{"DSB ISH"}},
		{"dc-dsb", []string{"DC CVAU,X1", "DSB ISH"}},
		{"ic-dsb", []string{"IC IVAU,X1", "DSB ISH"}},
		{"dsb-ic-dsb", []string{"DSB ISH", "IC IVAU,X1", "DSB ISH"}},
		{"cachesync", []string{"DC CVAU,X1", "DSB ISH", "IC IVAU,X1", "DSB ISH"}},
		{"dc-dmb-ic-dsb", []string{"DC CVAU,X1", "DMB ISH", "IC IVAU,X1", "DSB ISH"}},
		{"cachesync-nodsb2", []string{"DC CVAU,X1", "DSB ISH", "IC IVAU,X1"}},
		{"iallu", []string{"DC CVAU,X1", "DSB ISH", "IC IALLU", "DSB ISH"}},
	}
	genWaiters = []namedSeq{
		{"po", nil},
		{"isb", []string{"ISB"}},
		{"dsb-isb", []string{"DSB ISH", "ISB"}},
		{"ic-dsb-isb", []string{"IC IVAU,X1", "DSB ISH", "ISB"}},
		{"dc-ic-isb", []string{"DC CVAU,X1", "DSB ISH", "IC IVAU,X1", "DSB ISH", "ISB"}},
	}
	genDeps = []namedSeq{
		{"ctrl", []string{"CBNZ W2,Lgo", "Lgo:"}},
		{"addr", []string{"EOR W4,W2,W2", "LDR W5,[X6,W4,SXTW]"}},
		{"none", nil},
	}
	genCacheTypes = []struct{ prefix, header string }{
		{"", ""}, {"IDC.", "CacheType=IDC\n"}, {"DIC.", "CacheType=DIC\n"},
	}
)

// genTable lays out thread columns as a litmus table.
func genTable(cols ...[]string) string {
	rows := 0
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = "P" + string(rune('0'+i))
		rows = max(rows, len(c))
	}
	lines := []string{strings.Join(head, " | ") + " ;"}
	for r := 0; r < rows; r++ {
		cells := make([]string, len(cols))
		for i, c := range cols {
			if r < len(c) {
				cells[i] = c[r]
			}
		}
		lines = append(lines, strings.Join(cells, " | ")+" ;")
	}
	return strings.Join(lines, "\n")
}

func cat(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// generatedIFetchTests returns name -> litmus source.
func generatedIFetchTests() map[string]string {
	out := map[string]string{}
	for _, s := range genWriters {
		for _, w := range genWaiters {
			for _, d := range genDeps {
				for _, c := range genCacheTypes {
					name := c.prefix + "MP+" + s.name + "+" + d.name + "-" + w.name
					p0 := cat([]string{"STR W0,[X1]"}, s.insts, []string{"STR W2,[X3]"})
					p1 := cat([]string{"LDR W2,[X3]"}, d.insts, w.insts, []string{"L0: B L1", "MOV W9,#1", "L1:"})
					out[name] = "AArch64 " + name + "\n" + c.header +
						"{ 0:X0=NOP; 0:X1=P1:L0; 0:X2=1; 0:X3=y; 1:X3=y; 1:X1=P1:L0; 1:X6=z; }\n" +
						genTable(p0, p1) + "\nexists (1:X2=1 /\\ 1:X9=0)\n"
				}
			}
		}
	}
	sms := append(append([]namedSeq(nil), genWriters...),
		namedSeq{"isb", []string{"ISB"}},
		namedSeq{"cachesync-isb", cat(genWriters[6].insts, []string{"ISB"})},
		namedSeq{"dsb-ic-dsb-isb", cat(genWriters[5].insts, []string{"ISB"})},
		namedSeq{"dsb-isb", []string{"DSB ISH", "ISB"}},
		namedSeq{"iallu-isb", cat(genWriters[9].insts, []string{"ISB"})})
	for _, s := range sms {
		for _, c := range genCacheTypes {
			name := c.prefix + "SM+" + s.name
			p0 := cat([]string{"STR W0,[X1]"}, s.insts, []string{"L0: B L1", "MOV W9,#1", "L1:"})
			out[name] = "AArch64 " + name + "\n" + c.header + "{ 0:X0=NOP; 0:X1=P0:L0; }\n" +
				genTable(p0) + "\nexists (0:X9=0)\n"
		}
	}
	for _, s := range genWriters {
		for _, w := range genWaiters {
			for _, c := range genCacheTypes {
				name := c.prefix + "coFF+" + s.name + "+" + w.name
				p0 := cat([]string{"STR W0,[X1]"}, s.insts)
				p1 := cat([]string{"BL l1", "MOV W1,W9"}, w.insts, []string{"BL l1", "MOV W2,W9", "B end",
					"l1: B j0", "MOV W9,#1", "RET", "j0: MOV W9,#0", "RET", "end:"})
				out[name] = "AArch64 " + name + "\n" + c.header + "{ 0:X0=NOP; 0:X1=P1:l1; 1:X1=P1:l1; }\n" +
					genTable(p0, p1) + "\nexists (1:X1=1 /\\ 1:X2=0)\n"
			}
		}
	}
	return out
}

func TestGeneratedIFetchAgainstHerd(t *testing.T) {
	f, err := os.Open("testdata/ifetch-generated-kinds.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Fields(line)
		if len(fs) != 2 {
			t.Fatalf("bad line %q", line)
		}
		want[fs[0]] = fs[1]
	}
	tests := generatedIFetchTests()
	if len(tests) != len(want) {
		t.Fatalf("generated %d tests, herd verdicts for %d", len(tests), len(want))
	}
	for name, src := range tests {
		w, ok := want[name]
		if !ok {
			t.Errorf("%s: no herd verdict", name)
			continue
		}
		test, err := Parse(name+".litmus", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		r := Run(test, Options{})
		if r.Unsupported != "" || r.Kind.String() != w {
			t.Errorf("%s: %v %q, herd says %s\n%s", name, r.Kind, r.Unsupported, w, src)
		}
	}
}
