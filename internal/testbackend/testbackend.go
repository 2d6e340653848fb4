// Package testbackend gives every test binary one shared GoMLX backend, chosen by backend.New
// (GOMLX_BACKEND, else XLA CPU when its plugin is installed, else pure Go).
package testbackend

import (
	"sync"
	"testing"

	"github.com/gomle/gomle/backend"
	"github.com/gomlx/gomlx/backends"
)

var (
	once   sync.Once
	shared backends.Backend
	config string
	err    error
)

// Get returns the shared backend, failing the test if it cannot be created.
func Get(tb testing.TB) backends.Backend {
	tb.Helper()
	once.Do(func() { shared, config, err = backend.New() })
	if err != nil {
		tb.Fatalf("backend %q: %v", config, err)
	}
	return shared
}
