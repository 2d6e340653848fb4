package mlx

import (
	"github.com/gomle/gomle/internal/backend"
	"github.com/gomlx/gomlx/backends"
)

// PureGo is the configuration of GoMLX's pure-Go backend that NewBackend picks when no PJRT
// plugin is installed and GOMLX_BACKEND is unset.
const PureGo = backend.PureGo

// NewBackend returns the backend that GOMLX_BACKEND names, as GoMLX reads it ("go", "xla:cpu",
// "xla:cuda", "xla:/path/to/pjrt_plugin.so"). When GOMLX_BACKEND is unset it picks XLA CPU if a
// PJRT CPU plugin is installed where go-xla looks for one (PJRT_PLUGIN_LIBRARY_PATH, then
// go-xla's standard folders), and the pure-Go backend (PureGo) otherwise. The second result is
// the configuration it used.
//
// It never downloads anything: go-xla's auto-installer is switched off, so a missing plugin is
// an error (or, when GOMLX_BACKEND is unset, a fall back to pure Go), never a wait on the network.
func NewBackend() (backends.Backend, string, error) { return backend.New() }
