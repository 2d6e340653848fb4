// Package backend chooses and creates the GoMLX backend that gomle's programs, notebooks and
// examples run on:
//
//	b, config, err := backend.New() // GOMLX_BACKEND, else XLA CPU if installed, else pure Go
//	res, err := mlx.Fit(b, model, data, nil, nil)
//
// It is the one package of gomle that links backend implementations: GoMLX's pure-Go backend
// and its XLA backend, with go-xla's PJRT loader. The engine (mlx) and the packages built on it
// (likelihoods, stderr, plots) take a backends.Backend and link none, so a program that brings
// its own backend, or only the pure-Go one, does not pull in go-xla.
//
// # Error handling
//
// New returns an error, wrapped with the configuration it tried, when the backend cannot be
// created: an unknown name, a missing PJRT plugin, a plugin that fails to load. A panic inside
// GoMLX's backend constructors becomes an error too.
//
// # Backends
//
// GOMLX_BACKEND is read as GoMLX reads it: "go" (pure Go), "xla:cpu", "xla:cuda", or
// "xla:/absolute/path/to/pjrt_plugin.so". Unset, New picks XLA CPU when a PJRT CPU plugin is
// installed and PureGo otherwise. go-xla's network auto-installer is always switched off.
package backend
