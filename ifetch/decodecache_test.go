package ifetch

import (
	"errors"
	"sync"
	"testing"
)

// The wrapped decoder runs under the lock, like an x/arch decoder that
// writes its package-level table on every call (-race fails without
// the lock), and every word gets its own result, cached.
func TestWordDecoderSerialisesAndCaches(t *testing.T) {
	calls := map[uint32]int{} // written unguarded, like x/arch's decoderCover
	d := NewWordDecoder(func(w uint32) (uint32, error) {
		calls[w]++
		if w == 0 {
			return 0, errors.New("no instruction")
		}
		return w * 2, nil
	})
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for w := uint32(0); w < 64; w++ {
				v, err := d.Decode(w)
				if (w == 0) != (err != nil) || (err == nil && v != 2*w) {
					t.Errorf("word %d: %d, %v", w, v, err)
				}
			}
		}()
	}
	wg.Wait()
	d.mu.Lock()
	defer d.mu.Unlock()
	for w := uint32(0); w < 64; w++ {
		if calls[w] < 1 || calls[w] > 4 {
			t.Errorf("word %d decoded %d times", w, calls[w])
		}
	}
}
