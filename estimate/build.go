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
	// keep lists the columns of the design that data.X holds, in order: all of them but
	// clogit's intercept and regressors omitted for collinearity.
	keep []int
	// weights is the dataset column of the observation weights, nil when unweighted.
	weights *mlx.Column
}

// modelData maps the spec's columns onto the family's data roles: the response, the design
// (without the intercept for a family that cannot identify one), the offset (the formula's
// offset terms plus Spec.Offset or the log of Spec.Exposure), the choice sets and the failure
// indicator.
func modelData(fam *likelihoods.Family, s *Spec, d *frame.Design) (*input, error) {
	lhs, _, _ := strings.Cut(s.Formula, "~")
	data := &likelihoods.Data{Response: strings.TrimSpace(lhs), Y: d.Y, X: d.X, Names: d.Names, Rows: make([]int, len(d.Rows))}
	for i, r := range d.Rows {
		data.Rows[i] = r + 1
	}
	in := &input{data: data}
	for j := range d.Names {
		in.keep = append(in.keep, j)
	}
	if j := slices.Index(d.Names, interceptName); fam.NoIntercept && j >= 0 {
		if len(d.Names) == 1 {
			return nil, fmt.Errorf("estimate: %s needs regressors: it cannot identify a constant, and the formula has only the intercept", fam.Name)
		}
		in.keep = slices.Delete(in.keep, j, j+1)
		data.X, data.Names = columns(d.X, in.keep), slices.Delete(slices.Clone(d.Names), j, j+1)
	}
	switch {
	case s.Offset != "":
		data.Offset = slices.Clone(d.Extra[s.Offset])
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
	// The formula's offset(...) terms add to Spec.Offset or the log of Spec.Exposure, as R
	// adds glm's offset argument to them.
	switch {
	case d.Offset == nil:
	case data.Offset == nil:
		data.Offset = d.Offset
	default:
		for i, v := range d.Offset {
			data.Offset[i] += v
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

// checkOffsets returns an error if the formula has offset terms and the family takes no
// offset, naming the families that do.
func checkOffsets(fam *likelihoods.Family, formula *frame.Formula) error {
	offsets := formula.Offsets()
	if len(offsets) == 0 || fam.Takes&likelihoods.TakesOffset != 0 {
		return nil
	}
	var takers []string
	for _, f := range likelihoods.Families() {
		if f.Takes&likelihoods.TakesOffset != 0 {
			takers = append(takers, f.Name)
		}
	}
	return fmt.Errorf("estimate: %s takes no offset, but the formula has %s (models with an offset: %s)",
		fam.Name, strings.Join(offsets, " + "), strings.Join(takers, ", "))
}

// columns returns the columns keep of x, in that order; x itself when keep is all of them.
func columns(x *mat.Dense, keep []int) *mat.Dense {
	n, k := x.Dims()
	if len(keep) == k {
		return x
	}
	out := mat.NewDense(n, len(keep), nil)
	for c, j := range keep {
		out.Slice(0, n, c, c+1).(*mat.Dense).Copy(x.Slice(0, n, j, j+1))
	}
	return out
}

// collinearityTol is the relative tolerance of omitCollinear: a column whose part orthogonal
// to the columns before it has a norm below 1e-7 of its own norm is a linear combination of
// them. 1e-7 is the tolerance of R's lm (lm.fit's tol, applied the same way by its pivoted
// QR, LINPACK dqrdc2); it keeps every column of NIST's Longley problem, whose smallest ratio
// (YEAR's, after the intercept and the five others) is 8.6e-5.
const collinearityTol = 1e-7

// omitCollinear drops from the model's design every column that is (to collinearityTol) a
// linear combination of the columns before it, the later of dependent columns, as Stata's
// "note: x omitted because of collinearity" and R's NA coefficients do, and returns the
// names of the columns dropped. It runs sequential Gram–Schmidt with reorthogonalization over
// the columns in formula order (the intercept first), so the rest of the fit is that of the
// design without the dropped columns. A column of zeros is dropped too. It returns an error
// when no column is left.
func (in *input) omitCollinear(model string) ([]string, error) {
	x, names := in.data.X, in.data.Names
	n, k := x.Dims()
	if n < k {
		return nil, nil // too few rows for any fit: checkDesign says so, naming the count
	}
	var basis []*mat.VecDense // orthonormal columns of the kept ones
	var keep []int
	var omitted []string
	for j := range k {
		v := mat.NewVecDense(n, nil)
		v.CopyVec(x.ColView(j))
		norm := mat.Norm(v, 2)
		for range 2 { // twice is enough (Kahan's "twice is enough" for Gram–Schmidt)
			for _, q := range basis {
				v.AddScaledVec(v, -mat.Dot(q, v), q)
			}
		}
		rest := mat.Norm(v, 2)
		if !(norm > 0) || rest <= collinearityTol*norm {
			omitted = append(omitted, names[j])
			continue
		}
		v.ScaleVec(1/rest, v)
		basis = append(basis, v)
		keep = append(keep, j)
	}
	if len(omitted) == 0 {
		return nil, nil
	}
	if len(keep) == 0 {
		return nil, fmt.Errorf("estimate: %s: every regressor (%s) is zero in every row used; there is nothing to fit", model, strings.Join(names, ", "))
	}
	newKeep := make([]int, len(keep))
	newNames := make([]string, len(keep))
	for c, j := range keep {
		newKeep[c], newNames[c] = in.keep[j], names[j]
	}
	in.data.X, in.data.Names, in.keep = columns(x, keep), newNames, newKeep
	return omitted, nil
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
// nearly linear combinations of each other, which it names. omitCollinear has dropped the
// exactly dependent columns before; this catches designs whose condition is too poor for
// the standard errors even so.
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
	return fmt.Errorf("estimate: %s: the regressors are nearly collinear (condition number of the scaled X'X %.3g): %s; their standard errors would have fewer than three correct digits; drop or rescale one of them",
		model, d.Cond, strings.Join(involved, ", "))
}
