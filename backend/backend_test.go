package backend

import (
	"strings"
	"testing"

	"github.com/gomlx/go-xla/pkg/pjrt"
	"github.com/gomlx/gomlx/backends"
)

func TestNew(t *testing.T) {
	t.Setenv(backends.ConfigEnvVar, "go")
	b, config, err := New()
	if err != nil || config != "go:ops_sequential" || b.Name() == "" {
		t.Fatalf("GOMLX_BACKEND=go: %v, %q, %v", b, config, err)
	}

	// One backend per configuration and process: a GPU's PJRT client takes most of its memory.
	if again, _, err := New(); err != nil || again != b {
		t.Errorf("a second New with the same configuration made another backend (%v)", err)
	}

	t.Setenv(backends.ConfigEnvVar, "nosuch")
	if _, _, err := New(); err == nil || !strings.Contains(err.Error(), `"nosuch"`) {
		t.Errorf("unknown backend: error %v, want one naming it", err)
	}

	// A plugin that is not installed is an error, not a download (this machine has no route
	// to go-xla's download site: an attempt would fail or hang past the test's deadline).
	t.Setenv(backends.ConfigEnvVar, "xla:nosuchplugin")
	if _, _, err := New(); err == nil || !strings.Contains(err.Error(), "nosuchplugin") {
		t.Errorf("missing PJRT plugin: error %v, want one naming it", err)
	}

	t.Setenv(backends.ConfigEnvVar, "")
	_, config, err = New()
	_, hasCPU := pjrt.AvailablePlugins()["cpu"]
	switch {
	case err != nil:
		t.Errorf("default backend: %v", err)
	case hasCPU && config != "xla:cpu", !hasCPU && config != PureGo:
		t.Errorf("default backend %q with PJRT CPU plugin installed = %v", config, hasCPU)
	}
}

// TestSequential checks which configurations get ops_sequential added.
func TestSequential(t *testing.T) {
	for in, want := range map[string]string{
		"go":                               "go:ops_sequential",
		"go:dotgeneral_small":              "go:dotgeneral_small,ops_sequential",
		"go:dotgeneral_small,ops_parallel": "go:dotgeneral_small,ops_parallel",
		"xla:cpu":                          "xla:cpu",
		PureGo:                             PureGo,
	} {
		if got := sequential(in); got != want {
			t.Errorf("sequential(%q) = %q, want %q", in, got, want)
		}
	}
}
