package isatest

// Encoded is an encoder's word and what x/arch must decode it as: the
// operation and the operands, in the x/arch package's own types.
type Encoded[Op, Arg comparable] struct {
	Word uint32
	Op   Op
	Args []Arg
}

// Decodes is the case of an encoder's word that must decode as op with
// args.
func Decodes[Op, Arg comparable](word uint32, op Op, args ...Arg) Encoded[Op, Arg] {
	return Encoded[Op, Arg]{Word: word, Op: op, Args: args}
}

// TB is what CheckDecodes reports to: a *testing.T, or a *rapid.T when
// the operands are drawn.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// CheckDecodes decodes every word (decode returns the operation and the
// operands) and fails t at the first that decodes to anything but what
// was encoded. x/arch has decoders only, so this is how every encoder of
// the ISA packages is checked.
func CheckDecodes[Op, Arg comparable](t TB, decode func(word uint32) (Op, []Arg, error), cases []Encoded[Op, Arg]) {
	t.Helper()
	for _, c := range cases {
		op, args, err := decode(c.Word)
		if err != nil {
			t.Fatalf("%08x (%v): %v", c.Word, c.Op, err)
		}
		if op != c.Op {
			t.Fatalf("%08x decodes as %v, want %v", c.Word, op, c.Op)
		}
		for i, want := range c.Args {
			if args[i] != want {
				t.Fatalf("%v %08x arg %d = %#v, want %#v", c.Op, c.Word, i, args[i], want)
			}
		}
	}
}
