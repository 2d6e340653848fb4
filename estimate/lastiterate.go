package estimate

import (
	"fmt"
	"math"

	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/stderr"
	"gonum.org/v1/gonum/mat"
)

// noCovariance stands in for the covariance of a fit that stopped before converging at a point
// where its estimator does not exist (−H not negative definite at an early iterate, say): every
// entry is NaN, so the report still shows the last iterate, with no standard errors.
type noCovariance struct{ kind stderr.Covariance }

// String names the estimator that was asked for.
func (c noCovariance) String() string { return covName(c.kind) }

// Unconstrained returns a p×p matrix of NaN.
func (c noCovariance) Unconstrained(res *mlx.Result) (*mat.SymDense, error) {
	p := len(res.Unconstrained)
	v := mat.NewSymDense(p, nil)
	for i := range p {
		for j := i; j < p; j++ {
			v.SetSym(i, j, math.NaN())
		}
	}
	return v, nil
}

// lastIterate turns the failure err of the covariance of an unconverged fit into estimates
// without standard errors and a note saying why; a converged fit keeps its error, which then
// means something is wrong with the model at its maximum.
func lastIterate(res *mlx.Result, cov stderr.Covariance, level float64, err error) (*stderr.Estimates, string, error) {
	if res.Status.Converged() {
		return nil, "", err
	}
	est, err2 := stderr.New(res, noCovariance{cov}, &stderr.Settings{Level: level})
	if err2 != nil {
		return nil, "", err
	}
	return est, fmt.Sprintf("Warning: no standard errors at the last iterate, where the fit stopped before converging: %v.", err), nil
}
