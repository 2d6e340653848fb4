package estimate

import (
	"fmt"
	"math"
	"strings"

	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/stderr"
)

// WeightKind is one of Stata's weight types.
type WeightKind int

const (
	// FrequencyWeights (Stata's fweight, R's glm weights when they count cases): a row of
	// weight w stands for w identical observations. The fit is exactly that of the expanded
	// data: estimates, every covariance, N = Σ w, AIC and BIC. Weights must be non-negative
	// integers.
	FrequencyWeights WeightKind = iota + 1
	// SamplingWeights (Stata's pweight): inverse probabilities of selection. The fit maximizes
	// the pseudo-log-likelihood, the covariance defaults to the robust sandwich (weights in
	// the bread and the meat, n/(n−1) with n the number of rows; cluster-robust also allowed)
	// and N is the number of rows. Only the weights' ratios matter: they are normalized to
	// mean 1, so rescaling them changes neither estimates nor standard errors.
	SamplingWeights
	// AnalyticWeights (Stata's aweight): inversely proportional to each row's variance, such
	// as the number of cases a row averages. Normalized to mean 1 as Stata does; the default
	// covariance stays OIM, N is the number of rows, and the robust meat is that of sampling
	// weights.
	AnalyticWeights
)

// String returns Stata's abbreviation: "fw", "pw" or "aw".
func (k WeightKind) String() string {
	switch k {
	case FrequencyWeights:
		return "fw"
	case SamplingWeights:
		return "pw"
	case AnalyticWeights:
		return "aw"
	}
	return fmt.Sprintf("WeightKind(%d)", int(k))
}

// Weights names the column of observation weights and their kind. The zero value means no
// weights.
type Weights struct {
	Kind   WeightKind
	Column string
}

// ParseWeights reads the command line's form of Weights, KIND:COLUMN with KIND one of fw, pw
// or aw (Stata's abbreviations): "fw:count", "pw:wt".
func ParseWeights(s string) (Weights, error) {
	kind, col, ok := strings.Cut(s, ":")
	col = strings.TrimSpace(col)
	if !ok || col == "" {
		return Weights{}, fmt.Errorf("estimate: weights %q: want KIND:COLUMN, KIND one of fw (frequency), pw (sampling), aw (analytic)", s)
	}
	for _, k := range []WeightKind{FrequencyWeights, SamplingWeights, AnalyticWeights} {
		if strings.TrimSpace(kind) == k.String() {
			return Weights{Kind: k, Column: col}, nil
		}
	}
	return Weights{}, fmt.Errorf("estimate: weights %q: unknown kind %q; want fw (frequency), pw (sampling) or aw (analytic)", s, kind)
}

// column returns the dataset column of the weights w (one per row kept, rows giving each
// one's data row for messages), or an error naming the first row whose weight is invalid.
func (w Weights) column(values []float64, rows []int) (*mlx.Column, error) {
	kind := mlx.Sampling
	if w.Kind == FrequencyWeights {
		kind = mlx.Frequency
	}
	sum := 0.0
	for i, v := range values {
		switch {
		case v < 0:
			return nil, fmt.Errorf("estimate: weight %s is negative (%g) in data row %d", w.Column, v, rows[i])
		case kind == mlx.Frequency && v != math.Trunc(v):
			return nil, fmt.Errorf("estimate: frequency weight %s is not an integer (%g) in data row %d; use pw: or aw: for weights that do not count cases", w.Column, v, rows[i])
		}
		sum += v
	}
	if sum == 0 {
		return nil, fmt.Errorf("estimate: weight %s is zero in every row used", w.Column)
	}
	col := mlx.Weights(kind, values)
	return &col, nil
}

// check validates the kind and the covariance chosen with it, and returns the default
// covariance: Robust for sampling weights, as Stata's pweights imply, cov otherwise.
func (w Weights) check(cov stderr.Covariance) (stderr.Covariance, error) {
	if w == (Weights{}) {
		return cov, nil
	}
	switch w.Kind {
	case FrequencyWeights, SamplingWeights, AnalyticWeights:
	default:
		return nil, fmt.Errorf("estimate: unknown weight kind %d", int(w.Kind))
	}
	if w.Column == "" {
		return nil, fmt.Errorf("estimate: %s weights name no column", w.Kind)
	}
	if w.Kind == FrequencyWeights {
		return cov, nil
	}
	switch cov.(type) {
	case nil:
		if w.Kind == SamplingWeights {
			return stderr.Robust{}, nil
		}
	case stderr.Robust, stderr.Cluster:
	case stderr.OIM, stderr.OPG, stderr.Sandwich:
		if w.Kind == SamplingWeights {
			return nil, fmt.Errorf("estimate: sampling weights (pw) need the robust or cluster covariance, not %v: the inverse information of a pseudo-likelihood is not a covariance", cov)
		}
		if _, opg := cov.(stderr.OPG); opg {
			return nil, fmt.Errorf("estimate: the OPG covariance needs frequency weights or none, not %s weights", w.Kind)
		}
	case stderr.Bootstrap:
		return nil, fmt.Errorf("estimate: the bootstrap of weighted data is not supported")
	}
	return cov, nil
}
