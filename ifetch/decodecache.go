package ifetch

import "sync"

// WordDecoder is an x/arch decoder for 4-byte instruction words made fit
// for the search: results are cached (a search executes the same few
// words millions of times), and the x/arch decoder itself runs under a
// lock, because each x/arch package records every decode in a
// package-level table (decoderCover) and two searches running at once
// (ftcheck test, parallel Go tests) would race on it. One WordDecoder per
// x/arch package; the lock is taken once per distinct word.
type WordDecoder[I any] struct {
	decode func(word uint32) (I, error)
	mu     sync.Mutex
	done   sync.Map // uint32 -> wordDecoded[I]
}

type wordDecoded[I any] struct {
	inst I
	err  error
}

// NewWordDecoder wraps decode, the uncached x/arch call.
func NewWordDecoder[I any](decode func(word uint32) (I, error)) *WordDecoder[I] {
	return &WordDecoder[I]{decode: decode}
}

// Decode decodes word, from the cache when it was decoded before.
func (d *WordDecoder[I]) Decode(word uint32) (I, error) {
	if r, ok := d.done.Load(word); ok {
		w := r.(wordDecoded[I])
		return w.inst, w.err
	}
	d.mu.Lock()
	inst, err := d.decode(word)
	d.mu.Unlock()
	d.done.Store(word, wordDecoded[I]{inst, err})
	return inst, err
}
