package scenario

import (
	"strconv"

	"github.com/ftcheck/ftcheck/model"
)

// CPU hotplug in scenarios (model/hotplug.go):
//
//	hotplug N MASK: fence.i [; fence P,S]
//
// The last N harts start offline. MASK is a [data] word that is
// cpu_online_mask: bit i is hart i, bit HARTS the patcher's CPU. Its
// initial value is the online CPUs' bits, which the scenario cannot know
// in advance (--harts changes them), so the [data] line must say 0 and
// the builder fills it in. A hart comes online as one step: it ORs its bit
// into MASK (set_cpu_online, an AMO without ordering), then runs what
// follows the colon (smp_callin: local_flush_icache_all(); a fix's
// smp_mb()), then its task.

type hotplugDecl struct {
	offline int
	mask    *expr
	maskPos Pos
	online  model.Handler
	pos     Pos
}

func (b *builder) hotplug(c *cursor, at Pos) *Error {
	if b.hot != nil {
		return errorf(at, "hotplug declared twice")
	}
	t := c.next()
	n, err := strconv.Atoi(t.val)
	if t.kind != tkNumber || err != nil || n < 0 || n > 8 {
		c.i--
		return c.errorf("hotplug wants the number of harts that start offline (0 to 8), found %s", c.describe())
	}
	d := &hotplugDecl{offline: n, pos: at, maskPos: c.pos(), online: model.Handler{Name: "online"}}
	x, e := parseExpr(c)
	if e != nil {
		return e
	}
	d.mask = x
	if e := c.expect(":"); e != nil {
		return e
	}
	if e := b.handlerBody(c, &d.online); e != nil {
		return e
	}
	b.hot = d
	return nil
}

// applyHotplug sets the machine up for the hotplug declaration: which
// harts start offline, where the mask is and its initial value.
func (b *builder) applyHotplug(cfg *model.Config) *Error {
	d := b.hot
	if d == nil {
		for _, op := range cfg.Patch {
			if op.Kind == model.PatchLoad || op.ToMask {
				return errorf(b.f.header, "the patcher reads a mask and sends IPIs to it, but no cpu_online_mask is declared (hotplug N MASK: fence.i)")
			}
		}
		return nil
	}
	n := len(cfg.Initial.Harts)
	if d.offline > n {
		return errorf(d.pos, "hotplug %d: there are only %d harts", d.offline, n)
	}
	addr, e := d.mask.eval(b.resolve)
	if e != nil {
		return e
	}
	var item *dataItem
	for i := range b.data {
		if b.data[i].addr == addr {
			item = &b.data[i]
		}
	}
	if item == nil {
		return errorf(d.maskPos, "the mask at %#x is no [data] item: declare it there (cpu_online_mask: .dword 0)", addr)
	}
	if 8*item.size < n+1 {
		return errorf(item.pos, "cpu_online_mask needs %d bits (%d harts and the patcher), it has %d", n+1, n, 8*item.size)
	}
	if v, e := item.x.eval(b.resolveAt(item.addr)); e != nil || v != 0 {
		return errorf(item.pos, "cpu_online_mask's initial value comes from the hotplug declaration (the online harts' bits and the patcher's, bit %d): declare it 0", n)
	}
	val := model.OnlineMaskBit(n) // the patcher's CPU
	for h := 0; h < n-d.offline; h++ {
		val |= model.OnlineMaskBit(h)
	}
	for h := n - d.offline; h < n; h++ {
		cfg.Initial.Harts[h].Offline = true
	}
	cfg.Initial.Mem.Init(addr, item.size, val)
	cfg.MaskAddr, cfg.MaskSize, cfg.Online = addr, item.size, d.online
	return nil
}

// maskStep reads the patcher's `load mask = ADDR`: smp_call_function's
// plain read of cpu_online_mask (an unsigned long array: 8 bytes).
func (b *builder) maskLoad(c *cursor) (model.PatchOp, *Error) {
	op := model.PatchOp{Kind: model.PatchLoad, Size: 8}
	if e := c.expect("mask"); e != nil {
		return op, e
	}
	if e := c.expect("="); e != nil {
		return op, e
	}
	p := c.pos()
	var e *Error
	if op.Addr, e = b.value(c); e != nil {
		return op, e
	}
	if op.Addr%8 != 0 {
		return op, errorf(p, "the mask at %#x is not 8-byte aligned", op.Addr)
	}
	return op, nil
}
