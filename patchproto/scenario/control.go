package scenario

import (
	"github.com/ftcheck/ftcheck/ifetch"
	"github.com/ftcheck/ftcheck/model"
)

// What arm64 adds to the scenario language: the CTR_EL0 cache type and
// the patcher's cache maintenance steps.

// cacheTypeDecl reads: ctr_el0 idc=0|1 dic=0|1 (either may be left out:
// 0). It is the hardware's behaviour; what the kernel's maintenance code
// does about it is the [patcher] section's business.
func (b *builder) cacheTypeDecl(c *cursor, at Pos) *Error {
	if b.cacheType != nil {
		return errorf(at, "ctr_el0 declared twice")
	}
	ct := ifetch.CacheType{}
	seen := map[string]bool{}
	for !c.done() {
		t, err := c.ident("idc=0|1 or dic=0|1")
		if err != nil {
			return err
		}
		if t.val != "idc" && t.val != "dic" {
			return errorf(c.at(t), "unknown CTR_EL0 field %q (known: idc, dic)", t.val)
		}
		if seen[t.val] {
			return errorf(c.at(t), "%s given twice", t.val)
		}
		seen[t.val] = true
		if err := c.expect("="); err != nil {
			return err
		}
		v := c.next()
		if v.kind != tkNumber || (v.val != "0" && v.val != "1") {
			return errorf(c.at(v), "%s wants 0 or 1, found %q", t.val, v.val)
		}
		if t.val == "idc" {
			ct.IDC = v.val == "1"
		} else {
			ct.DIC = v.val == "1"
		}
	}
	b.cacheType, b.cacheTypePos = &ct, at
	return nil
}

// setCacheType gives the fetch model the declared cache type.
func (b *builder) setCacheType(f model.FetchState) *Error {
	if b.cacheType == nil {
		return nil
	}
	af, ok := f.(*ifetch.ArmFetch)
	if !ok {
		return errorf(b.cacheTypePos, "ctr_el0 is an arm64 register; %s has no cache type", b.arch.machine)
	}
	af.SetCacheType(*b.cacheType)
	return nil
}

// cacheLine is the maintenance granule (CTR_EL0.DminLine/IminLine of
// the cores the kernel runs on: 64 bytes).
const cacheLine = 64

// maintenanceStep reads dc cvau ADDR [.. END], ic ivau ADDR [.. END] or
// dsb ish: the writer's half of arch/arm64/mm/cache.S
// caches_clean_inval_pou. A range covers every cache line it touches.
func (b *builder) maintenanceStep(c *cursor) (model.PatchOp, *Error) {
	kw := c.next()
	if _, ok := b.arch.fetch(0, nil, 0).(model.CacheMaintenance); !ok {
		return model.PatchOp{}, errorf(c.at(kw), "%s has no cache maintenance steps (dc cvau, ic ivau, dsb)", b.arch.machine)
	}
	if kw.val == "dsb" {
		if !c.accept("ish") && !c.accept("sy") {
			return model.PatchOp{}, c.errorf("expected dsb ish, found %s", c.describe())
		}
		return model.PatchOp{Kind: model.PatchDSB}, nil
	}
	op := model.PatchOp{Kind: model.PatchCleanDcache}
	want := "cvau"
	if kw.val == "ic" {
		op.Kind, want = model.PatchInvalIcache, "ivau"
	}
	if !c.accept(want) {
		return op, c.errorf("expected %s %s ADDR [.. END], found %s", kw.val, want, c.describe())
	}
	lo, err := b.value(c)
	if err != nil {
		return op, err
	}
	hi := lo + 1
	if c.accept("..") {
		p := c.pos()
		if hi, err = b.value(c); err != nil {
			return op, err
		}
		if hi <= lo {
			return op, errorf(p, "the range ends at %#x, not after its start %#x", hi, lo)
		}
	}
	lo &^= cacheLine - 1
	hi = (hi + cacheLine - 1) &^ (cacheLine - 1)
	op.Addr, op.Size = lo, int(hi-lo)
	return op, nil
}
