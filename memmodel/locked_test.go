package memmodel

import (
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// SC and TSO report who made each store visible (model.Commit.By, agent
// plus one): the x86 fetch model lets a hart fetch its own text stores.
// They are the models whose fenced loads read the newest value
// (model.LockedRMW); RVWMO is not.
func TestCommitsNameTheirWriter(t *testing.T) {
	sc := NewSC()
	if cs := sc.Store(1, 0x100, 1, 0xe8); len(cs) != 1 || cs[0].By != 2 {
		t.Errorf("SC store by agent 1: %+v", cs)
	}
	tso := NewTSO()
	tso.Store(1, 0x100, 1, 0xe8)
	tso.Store(0, 0x101, 1, 0x10)
	if _, cs := tso.DoInternal(1, 0); len(cs) != 1 || cs[0].By != 2 || cs[0].Addr != 0x100 {
		t.Errorf("TSO drain of agent 1's buffer: %+v", cs)
	}
	if cs := tso.Fence(0, model.FenceRWRW); len(cs) != 1 || cs[0].By != 1 {
		t.Errorf("TSO fence of agent 0: %+v", cs)
	}
	var m model.DataMemory = sc
	if _, ok := m.(model.LockedRMW); !ok {
		t.Error("SC is a LockedRMW model")
	}
	m = tso
	if _, ok := m.(model.LockedRMW); !ok {
		t.Error("TSO is a LockedRMW model")
	}
	m = NewRVWMO()
	if _, ok := m.(model.LockedRMW); ok {
		t.Error("RVWMO's fenced loads may read old stores: not LockedRMW")
	}
}
