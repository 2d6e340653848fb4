package estimate

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/internal/linalg"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomlx/gomlx/backends"
	"gonum.org/v1/gonum/mat"
)

// interceptName is the label frame gives the intercept's column.
const interceptName = "Intercept"

// input is a design turned into a model's data by role.
type input struct {
	data *likelihoods.Data
	// dropped is the column of the design left out of data.X (clogit's intercept), or −1.
	dropped int
	// weights is the dataset column of the observation weights, nil when unweighted.
	weights *mlx.Column
}

// modelData maps the spec's columns onto the family's data roles: the response, the design
// (without the intercept for a family that cannot identify one), the offset (or the log of
// the exposure), the choice sets and the failure indicator.
func modelData(fam *likelihoods.Family, s *Spec, d *frame.Design) (*input, error) {
	lhs, _, _ := strings.Cut(s.Formula, "~")
	data := &likelihoods.Data{Response: strings.TrimSpace(lhs), Y: d.Y, X: d.X, Names: d.Names, Rows: make([]int, len(d.Rows))}
	for i, r := range d.Rows {
		data.Rows[i] = r + 1
	}
	in := &input{data: data, dropped: -1}
	if j := slices.Index(d.Names, interceptName); fam.NoIntercept && j >= 0 {
		if len(d.Names) == 1 {
			return nil, fmt.Errorf("estimate: %s needs regressors: it cannot identify a constant, and the formula has only the intercept", fam.Name)
		}
		in.dropped = j
		data.X, data.Names = dropColumn(d.X, j), slices.Delete(slices.Clone(d.Names), j, j+1)
	}
	switch {
	case s.Offset != "":
		data.Offset = d.Extra[s.Offset]
	case s.Exposure != "":
		exp := d.Extra[s.Exposure]
		data.Offset = make([]float64, len(exp))
		for i, v := range exp {
			if !(v > 0) {
				return nil, fmt.Errorf("estimate: %s needs the exposure %s to be positive; data row %d has %g", s.Model, s.Exposure, data.Rows[i], v)
			}
			data.Offset[i] = math.Log(v)
		}
	}
	if s.Group != "" {
		data.Group = d.Extra[s.Group]
	}
	if s.Failure != "" {
		data.Failure = d.Extra[s.Failure]
	}
	return in, nil
}

// dropColumn returns x, of at least two columns, without column j.
func dropColumn(x *mat.Dense, j int) *mat.Dense {
	n, k := x.Dims()
	out := mat.NewDense(n, k-1, nil)
	c := 0
	for jj := range k {
		if jj == j {
			continue
		}
		out.Slice(0, n, c, c+1).(*mat.Dense).Copy(x.Slice(0, n, jj, jj+1))
		c++
	}
	return out
}

// nullModel returns the log-likelihood of the null hypothesis of the LR test of all slopes and
// the number of parameters under it: the problem's own null where it has one (clogit, the
// ordered models), else the intercept-only fit of the same family. ok is false when the model
// has no intercept, so no null model, and when ctx is done before that fit converges.
func nullModel(ctx context.Context, b backends.Backend, fam *likelihoods.Family, prob *likelihoods.Problem, in *input, s Spec, res *mlx.Result) (ll float64, params int, ok bool, err error) {
	data := in.data
	if prob.Null != nil {
		ll, params, err := prob.Null(res)
		return ll, params, err == nil, err
	}
	if !slices.Contains(data.Names, interceptName) {
		return 0, 0, false, nil
	}
	n := len(data.Y)
	ones := make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	null := *data
	null.X, null.Names = mat.NewDense(n, 1, ones), []string{interceptName}
	nprob, err := fam.Build(&null, s.Options)
	if err != nil {
		return 0, 0, false, err
	}
	if in.weights != nil {
		nprob.Columns = append(nprob.Columns, *in.weights)
	}
	ds, err := mlx.NewDataset(nprob.Columns...)
	if err != nil {
		return 0, 0, false, err
	}
	settings := s.Settings
	settings.Start = nprob.Start
	settings.Recorder = nil // the Recorder follows the model's fit, not this one
	nres, err := mlx.FitContext(ctx, b, nprob.Model, ds, &settings, &optim.Newton{})
	if err != nil {
		return 0, 0, false, err
	}
	if nres.Status == optim.Canceled {
		return 0, 0, false, nil // no LR test: the caller stopped the fit
	}
	if !nres.Status.Converged() {
		return 0, 0, false, fmt.Errorf("the intercept-only fit did not converge (%v: %s)", nres.Status, nres.Reason)
	}
	return nres.LogLike, len(nres.Estimates), true, nil
}

// collinearityLimit is the condition number of the equilibrated X'X past which regressors are
// called collinear: 1e13, the limit stderr applies to information matrices (about three
// significant digits left in an inverse).
const collinearityLimit = 1e13

// checkDesign returns an error, before any fit, when the regressors cannot identify the
// coefficients: fewer observations than parameters, a column of zeros, or columns that are
// (nearly) linear combinations of each other, which it names, as Stata's "note: x omitted
// because of collinearity" does (gomle reports instead of dropping, so the user chooses).
func checkDesign(model string, n, params int, x *mat.Dense, names []string) error {
	if n < params {
		return fmt.Errorf("estimate: %s: %d observation(s) cannot identify %d parameters", model, n, params)
	}
	_, k := x.Dims()
	xtx := mat.NewSymDense(k, nil)
	xtx.SymOuterK(1, x.T())
	for j := range k {
		if xtx.At(j, j) == 0 {
			return fmt.Errorf("estimate: %s: regressor %s is zero in every row used; drop it", model, names[j])
		}
	}
	scaled, _, ok := linalg.Equilibrate(xtx)
	if !ok {
		return fmt.Errorf("estimate: %s: the regressors are not finite", model)
	}
	d := linalg.Degenerate(scaled, collinearityLimit)
	if len(d.Eigenvalues) == 0 {
		return nil
	}
	var involved []string
	for _, j := range d.Involved {
		involved = append(involved, names[j])
	}
	return fmt.Errorf("estimate: %s: the regressors are collinear (condition number of the scaled X'X %.3g): %s; a constant column duplicates the intercept, dummies for every level do too; drop one of them",
		model, d.Cond, strings.Join(involved, ", "))
}
