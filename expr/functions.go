package expr

import (
	"math"
	"slices"
)

// function is a function that expressions may call.
type function struct {
	arity int                   // the number of arguments
	eval  func(float64) float64 // the host version, used by Eval and Fold
	deriv func(float64) float64 // its derivative, used by Derivative
}

// functions are the functions expressions may call, by name. Package exprgraph has the graph
// version of each, and its tests check that it knows every one.
var functions = map[string]function{
	"atan": {1, math.Atan, func(x float64) float64 { return 1 / (1 + x*x) }},
	"cos":  {1, math.Cos, func(x float64) float64 { return -math.Sin(x) }},
	"exp":  {1, math.Exp, math.Exp},
	"log":  {1, math.Log, func(x float64) float64 { return 1 / x }},
	"sin":  {1, math.Sin, math.Cos},
	"sqrt": {1, math.Sqrt, func(x float64) float64 { return 0.5 / math.Sqrt(x) }},
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
