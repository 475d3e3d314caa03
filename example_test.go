package ftcheck_test

import (
	"context"
	"fmt"
	"log"

	"github.com/ftcheck/ftcheck"
)

// The RISC-V pair protocol of kernels up to 6.15 tears when ftrace_call
// is retargeted while a task is preempted inside the pair: the 2023
// panic fixed by 8547649981e6.
func ExampleExplore() {
	p, err := ftcheck.Builtin("riscv-pair")
	if err != nil {
		log.Fatal(err)
	}
	r, err := ftcheck.Explore(context.Background(), p, ftcheck.Options{Op: "change", Preempt: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Outcome, r.Violation.Check, len(r.Trace), "steps")
	last := r.Trace[len(r.Trace)-1]
	fmt.Println(last.Actor, last.Where, last.Instruction, "->", last.Effect)
	// Output:
	// violation torn-pair 18 steps
	// hart0 ftrace_call+4 jalr ra,-1864(ra) -> ra = 0x2390; jump 0x2c40
}

// The 6.16 protocol toggles one 4-byte jalr: safe, and the search says
// how much it covered.
func ExampleExplore_safe() {
	p, err := ftcheck.Builtin("riscv-jalr")
	if err != nil {
		log.Fatal(err)
	}
	r, err := ftcheck.Explore(context.Background(), p, ftcheck.Options{Op: "disable"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(r.Outcome, r.Config.Harts, "harts", r.Config.Op, r.States > 0)
	// Output:
	// safe 2 harts disable true
}

// A regression entry is a file with an expect line; Holds judges a
// result by it, as ftcheck test does.
func ExampleExpectation_Holds() {
	p, err := ftcheck.Load("patchproto/regress/r5prime-nostop.scenario")
	if err != nil {
		log.Fatal(err)
	}
	r, err := ftcheck.Explore(context.Background(), p, ftcheck.Options{})
	if err != nil {
		log.Fatal(err)
	}
	ok, got, err := p.Expectation().Holds(r)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("expect %s: got %s, holds %v\n", p.Expectation(), got, ok)
	// Output:
	// expect violated torn-pair steps 5: got violated torn-pair steps 5, holds true
}

// Parse takes text a program wrote: here an instance of a built-in.
func ExampleParse() {
	p, err := ftcheck.Parse("mine.scenario", []byte("protocol riscv-pair\nset variant = nostop\npreempt 0\n"))
	if err != nil {
		log.Fatal(err)
	}
	r, err := ftcheck.Explore(context.Background(), p, ftcheck.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.Name(), r.Config.Variant, r.Config.Preempt, r.Outcome, len(r.Trace))
	// Output:
	// riscv-pair nostop 0 violation 5
}
