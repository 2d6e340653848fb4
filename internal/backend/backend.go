// Package backend chooses and creates gomle's GoMLX backend. mlx.NewBackend is its public face;
// it lives here so test helpers can use it without importing mlx.
package backend

import (
	"fmt"
	"os"

	"github.com/gomle/gomle/internal/guard"
	"github.com/gomlx/go-xla/pkg/pjrt"
	"github.com/gomlx/gomlx/backends"
	_ "github.com/gomlx/gomlx/backends/simplego" // the pure-Go backend, always available
	"github.com/gomlx/gomlx/backends/xla"
)

// PureGo is the configuration of GoMLX's pure-Go backend that gomle picks by default.
//
// It forces DotGeneral's "small problem" kernel: the default large-problem kernel copies every
// operand into blocks on each call, which for the matrix-vector products of a likelihood
// (X of 50000×100 against a vector) made a value+gradient evaluation about 2.5 times slower
// here (see mlx's BenchmarkValueGrad with GOMLX_BACKEND=go and =go:dotgeneral_small).
const PureGo = "go:dotgeneral_small"

// New returns the backend GOMLX_BACKEND names; unset or empty, XLA CPU when a PJRT CPU plugin
// is installed where go-xla looks for one, else PureGo. The second result is the configuration
// used. go-xla's auto-installer is switched off first, so nothing waits on the network.
func New() (backends.Backend, string, error) {
	xla.EnableAutoInstall(false)
	config := os.Getenv(backends.ConfigEnvVar)
	if config == "" {
		config = PureGo
		if _, ok := pjrt.AvailablePlugins()["cpu"]; ok {
			config = "xla:cpu"
		}
	}
	var b backends.Backend
	err := guard.Run(func() error {
		var err error
		b, err = backends.NewWithConfig(config)
		return err
	})
	if err != nil {
		return nil, config, fmt.Errorf("backend %q: %w", config, err)
	}
	return b, config, nil
}
