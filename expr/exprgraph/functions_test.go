package exprgraph

import (
	"slices"
	"testing"

	"github.com/gomle/gomle/expr"
)

// TestFunctions checks that every function expr parses has a graph version, and no other.
func TestFunctions(t *testing.T) {
	var names []string
	for name := range functions {
		names = append(names, name)
	}
	slices.Sort(names)
	if want := expr.Functions(); !slices.Equal(names, want) {
		t.Errorf("graph versions of %v, want %v (expr.Functions)", names, want)
	}
}
