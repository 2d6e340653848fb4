package estimate

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
	"github.com/gomlx/gomlx/backends"
	"gonum.org/v1/gonum/mat"
)

// builder returns a model, its data columns and a start for the regressors x, the design's or
// the intercept alone. Calling it twice gives the full and the null model of one family.
type builder func(x *mat.Dense) (*mlx.Model, []mlx.Column, []float64, error)

// interceptName is the label frame gives the intercept's column.
const interceptName = "Intercept"

// newProblem builds the full model from d and, when d has an intercept, the null model as the
// intercept-only fit of the same builder.
func newProblem(d *frame.Design, build builder) (*problem, error) {
	m, cols, start, err := build(d.X)
	if err != nil {
		return nil, err
	}
	if err := checkDesign(m.Name, len(d.Y), m.NumParams(), d.X, d.Names); err != nil {
		return nil, err
	}
	m.Blocks[0].Labels = slices.Clone(d.Names)
	p := &problem{model: m, columns: cols, start: start}
	if slices.Contains(d.Names, interceptName) {
		p.null = func(b backends.Backend, _ *mlx.Result, s mlx.Settings) (float64, int, error) {
			nm, ncols, nstart, err := build(onesColumn(len(d.Y)))
			if err != nil {
				return 0, 0, err
			}
			ds, err := mlx.NewDataset(ncols...)
			if err != nil {
				return 0, 0, err
			}
			s.Start = nstart
			res, err := mlx.Fit(b, nm, ds, &s, &optim.Newton{})
			if err != nil {
				return 0, 0, err
			}
			if !res.Status.Converged() {
				return 0, 0, fmt.Errorf("the intercept-only fit did not converge (%v: %s)", res.Status, res.Reason)
			}
			return res.LogLike, len(res.Estimates), nil
		}
	}
	return p, nil
}

// onesColumn returns the n×1 design of the intercept alone.
func onesColumn(n int) *mat.Dense {
	ones := make([]float64, n)
	for i := range ones {
		ones[i] = 1
	}
	return mat.NewDense(n, 1, ones)
}

// interceptIndex returns the column of x that is all ones, or −1.
func interceptIndex(x *mat.Dense) int {
	n, k := x.Dims()
	for j := range k {
		ones := true
		for i := 0; i < n && ones; i++ {
			ones = x.At(i, j) == 1
		}
		if ones {
			return j
		}
	}
	return -1
}

// checkValues returns an error naming the first row of vals that fails ok.
func checkValues(d *frame.Design, model, column string, vals []float64, ok func(float64) bool, want string) error {
	for i, v := range vals {
		if !ok(v) {
			return fmt.Errorf("estimate: %s needs %s to be %s; data row %d has %g", model, column, want, d.Rows[i]+1, v)
		}
	}
	return nil
}

// response names the formula's left-hand side in messages.
func response(s *Spec) string {
	lhs, _, _ := strings.Cut(s.Formula, "~")
	return strings.TrimSpace(lhs)
}

func buildOLS(s *Spec, d *frame.Design) (*problem, error) {
	return newProblem(d, func(x *mat.Dense) (*mlx.Model, []mlx.Column, []float64, error) {
		_, k := x.Dims()
		return likelihoods.NormalLinear(k), []mlx.Column{mlx.Vector("y", d.Y), mlx.Matrix("x", x)}, olsStart(x, d.Y), nil
	})
}

// olsStart returns least-squares β and the root mean squared residual, the start of the
// normal models (for tobit, a start on the right scale). If x is rank deficient it returns
// β = 0 and the standard deviation of y; the fit then reports the singular information.
func olsStart(x *mat.Dense, y []float64) []float64 {
	n, k := x.Dims()
	var beta mat.VecDense
	yv := mat.NewVecDense(n, slices.Clone(y))
	if err := beta.SolveVec(x, yv); err != nil {
		beta = *mat.NewVecDense(k, nil)
	}
	var fit mat.VecDense
	fit.MulVec(x, &beta)
	ssr := 0.0
	for i := range n {
		r := y[i] - fit.AtVec(i)
		ssr += r * r
	}
	sigma := math.Sqrt(ssr / float64(n))
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		sigma = 1
	}
	return append(slices.Clone(beta.RawVector().Data), sigma)
}

func buildBinary(model func(int) *mlx.Model, index stderr.Index) func(*Spec, *frame.Design) (*problem, error) {
	return func(s *Spec, d *frame.Design) (*problem, error) {
		if err := checkValues(d, s.Model, response(s), d.Y, func(v float64) bool { return v == 0 || v == 1 }, "0 or 1"); err != nil {
			return nil, err
		}
		if err := checkSeparation(s.Model, response(s), d.Y, d.X, d.Names); err != nil {
			return nil, err
		}
		p, err := newProblem(d, func(x *mat.Dense) (*mlx.Model, []mlx.Column, []float64, error) {
			_, k := x.Dims()
			return model(k), []mlx.Column{mlx.Vector("y", d.Y), mlx.Matrix("x", x)}, make([]float64, k), nil
		})
		if err != nil {
			return nil, err
		}
		p.index, p.binary = &index, true
		return p, nil
	}
}

func buildCount(negbin bool) func(*Spec, *frame.Design) (*problem, error) {
	return func(s *Spec, d *frame.Design) (*problem, error) {
		if err := checkValues(d, s.Model, response(s), d.Y, func(v float64) bool { return v >= 0 }, "a non-negative count"); err != nil {
			return nil, err
		}
		var offset []float64
		switch {
		case s.Offset != "":
			offset = d.Extra[s.Offset]
		case s.Exposure != "":
			exp := d.Extra[s.Exposure]
			if err := checkValues(d, s.Model, "the exposure "+s.Exposure, exp, func(v float64) bool { return v > 0 }, "positive"); err != nil {
				return nil, err
			}
			offset = make([]float64, len(exp))
			for i, v := range exp {
				offset[i] = math.Log(v)
			}
		}
		meanOffset, meanY := 0.0, 0.0
		for i, y := range d.Y {
			meanY += y / float64(len(d.Y))
			if offset != nil {
				meanOffset += offset[i] / float64(len(d.Y))
			}
		}
		p, err := newProblem(d, func(x *mat.Dense) (*mlx.Model, []mlx.Column, []float64, error) {
			_, k := x.Dims()
			cols := []mlx.Column{mlx.Vector("y", d.Y), mlx.Matrix("x", x)}
			if offset != nil {
				cols = append(cols, mlx.Vector("offset", offset))
			}
			// Start at the constant-only fit, log ȳ − mean offset, as Stata does.
			start := make([]float64, k)
			if j := interceptIndex(x); j >= 0 && meanY > 0 {
				start[j] = math.Log(meanY) - meanOffset
			}
			if negbin {
				return likelihoods.NegBin2(k, offset != nil), cols, append(start, 1), nil
			}
			return likelihoods.Poisson(k, offset != nil), cols, start, nil
		})
		if err != nil {
			return nil, err
		}
		p.index, p.offset = &stderr.ExpIndex, offset
		return p, nil
	}
}

func buildTobit(s *Spec, d *frame.Design) (*problem, error) {
	lower, upper := math.Inf(-1), math.Inf(1)
	if s.Lower != nil {
		lower = *s.Lower
	}
	if s.Upper != nil {
		upper = *s.Upper
	}
	if s.Lower == nil && s.Upper == nil {
		return nil, fmt.Errorf("estimate: tobit needs a lower or an upper censoring limit (without limits it is ols)")
	}
	if !(lower < upper) {
		return nil, fmt.Errorf("estimate: tobit's lower limit %g must be below its upper limit %g", lower, upper)
	}
	var left, right int
	for _, y := range d.Y {
		if y <= lower {
			left++
		}
		if y >= upper {
			right++
		}
	}
	p, err := newProblem(d, func(x *mat.Dense) (*mlx.Model, []mlx.Column, []float64, error) {
		_, k := x.Dims()
		return likelihoods.Tobit(k, lower, upper), []mlx.Column{mlx.Vector("y", d.Y), mlx.Matrix("x", x)}, olsStart(x, d.Y), nil
	})
	if err != nil {
		return nil, err
	}
	var parts []string
	if s.Lower != nil {
		parts = append(parts, fmt.Sprintf("%d left-censored at y <= %g", left, lower))
	}
	if s.Upper != nil {
		parts = append(parts, fmt.Sprintf("%d right-censored at y >= %g", right, upper))
	}
	p.notes = append(p.notes, fmt.Sprintf("Observations: %s, %d uncensored.", strings.Join(parts, ", "), len(d.Y)-left-right))
	return p, nil
}

func buildMNLogit(s *Spec, d *frame.Design) (*problem, error) {
	levels, onehot, err := likelihoods.OneHot(d.Y)
	if err != nil {
		return nil, fmt.Errorf("estimate: mlogit: %w", err)
	}
	base := 0
	if s.Base != nil {
		if base = slices.Index(levels, *s.Base); base < 0 {
			return nil, fmt.Errorf("estimate: mlogit: the base outcome %g is not a value of %s (values: %v)", *s.Base, response(s), levels)
		}
	}
	names := make([]string, len(levels))
	for i, l := range levels {
		names[i] = fmt.Sprintf("%g", l)
	}
	yName := response(s)
	p, err := newProblem(d, func(x *mat.Dense) (*mlx.Model, []mlx.Column, []float64, error) {
		_, k := x.Dims()
		return likelihoods.MNLogit(k, names, base), []mlx.Column{mlx.Matrix("y", onehot), mlx.Matrix("x", x)}, make([]float64, k*(len(levels)-1)), nil
	})
	if err != nil {
		return nil, err
	}
	// One equation per non-base outcome, labelled "y=level: regressor" as Stata's equations.
	eq := 0
	for j, l := range names {
		if j == base {
			continue
		}
		labels := make([]string, len(d.Names))
		for i, n := range d.Names {
			labels[i] = fmt.Sprintf("%s=%s: %s", yName, l, n)
		}
		p.model.Blocks[eq].Labels = labels
		eq++
	}
	p.notes = append(p.notes, fmt.Sprintf("Base outcome %s=%s (its coefficients are 0).", yName, names[base]))
	return p, nil
}

func buildCLogit(s *Spec, d *frame.Design) (*problem, error) {
	if s.Group == "" {
		return nil, fmt.Errorf("estimate: clogit needs the choice-set column (Group, -group)")
	}
	if err := checkValues(d, s.Model, response(s), d.Y, func(v float64) bool { return v == 0 || v == 1 }, "0 or 1"); err != nil {
		return nil, err
	}
	x, names := d.X, d.Names
	if j := slices.Index(names, interceptName); j >= 0 {
		// A constant cancels out of every choice probability: drop it, as Stata's clogit does.
		n, k := x.Dims()
		if k == 1 {
			return nil, fmt.Errorf("estimate: clogit needs regressors that vary within a choice set; the formula has only the intercept")
		}
		keep := mat.NewDense(n, k-1, nil)
		c := 0
		for jj := range k {
			if jj == j {
				continue
			}
			keep.Slice(0, n, c, c+1).(*mat.Dense).Copy(x.Slice(0, n, jj, jj+1))
			c++
		}
		x, names = keep, slices.Delete(slices.Clone(names), j, j+1)
	}
	cols, err := likelihoods.ChoiceColumns(d.Extra[s.Group], d.Y, x)
	if err != nil {
		return nil, fmt.Errorf("estimate: clogit: %w", err)
	}
	_, k := x.Dims()
	if err := checkDesign("clogit", cols[0].Dims[0], k, x, names); err != nil {
		return nil, err
	}
	m := likelihoods.CLogit(k)
	m.Blocks[0].Labels = names
	return &problem{model: m, columns: cols, start: make([]float64, k),
		null: func(_ backends.Backend, res *mlx.Result, _ mlx.Settings) (float64, int, error) {
			ll, err := res.Evaluator().LogLike(make([]float64, k))
			return ll, 0, err
		},
		notes: []string{"Observations are choice sets; the LR test is against β = 0 (equal choice probabilities)."},
	}, nil
}

func buildDuration(weibull bool) func(*Spec, *frame.Design) (*problem, error) {
	return func(s *Spec, d *frame.Design) (*problem, error) {
		if err := checkValues(d, s.Model, "the duration "+response(s), d.Y, func(v float64) bool { return v > 0 }, "positive"); err != nil {
			return nil, err
		}
		fail := make([]float64, len(d.Y))
		if s.Failure != "" {
			copy(fail, d.Extra[s.Failure])
			if err := checkValues(d, s.Model, "the failure indicator "+s.Failure, fail, func(v float64) bool { return v == 0 || v == 1 }, "0 or 1"); err != nil {
				return nil, err
			}
		} else {
			for i := range fail {
				fail[i] = 1
			}
		}
		events, exposure := 0.0, 0.0
		for i, t := range d.Y {
			events += fail[i]
			exposure += t
		}
		if events == 0 {
			return nil, fmt.Errorf("estimate: %s: no failures in the data (every duration is censored); the hazard cannot be estimated", s.Model)
		}
		return newProblem(d, func(x *mat.Dense) (*mlx.Model, []mlx.Column, []float64, error) {
			_, k := x.Dims()
			cols := []mlx.Column{mlx.Vector("t", d.Y), mlx.Vector("d", fail), mlx.Matrix("x", x)}
			// Start at the exponential constant-only MLE, log(failures / total time).
			start := make([]float64, k)
			if j := interceptIndex(x); j >= 0 {
				start[j] = math.Log(events / exposure)
			}
			if weibull {
				return likelihoods.Weibull(k), cols, append(start, 1), nil
			}
			return likelihoods.Exponential(k), cols, start, nil
		})
	}
}
