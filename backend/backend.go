package backend

import (
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/gomle/gomle/internal/guard"
	"github.com/gomlx/go-xla/pkg/pjrt"
	"github.com/gomlx/gomlx/backends"
	_ "github.com/gomlx/gomlx/backends/simplego" // the pure-Go backend, always available
	"github.com/gomlx/gomlx/backends/xla"
)

// PureGo is the configuration of GoMLX's pure-Go backend that New picks when no PJRT CPU plugin
// is installed and GOMLX_BACKEND is unset.
//
// It forces DotGeneral's "small problem" kernel: the default large-problem kernel copies every
// operand into blocks on each call, which for the matrix-vector products of a likelihood
// (X of 50000×100 against a vector) made a value+gradient evaluation about 2.5 times slower
// here (see mlx's BenchmarkValueGrad with GOMLX_BACKEND=go and =go:dotgeneral_small).
//
// It also runs a graph's operations one after another (each DotGeneral still uses every
// core): New adds ops_sequential to every pure-Go configuration that names no ops_ mode,
// because in GoMLX v0.26.0 the parallel scheduler runs operations on the same bounded worker
// pool that DotGeneral then waits on, and a wide graph (the marginal effects of a
// seven-outcome model on two cores) deadlocks. The likelihood graphs are chains of large
// products, so nothing is lost: BenchmarkValueGrad is the same within noise either way.
const PureGo = "go:dotgeneral_small,ops_sequential"

// New returns the backend that GOMLX_BACKEND names, as GoMLX reads it ("go", "xla:cpu",
// "xla:cuda", "xla:/path/to/pjrt_plugin.so"). When GOMLX_BACKEND is unset (or empty) it picks
// XLA CPU if a PJRT CPU plugin is installed where go-xla looks for one
// (PJRT_PLUGIN_LIBRARY_PATH, then go-xla's standard folders), and the pure-Go backend (PureGo)
// otherwise. The second result is the configuration it used, also when it returns an error.
//
// It never downloads anything: go-xla's auto-installer is switched off, so a missing plugin is
// an error (or, when GOMLX_BACKEND is unset, a fall back to pure Go), never a wait on the network.
//
// The backend of a configuration is made once per process: later calls return the same one,
// so do not Finalize it. Each XLA backend is a PJRT client, and XLA's CUDA client takes about
// 75% of the GPU's memory when it starts, so a second or third client in one process failed
// with CUDA_ERROR_OUT_OF_MEMORY, which XLA turns into an abort (seen on an H200 running the
// examples, each of which calls New).
func New() (backends.Backend, string, error) {
	xla.EnableAutoInstall(false)
	config := os.Getenv(backends.ConfigEnvVar)
	if config == "" {
		config = PureGo
		if _, ok := pjrt.AvailablePlugins()["cpu"]; ok {
			config = "xla:cpu"
		}
	}
	config = sequential(config)
	made.Lock()
	defer made.Unlock()
	if b, ok := made.backends[config]; ok {
		return b, config, nil
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
	made.backends[config] = b
	return b, config, nil
}

// made holds the backends New has made, by configuration.
var made = struct {
	sync.Mutex
	backends map[string]backends.Backend
}{backends: map[string]backends.Backend{}}

// sequential adds ops_sequential to a pure-Go configuration that names no ops_ mode (see
// PureGo).
func sequential(config string) string {
	name, opts, _ := strings.Cut(config, ":")
	if name != "go" || strings.Contains(opts, "ops_") {
		return config
	}
	if opts == "" {
		return "go:ops_sequential"
	}
	return config + ",ops_sequential"
}

// NewCPU returns XLA's CPU backend with the given number of virtual devices (PJRT's
// cpu_device_count; XLA makes 4 by default), on which rows can be sharded over several devices
// without a GPU (mlx.Settings.Devices). The devices share the machine's cores, so they
// exercise multi-device programs rather than speed them up. It returns an error if no PJRT CPU
// plugin is installed (scripts/install-pjrt-cpu.sh) or devices is below 1.
func NewCPU(devices int) (backends.Backend, error) {
	if devices < 1 {
		return nil, fmt.Errorf("backend: NewCPU(%d): want at least one device", devices)
	}
	xla.EnableAutoInstall(false)
	var b backends.Backend
	err := guard.Run(func() error {
		var err error
		b, err = xla.NewWithOptions("cpu", pjrt.NamedValuesMap{"cpu_device_count": int64(devices)})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("backend: XLA CPU with %d devices: %w", devices, err)
	}
	return b, nil
}
