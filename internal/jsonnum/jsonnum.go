// Package jsonnum carries floating-point numbers through JSON, which has no NaN or infinity:
// a number that does not exist is written as null and read back as NaN.
package jsonnum

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Num returns v, or nil when v is NaN or infinite.
func Num(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// Vec returns the entries of v as Num does; nil for nil.
func Vec(v []float64) []*float64 {
	if v == nil {
		return nil
	}
	out := make([]*float64, len(v))
	for i, x := range v {
		out[i] = Num(x)
	}
	return out
}

// Matrix returns the rows of m as Vec does; nil for a nil m.
func Matrix(m mat.Matrix) [][]*float64 {
	if m == nil {
		return nil
	}
	if s, ok := m.(*mat.SymDense); ok && s == nil {
		return nil
	}
	if d, ok := m.(*mat.Dense); ok && d == nil {
		return nil
	}
	r, c := m.Dims()
	out := make([][]*float64, r)
	for i := range r {
		row := make([]float64, c)
		for j := range c {
			row[j] = m.At(i, j)
		}
		out[i] = Vec(row)
	}
	return out
}

// Value returns *p, or NaN for nil.
func Value(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// Values returns the entries of v as Value does; nil for nil.
func Values(v []*float64) []float64 {
	if v == nil {
		return nil
	}
	out := make([]float64, len(v))
	for i, p := range v {
		out[i] = Value(p)
	}
	return out
}
