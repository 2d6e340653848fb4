package estimate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/stderr"
	"gonum.org/v1/gonum/mat"
)

// margins returns the marginal effects of every variable of the formula on the chosen
// prediction: the derivative, through every column a continuous variable enters (x and
// I(x^2) together), and for a C() factor the discrete change from its reference level to each
// other level, computed on the design evaluated with the factor at each level (so its
// interactions change with it). For choice data (one row of regressors per alternative) each
// effect is reported per alternative whose regressors move.
func margins(est *stderr.Estimates, d *frame.Design, in *input, prob *likelihoods.Problem, ds *mlx.Dataset, c MarginsChoice) (*stderr.Margins, error) {
	m := prob.Model
	pred := 0
	if c.Predict != "" {
		pred = slices.IndexFunc(m.Predictions, func(p mlx.Prediction) bool { return p.Name == c.Predict })
		if pred < 0 {
			var names []string
			for _, p := range m.Predictions {
				names = append(names, fmt.Sprintf("%q", p.Name))
			}
			return nil, fmt.Errorf("estimate: %s has no prediction %q (predictions: %s)", m.Name, c.Predict, strings.Join(names, ", "))
		}
	}
	// layout turns a design-shaped matrix into the model's design column, without the
	// columns the model leaves out.
	layout := func(x *mat.Dense) mlx.Column {
		return prob.DesignColumn(columns(x, in.keep))
	}
	data := ds
	if c.AtMeans && perAlternativeDesign(prob) {
		return nil, fmt.Errorf("estimate: %s: effects at the means are not defined for choice data (an average choice set has fractional alternatives); use average marginal effects", m.Name)
	}
	if c.AtMeans {
		var err error
		if data, err = ds.Means(); err != nil {
			return nil, err
		}
	}
	// at returns a dataset with the design column replaced, averaged for effects at the means.
	at := func(x *mat.Dense) (*mlx.Dataset, error) {
		col := layout(x)
		if c.AtMeans {
			col = meanColumn(col)
		}
		return data.With(col)
	}
	continuous, factors := d.Variables()
	var effects []stderr.Effect
	for _, v := range continuous {
		dx, err := d.Derivative(v)
		if err != nil {
			return nil, err
		}
		col := layout(dx)
		if slices.ContainsFunc(col.Values, func(x float64) bool { return x != 0 }) {
			effects = append(effects, perAlternative(v, col, c.AtMeans)...)
		}
	}
	for _, g := range factors {
		levels, ref, err := d.Levels(g)
		if err != nil {
			return nil, err
		}
		x0, err := d.At(g, ref)
		if err != nil {
			return nil, err
		}
		from, err := at(x0)
		if err != nil {
			return nil, err
		}
		for _, l := range levels {
			if l == ref {
				continue
			}
			x1, err := d.At(g, l)
			if err != nil {
				return nil, err
			}
			to, err := at(x1)
			if err != nil {
				return nil, err
			}
			effects = append(effects, stderr.Effect{Label: fmt.Sprintf("%s=%s", g, d.LevelName(g, l)), From: from, To: to})
		}
	}
	if len(effects) == 0 {
		return nil, nil // an intercept-only model has no effects
	}
	spec := stderr.MarginsSpec{Data: data, Design: prob.Design, Prediction: pred, Effects: effects}
	if c.AtMeans {
		spec.At = "means"
	}
	return stderr.MarginalEffects(est, spec)
}

// perAlternative returns the derivative effect of variable v with direction col: one effect
// for a design of one row per observation, and for choice data (col of shape [n, J, k]) one
// per alternative, moving that alternative's regressors alone. atMeans averages the direction
// over the observations.
func perAlternative(v string, col mlx.Column, atMeans bool) []stderr.Effect {
	if atMeans {
		col = meanColumn(col)
	}
	if len(col.Dims) != 3 {
		return []stderr.Effect{{Label: v, Direction: col.Values}}
	}
	n, j, k := col.Dims[0], col.Dims[1], col.Dims[2]
	var out []stderr.Effect
	for a := range j {
		dir := make([]float64, len(col.Values))
		for i := range n {
			off := (i*j + a) * k
			copy(dir[off:off+k], col.Values[off:off+k])
		}
		out = append(out, stderr.Effect{Label: fmt.Sprintf("%s (alt %d)", v, a+1), Direction: dir})
	}
	return out
}

// meanColumn returns the column averaged over its observations, one row.
func meanColumn(c mlx.Column) mlx.Column {
	n := len(c.Values)
	if c.Dims != nil {
		n = c.Dims[0]
	}
	per := len(c.Values) / n
	mean := make([]float64, per)
	for i, v := range c.Values {
		mean[i%per] += v / float64(n)
	}
	dims := []int{1}
	if c.Dims != nil {
		dims = slices.Concat([]int{1}, c.Dims[1:])
	}
	return mlx.Column{Name: c.Name, Values: mean, Dims: dims}
}

// perAlternativeDesign reports whether a problem's design is laid out per alternative (choice data).
func perAlternativeDesign(prob *likelihoods.Problem) bool {
	for _, c := range prob.Columns {
		if c.Name == prob.Design {
			return len(c.Dims) == 3
		}
	}
	return false
}
