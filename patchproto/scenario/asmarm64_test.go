package scenario

import (
	"testing"

	"github.com/ftcheck/ftcheck/ifetch"
	"github.com/ftcheck/ftcheck/model"
)

// arm64 errors, each at its column.
func TestArm64ErrorsArePositioned(t *testing.T) {
	const base = `ARM64 t
harts 1
[text 0x1000]
f:      nop <-> bl g
g:      ret
[init]
pc = f
[patcher]
store32 f = {bl g}
dc cvau f
dsb ish
ic ivau f
dsb ish
[check bad-fetch]
[check lost-return]
`
	checkEdits(t, base, []edit{
		{"g:      ret", "g:      ret x31", "t.scenario:5:13: unknown register \"x31\""},
		{"g:      ret", "g:      str x0, [sp, 12]", "t.scenario:5:17: offset 12: 0 to 32760 in steps of 8"},
		{"g:      ret", "g:      ldr x0, [sp, 4100]", "t.scenario:5:17: offset 4100: 0 to 32760 in steps of 8"},
		{"g:      ret", "g:      bic x0, x1, 5", "t.scenario:5:21: bic 0x5: and 0xfffffffffffffffa is no bitmask immediate"},
		{"g:      ret", "g:      bti j", "t.scenario:5:13: expected bti c"},
		{"g:      ret", "g:      stp x0, x1, [sp, 4]!", "t.scenario:5:21: pair offset 4"},
		{"g:      ret", "g:      str x0, sp", "t.scenario:5:17: expected [xn], [xn, off] or [xn, off]!"},
		{"g:      ret", "g:      add x0, x1, 0x1001", "t.scenario:5:21: add immediate 0x1001"},
		{"g:      ret", "g:      mov x0, 0x10001", "t.scenario:5:17: mov 0x10001: only a 16-bit value"},
		{"g:      ret", "g:      dmb osh", "t.scenario:5:13: expected a barrier option"},
		{"g:      ret", "g:      ret sp", "t.scenario:5:13: ret cannot take sp here"},
		{"g:      ret", "g:      b . + 2", "t.scenario:5:11: branch target 0x1006 is not word-aligned"},
		{"g:      ret", "g:      brk 0x10000", "t.scenario:5:13: brk immediate 0x10000 does not fit in 16 bits"},
		{"g:      ret", "g:      .inst 0x100000000", "t.scenario:5:15: .inst 0x100000000 does not fit in 32 bits"},
		{"dc cvau f", "dc civac f", "t.scenario:10:4: expected dc cvau ADDR"},
		{"dsb ish\nic", "dsb osh\nic", "t.scenario:11:5: expected dsb ish"},
		{"ic ivau f", "ic ivau f+8 .. f", "t.scenario:12:16: the range ends at 0x1000"},
		{"harts 1", "harts 1\nctr_el0 idc=2", "t.scenario:3:13: idc wants 0 or 1"},
		{"harts 1", "harts 1\nctr_el0 dminline=4", "t.scenario:3:9: unknown CTR_EL0 field \"dminline\""},
		{"harts 1", "harts 1\nctr_el0 idc=1\nctr_el0 dic=1", "t.scenario:4:1: ctr_el0 declared twice"},
		{"[check lost-return]", "[check lost-return]\nintend f -> g", "t.scenario:16:1: [check lost-return] takes no lines"},
	})
}

// RISC-V has no cache maintenance steps and no CTR_EL0.
func TestRISCVRefusesArm64Declarations(t *testing.T) {
	checkEdits(t, minimal, []edit{
		{"store64 x = 1   [why]", "dc cvau task", "t.scenario:12:1: riscv64 has no cache maintenance steps"},
		{"handler sync: fence r,r", "handler sync: fence r,r\nctr_el0 idc=1", "t.scenario:4:1: ctr_el0 is an arm64 register"},
	})
}

// The declarations reach the model: cache type, maintenance steps by
// cache line, the shadow stack, isb handlers and stop_machine exit.
func TestArm64DeclarationsReachTheModel(t *testing.T) {
	src := `ARM64 t
harts 1
ctr_el0 idc=1 dic=1
handler kick: isb
stop_machine exit: isb
[text 0x1000]
f:      nop <-> bl g
g:      ret
[init]
pc = f
[patcher]
store32 f = {bl g}
dc cvau f+4 .. f+0x44
dsb ish
ipi all kick
[check lost-return]
`
	b := mustBuild(t, src)
	cfg := b.Config
	af, ok := cfg.Initial.Fetch.(*ifetch.ArmFetch)
	if !ok || af.CacheType() != (ifetch.CacheType{IDC: true, DIC: true}) {
		t.Fatalf("fetch model %T, cache type not set", cfg.Initial.Fetch)
	}
	dc := cfg.Patch[1]
	if dc.Kind != model.PatchCleanDcache || dc.Addr != 0x1000 || dc.Size != 0x80 {
		t.Fatalf("dc cvau over two lines: %+v", dc)
	}
	if cfg.Patch[2].Kind != model.PatchDSB {
		t.Fatalf("dsb: %+v", cfg.Patch[2])
	}
	if !cfg.ShadowStack || !cfg.ParkExitSync || cfg.SyncName != "isb" || !cfg.Handlers[0].SyncFetch || cfg.Handlers[0].String() != "kick: isb" {
		t.Fatalf("config %+v handlers %v", cfg, cfg.Handlers)
	}
	if cfg.Initial.Mem.Name() != "armv8" {
		t.Fatalf("default memory %s", cfg.Initial.Mem.Name())
	}
}
