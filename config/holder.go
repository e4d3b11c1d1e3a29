package config

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// Holder keeps what is built from the active configuration: in the
// exporter, the fetch targets with their HTTP clients (see
// statuspage.NewTargetSet). Reads are lock-free; reloads are serialised, and
// a reload that fails, in loading or in building, leaves the active value
// alone.
type Holder[T any] struct {
	path   string
	build  func(*Config) (*T, error)
	retire func(*T)
	mu     sync.Mutex // serialises reloads
	active atomic.Pointer[T]
}

// NewHolder returns a holder for the file at path; call Reload to load it.
// build makes the value to hold from a loaded configuration; retire, when
// not nil, is given the value a reload replaced, to release what it holds.
func NewHolder[T any](path string, build func(*Config) (*T, error), retire func(*T)) *Holder[T] {
	return &Holder[T]{path: path, build: build, retire: retire}
}

// Active returns the value in use; nil before the first good load.
func (h *Holder[T]) Active() *T {
	return h.active.Load()
}

// Reload loads the file again and builds from it. On success the new value
// is active and the old one is returned (after retire has been given it);
// on failure nothing changes.
func (h *Holder[T]) Reload() (old *T, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, err := Load(h.path)
	if err != nil {
		return nil, err
	}
	v, err := h.build(c)
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", h.path, err)
	}
	old = h.active.Swap(v)
	if old != nil && h.retire != nil {
		h.retire(old)
	}
	return old, nil
}
