package model

import (
	"encoding/json"
	"fmt"
	"slices"
)

// A memory-model step (ActMemory) is labelled by the agent whose store it
// makes visible and its position among that agent's steps, both in
// Label.Index: a renumbering of the harts (symmetry) moves it with its
// agent, like a hart's own steps (see searcher.pathTo).
const memoryAgentShift = 16

// MemoryLabel is the label of the memory model's j-th step of agent
// (harts: the machine's hart count; the patcher's agent is harts).
func MemoryLabel(harts, agent, j int) Label {
	return Label{Actor: harts + 1, Action: ActMemory, Index: agent<<memoryAgentShift | j}
}

// memoryStep splits an ActMemory label's index into agent and position.
func memoryStep(index int) (agent, j int) {
	return index >> memoryAgentShift, index & (1<<memoryAgentShift - 1)
}

// Action is the kind of a transition.
type Action uint8

const (
	ActExec      Action = iota // a hart fetches, decodes and executes one instruction
	ActIPI                     // a hart takes a pending IPI
	ActPreempt                 // the task on a hart is switched out
	ActResume                  // the task is switched back in
	ActPark                    // the CPU parks in stop_machine
	ActUnpark                  // the CPU leaves stop_machine
	ActPatch                   // the patcher performs its next step
	ActMemory                  // the memory model's own step (drain, propagate)
	ActOnline                  // an offline CPU comes online (hotplug.go)
	ActInterrupt               // a hart takes an interrupt that runs handler code (interrupt.go)
	ActPromise                 // an agent promises a store it will perform (promise.go)
)

var actionNames = [...]string{"exec", "ipi", "preempt", "resume", "park", "unpark", "patch", "memory", "online", "interrupt", "promise"}

func (a Action) String() string {
	if int(a) < len(actionNames) {
		return actionNames[a]
	}
	return fmt.Sprintf("action(%d)", a)
}

// MarshalText writes the action's name.
func (a Action) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText reads an action's name.
func (a *Action) UnmarshalText(b []byte) error {
	for i, n := range actionNames {
		if n == string(b) {
			*a = Action(i)
			return nil
		}
	}
	return fmt.Errorf("unknown action %q", b)
}

// Label names a transition so that it can be replayed: who acts, what it
// does, and which outcome each nondeterministic choice took (the fetched
// version of each text unit, the value each load read).
type Label struct {
	Actor  int    `json:"actor"` // harts 0..n-1, the patcher n, memory n+1
	Action Action `json:"action"`
	// Index says which step of the action, for the two actions an actor
	// may take in several ways at once; 0 for the others:
	//   - ActMemory: the agent whose store the step makes visible and
	//     the step's position among that agent's steps (MemoryLabel
	//     packs them, MemoryStep splits them). A trace saved before
	//     format 1 numbers the step among all enabled memory steps
	//     instead; LegacyMemoryLabels renames those (legacy.go).
	//   - ActInterrupt: the interrupt source the hart takes, an index
	//     into Config.Interrupts (InterruptLabel).
	Index   int     `json:"index,omitempty"`
	Choices []uint8 `json:"choices,omitempty"`
}

// InterruptLabel is the label of hart h taking interrupt source i.
func InterruptLabel(h, i int) Label { return Label{Actor: h, Action: ActInterrupt, Index: i} }

// Equal compares two labels.
func (l Label) Equal(o Label) bool {
	return l.Actor == o.Actor && l.Action == o.Action && l.Index == o.Index &&
		slices.Equal(l.Choices, o.Choices)
}

func (l Label) String() string {
	return fmt.Sprintf("%d:%s:%d:%v", l.Actor, l.Action, l.Index, l.Choices)
}

// MarshalJSON keeps choices as a list of numbers, not base64.
func (l Label) MarshalJSON() ([]byte, error) {
	ch := make([]int, len(l.Choices))
	for i, c := range l.Choices {
		ch[i] = int(c)
	}
	return json.Marshal(struct {
		Actor   int    `json:"actor"`
		Action  Action `json:"action"`
		Index   int    `json:"index,omitempty"`
		Choices []int  `json:"choices,omitempty"`
	}{l.Actor, l.Action, l.Index, ch})
}

// UnmarshalJSON is the inverse of MarshalJSON.
func (l *Label) UnmarshalJSON(b []byte) error {
	var v struct {
		Actor   int    `json:"actor"`
		Action  Action `json:"action"`
		Index   int    `json:"index"`
		Choices []int  `json:"choices"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*l = Label{Actor: v.Actor, Action: v.Action, Index: v.Index}
	for _, c := range v.Choices {
		if c < 0 || c > 255 {
			return fmt.Errorf("choice %d out of range", c)
		}
		l.Choices = append(l.Choices, uint8(c))
	}
	return nil
}
