package estimate

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/stderr"
	"gonum.org/v1/gonum/mat"
)

// OLSStats are the statistics of a linear regression as R's lm and Stata's regress print
// them, for model "ols" without Spec.ML. n is the number of observations and k the number
// of coefficients (σ not counted).
type OLSStats struct {
	// RSS is the residual sum of squares Σeᵢ², TSS the total sum of squares, Σ(yᵢ − ȳ)² with
	// an intercept and Σyᵢ² without (R and Stata's uncentered R² for models without one).
	RSS, TSS float64
	// DFResid is n − k, the degrees of freedom of s² and of the t statistics (for cluster-
	// robust errors the t statistics have G − 1, Stata's choice, and Report.Estimates.DF says so).
	DFResid int
	// RootMSE is s = √(RSS/(n − k)), the df-corrected residual standard deviation (R's
	// "Residual standard error", Stata's "Root MSE"); the maximum-likelihood σ̂ = √(RSS/n) is
	// the fit's sigma parameter.
	RootMSE float64
	// R2 is 1 − RSS/TSS and AdjR2 1 − (1 − R²)(n − c)/(n − k), c = 1 with an intercept and 0
	// without.
	R2, AdjR2 float64
	// F tests that every slope (every coefficient but the intercept) is zero: W/q for the Wald
	// statistic W of the q slopes with the reported covariance, on F(q, DF), which with the
	// classical covariance is the textbook (ESS/q)/s². Nil when there are no slopes.
	F *stderr.FTest
}

// olsCov is the covariance of least squares as regress reports it, built on an estimator of
// stderr: name labels it, and scale multiplies it (for HC1 and Stata's clustered errors,
// (n − 1)/(n − k) on top of Robust's n/(n − 1) and Cluster's G/(G − 1)).
type olsCov struct {
	inner stderr.Covariance
	name  string
	scale float64
}

func (c olsCov) String() string { return c.name }

func (c olsCov) Unconstrained(res *mlx.Result) (*mat.SymDense, error) {
	v, err := c.inner.Unconstrained(res)
	if err != nil || c.scale == 1 {
		return v, err
	}
	out := mat.NewSymDense(v.SymmetricDim(), nil)
	out.ScaleSym(c.scale, v)
	return out, nil
}

// leastSquares returns the estimates and statistics of a least-squares fit of y on x
// (res, fitted by maximum likelihood, has the same coefficients): the covariance
// s²(XᵀX)⁻¹ (stderr.GaussNewton with J = X), HC1 for Robust (Stata's regress, vce(robust)),
// or Stata's clustered covariance for Cluster, with t statistics on n − k degrees of freedom
// (G − 1 for clusters). Other covariances belong to the maximum-likelihood table (Spec.ML).
func leastSquares(res *mlx.Result, x *mat.Dense, y []float64, names []string, cov stderr.Covariance, level float64) (*stderr.Estimates, *OLSStats, error) {
	rows, k := x.Dims()
	beta := res.Estimates[:k]
	var fit mat.VecDense
	fit.MulVec(x, mat.NewVecDense(k, slices.Clone(beta)))
	// Weights enter as the likelihood saw them: frequency weights as counts, the others
	// normalized to mean 1. n counts the observations (Σw under frequency weights, the rows of
	// positive weight otherwise), as regress does.
	w := make([]float64, rows)
	for i := range w {
		w[i] = 1
	}
	if res.Weights != mlx.Unweighted {
		raw, err := res.Evaluator().Data().WeightValues()
		if err != nil {
			return nil, nil, err
		}
		scale := 1.0
		if res.Weights == mlx.Sampling {
			scale = float64(res.NumObs) / res.SumWeights
		}
		for i, v := range raw {
			w[i] = v * scale
		}
	}
	n := res.Observations()
	intercept := slices.Contains(names, interceptName)
	mean, sumW := 0.0, 0.0
	if intercept {
		for i, v := range y {
			mean, sumW = mean+w[i]*v, sumW+w[i]
		}
		mean /= sumW
	}
	st := &OLSStats{DFResid: n - k}
	// J = √W X, so that the Gauss–Newton covariance s²(JᵀJ)⁻¹ is s²(XᵀWX)⁻¹.
	j := mat.NewDense(rows, k, nil)
	for i, v := range y {
		e := v - fit.AtVec(i)
		st.RSS += w[i] * e * e
		st.TSS += w[i] * (v - mean) * (v - mean)
		sw := math.Sqrt(w[i])
		for c := range k {
			j.Set(i, c, sw*x.At(i, c))
		}
	}
	st.RootMSE = math.Sqrt(st.RSS / float64(n-k))
	st.R2 = 1 - st.RSS/st.TSS
	c := 0
	if intercept {
		c = 1
	}
	st.AdjR2 = 1 - (1-st.R2)*float64(n-c)/float64(n-k)
	df, toN := n-k, float64(n-1)/float64(n-k)
	switch cv := cov.(type) {
	case nil, stderr.OIM:
		// GaussNewton divides the RSS it is given by rows − k; regress divides by n − k.
		rss := st.RSS * float64(rows-k) / float64(n-k)
		cov = olsCov{inner: stderr.GaussNewton{J: j, RSS: rss}, name: "OLS", scale: 1}
	case stderr.Robust:
		cov = olsCov{inner: cv, name: "Robust (HC1)", scale: toN}
	case stderr.Cluster:
		groups := map[int]bool{}
		for _, g := range cv.Groups {
			groups[g] = true
		}
		if len(groups) < 2 {
			return nil, nil, fmt.Errorf("estimate: ols: cluster-robust errors need at least 2 clusters, the data have %d", len(groups))
		}
		df = len(groups) - 1
		cov = olsCov{inner: cv, name: "Cluster", scale: toN}
	default:
		return nil, nil, &OptionError{Model: "ols", Option: "Cov " + covName(cov),
			Reason: "least squares reports the classical (OIM), HC1 (Robust) or clustered (Cluster) covariance; set ML (-ml) for the " + covName(cov) + " covariance of the maximum-likelihood fit"}
	}
	est, err := stderr.New(res, cov, &stderr.Settings{Level: level, DF: df})
	if err != nil {
		return nil, nil, err
	}
	var slopes []string
	for j, name := range names {
		if name != interceptName {
			slopes = append(slopes, est.Labels[j])
		}
	}
	if len(slopes) > 0 {
		w, err := est.TestZero(slopes...)
		if _, clustered := cov.(olsCov).inner.(stderr.Cluster); err != nil && !clustered {
			return nil, nil, err
		}
		if err == nil { // with fewer clusters than slopes the test does not exist, as in Stata
			st.F = w.F(df)
			st.F.Name = "F test of all slopes"
		}
	}
	return est, st, nil
}
