package litmus

import (
	"fmt"
	"strings"
)

// Error is a syntax error in a litmus file, positioned at line and column
// (both 1-based).
type Error struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg) }

// Test is one parsed litmus test.
type Test struct {
	Arch string // as written in the header: RISCV, AArch64, X86, X86_64
	Name string
	File string

	// Locations maps each shared-memory name to its address. Addresses are
	// symbolic handles spaced locationStride apart so byte offsets (arrays,
	// mixed-size accesses) stay inside their location.
	Locations map[string]int64
	locOrder  []string
	MemInit   map[string]int64 // initial values (absent means 0)
	// elemBytes records declared C types (`uint8_t y[64]`): the width of
	// one element, which y[k] in a condition reads.
	elemBytes map[string]int
	Threads   []*Thread
	Cond      Condition
	// Filter, when set, discards executions whose final state fails it
	// before the condition is considered (herd's `filter`).
	Filter *Prop
	// observed are the places herd lists in a test's final states: those
	// of the condition's atoms and of `locations [...]`.
	observed []observed

	// Unsupported is non-empty when the test uses an instruction or
	// construct this checker does not model; such tests get no verdict.
	Unsupported string

	// Instruction fetch (AArch64 self- and cross-modifying code).
	//
	// CacheDIC and CacheIDC are CTR_EL0's bits as the `CacheType=` header
	// sets them (DIC implies IDC). Variants lists `Variant=` words.
	CacheDIC, CacheIDC bool
	Variants           []string
	// IFetch is set when the test needs the instruction-fetch model: it
	// uses code labels as values, cache maintenance, a fault handler, a
	// CacheType or Variant=self.
	IFetch bool
	// sites are the overwritable instructions (those at labels the test
	// uses as values), each a 4-byte memory location; siteAt indexes them
	// by address.
	sites  []*codeSite
	siteAt map[int64]*codeSite
	// exported records the labels used as values, overwriting the
	// instruction words given as values (herd's overwriting candidates).
	exported    map[labelRef]bool
	overwriting []overwrite
	symbols     map[string]int64
}

// Thread is the code of one litmus thread.
type Thread struct {
	ID      int
	Code    []inst
	regs    map[string]int // register name -> slot
	regName []string
	RegInit map[int]int64 // slot -> initial value

	// Code holds the thread's code and then its fault handler (a `P0.F`
	// column), which starts at handler (-1 when there is none); mainEnd
	// is where the main code stops. addr gives each entry's address
	// (a label entry has the address of the instruction it labels).
	handlerCode []inst
	handler     int
	mainEnd     int
	addr        []int64
	labels      map[string]int
	sites       map[int]*codeSite
}

// locationStride separates location addresses; offsets within a location
// (e.g. AArch64 [X1,#4], or into `uint8_t x[576]`) stay below it.
const locationStride = 1 << 16

// location returns the address of name, declaring it if needed.
func (t *Test) location(name string) int64 {
	if a, ok := t.Locations[name]; ok {
		return a
	}
	a := int64(len(t.locOrder)+1) * locationStride
	t.Locations[name] = a
	t.locOrder = append(t.locOrder, name)
	return a
}

// locationAt returns the location name holding address a.
func (t *Test) locationAt(a int64) (string, bool) {
	i := a/locationStride - 1
	if a < locationStride || i >= int64(len(t.locOrder)) || a%locationStride != 0 {
		return "", false
	}
	return t.locOrder[i], true
}

// elemSize is the element width of location name: its declared type's,
// else eight bytes.
func (t *Test) elemSize(name string) int {
	if n, ok := t.elemBytes[name]; ok {
		return n
	}
	return 8
}

// typeBytes is the width of a litmus C type such as uint16_t, or 0.
func typeBytes(typ string) int {
	switch strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(typ, "u"), "int"), "_t") {
	case "8":
		return 1
	case "16":
		return 2
	case "32":
		return 4
	case "64":
		return 8
	}
	return 0
}

// reg returns the slot of a register of thread th, allocating one. Slot 0
// is the hard-wired zero register.
func (th *Thread) reg(name string) int {
	if s, ok := th.regs[name]; ok {
		return s
	}
	s := len(th.regName)
	th.regs[name] = s
	th.regName = append(th.regName, name)
	return s
}

func newThread(id int) *Thread {
	return &Thread{ID: id, regs: map[string]int{"#zero": 0}, regName: []string{"#zero"}, RegInit: map[int]int64{}, handler: -1}
}
