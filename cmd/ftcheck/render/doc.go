// Package render draws one search result for people: an HTML page with a
// lane per CPU (HTML), a Graphviz graph of the same trace (DOT, SVG), and
// a plain-text layout that fits a mailing-list reply (Email).
//
// Every renderer takes an io.Writer and an Input, the result plus what
// the trace alone cannot say (symbol names, the patcher's program, the
// boot text). The renderers share one reading of the trace (story): which
// lane each step belongs to and the cross-CPU edges that explain it — the
// patcher store that created the version of a word a hart fetched, the
// IPI a hart took, the stop_machine request a CPU parked for and the
// release it left on. Flag parsing and file handling stay in package
// main.
package render
