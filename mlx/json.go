package mlx

import (
	"encoding/json"

	"github.com/gomle/gomle/internal/jsonnum"
)

// MarshalJSON writes the result as JSON: every exported field, with the model's declaration
// (its name, blocks, indices and the names of its predictions; the graph functions are left
// out), Status as its name ("converged (gradient)"), the durations in nanoseconds, the Hessian
// as an array of rows, and numbers that are NaN or infinite as null. The evaluator is not
// written: a result read back from JSON cannot evaluate or refit.
func (r *Result) MarshalJSON() ([]byte, error) {
	type plain Result // plain has Result's fields without its methods, so no recursion
	history := make([]iteration, len(r.History))
	for i, it := range r.History {
		history[i] = iteration{it.Iter, jsonnum.Num(it.LogLike), jsonnum.Num(it.GradNorm), it.Evaluations, it.Elapsed.Nanoseconds()}
	}
	return json.Marshal(struct {
		*plain
		Weights                  string
		Status                   string
		Converged                bool
		LogLike                  *float64
		Estimates, Unconstrained []*float64
		Gradient                 []*float64
		Hessian                  [][]*float64
		History                  []iteration
	}{
		plain: (*plain)(r), Weights: r.Weights.String(), Status: r.Status.String(), Converged: r.Status.Converged(),
		LogLike: jsonnum.Num(r.LogLike), Estimates: jsonnum.Vec(r.Estimates), Unconstrained: jsonnum.Vec(r.Unconstrained),
		Gradient: jsonnum.Vec(r.Gradient), Hessian: jsonnum.Matrix(r.Hessian), History: history,
	})
}

// iteration is optim.Iteration in JSON, with null for a NaN log-likelihood or gradient norm
// and the elapsed time in nanoseconds.
type iteration struct {
	Iter              int
	LogLike, GradNorm *float64
	Evaluations       int
	Elapsed           int64
}
