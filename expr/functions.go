package expr

import (
	"math"
	"slices"
)

// function is a function that expressions may call.
type function struct {
	arity int                   // the number of arguments
	eval  func(float64) float64 // the host version, used by Eval and Fold
}

// functions are the functions expressions may call, by name. Package exprgraph has the graph
// version of each, and its tests check that it knows every one.
var functions = map[string]function{
	"atan": {1, math.Atan},
	"cos":  {1, math.Cos},
	"exp":  {1, math.Exp},
	"log":  {1, math.Log},
	"sin":  {1, math.Sin},
	"sqrt": {1, math.Sqrt},
}

// Functions returns the names of the functions an expression may call, sorted.
func Functions() []string { return functionNames() }

// functionNames returns the keys of functions, sorted.
func functionNames() []string {
	names := make([]string, 0, len(functions))
	for name := range functions {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
