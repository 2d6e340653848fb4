// Package guard turns panics raised while building or running GoMLX graphs into errors, at the
// one place where gomle's exported API crosses from graph code into user code.
//
// Graph-building code panics (as GoMLX ops do); exported functions that compile or run a graph
// return errors. Run is the boundary between the two.
package guard

import (
	"errors"
	"fmt"
)

// Run calls fn and returns its error, or the panic it raised converted to an error. A panic
// value that is already an error is wrapped with %w so errors.As still finds it.
func Run(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			switch v := r.(type) {
			case error:
				err = fmt.Errorf("%w", v)
			default:
				err = errors.New(fmt.Sprint(v))
			}
		}
	}()
	return fn()
}
