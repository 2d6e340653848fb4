package stderr

import (
	"fmt"

	"github.com/gomle/gomle/mlx"
	"gonum.org/v1/gonum/mat"
)

// Covariance is an estimator of the covariance of a fit's estimates: OIM, OPG, Sandwich,
// Robust, Cluster, GaussNewton or Bootstrap, or one of the caller's own. New turns it into Estimates.
type Covariance interface {
	// String names the estimator in tables and JSON reports, by Stata's label where Stata
	// has one: "OIM", "OPG", "Robust", "Cluster".
	String() string
	// Unconstrained returns the covariance of res's parameters on the optimizer's
	// unconstrained scale (for Identity blocks the natural parameters, for Positive blocks
	// their logs), p×p in flat order. New maps it to the natural scale by the delta method.
	Unconstrained(res *mlx.Result) (*mat.SymDense, error)
}

var (
	_ Covariance = OIM{}
	_ Covariance = OPG{}
	_ Covariance = Sandwich{}
	_ Covariance = Robust{}
	_ Covariance = Cluster{}
	_ Covariance = GaussNewton{}
	_ Covariance = Bootstrap{}
)

// OIM is the inverse observed information,
//
//	V = (−H)⁻¹,
//
// H the exact Hessian of the log-likelihood at the estimates: Stata's vce(oim), the default of
// Stata's ml and of statsmodels' maximum likelihood models. It needs the fit's Hessian (not
// Settings.SkipHessian).
type OIM struct{}

// String returns "OIM".
func (OIM) String() string { return "OIM" }

// Unconstrained returns (−H)⁻¹, or a *SingularError if −H is singular or not positive definite.
func (OIM) Unconstrained(res *mlx.Result) (*mat.SymDense, error) { return inverseInformation(res) }

// OPG is the inverse outer product of the per-observation scores sᵢ = ∂ℓᵢ/∂θ,
//
//	V = (Σᵢ sᵢsᵢᵀ)⁻¹,
//
// the BHHH estimator, Stata's vce(opg). Under frequency weights the sum runs over the
// observations the rows stand for, Σᵢ wᵢsᵢsᵢᵀ; it is not defined for sampling weights.
type OPG struct{}

// String returns "OPG".
func (OPG) String() string { return "OPG" }

// Unconstrained returns (Σ sᵢsᵢᵀ)⁻¹, or a *SingularError if the outer product is singular.
func (OPG) Unconstrained(res *mlx.Result) (*mat.SymDense, error) {
	if res != nil && res.Weights == mlx.Sampling {
		// As in Stata: the outer product estimates the information only when the weights
		// count observations.
		return nil, fmt.Errorf("stderr: OPG: not defined for sampling weights; use Robust")
	}
	opg, err := meat(res, nil)
	if err != nil {
		return nil, err
	}
	return invertInformation(res, "outer product of the scores", opg)
}

// Sandwich is the Huber–White robust covariance (HC0),
//
//	V = H⁻¹ (Σᵢ sᵢsᵢᵀ) H⁻¹,
//
// valid when the model's density is misspecified but its score still has mean zero.
type Sandwich struct{}

// String returns "Sandwich".
func (Sandwich) String() string { return "Sandwich" }

// Unconstrained returns H⁻¹(Σ sᵢsᵢᵀ)H⁻¹.
func (Sandwich) Unconstrained(res *mlx.Result) (*mat.SymDense, error) {
	m, err := meat(res, nil)
	if err != nil {
		return nil, err
	}
	return sandwich(res, m, 1)
}

// Robust is Stata's vce(robust) for maximum likelihood: the Sandwich scaled by n/(n−1),
//
//	V = n/(n−1) · H⁻¹ (Σᵢ sᵢsᵢᵀ) H⁻¹.
//
// With weights, H is the weighted Hessian; under frequency weights the meat is Σᵢ wᵢsᵢsᵢᵀ and
// n = Σᵢ wᵢ (the expanded data's Robust), under sampling weights the meat is Σᵢ (wᵢsᵢ)(wᵢsᵢ)ᵀ
// and n the number of rows, as Stata computes both.
type Robust struct{}

// String returns "Robust".
func (Robust) String() string { return "Robust" }

// Unconstrained returns n/(n−1) · H⁻¹(Σ sᵢsᵢᵀ)H⁻¹.
func (Robust) Unconstrained(res *mlx.Result) (*mat.SymDense, error) {
	m, err := meat(res, nil)
	if err != nil {
		return nil, err
	}
	n := float64(res.Observations())
	return sandwich(res, m, n/(n-1))
}

// Cluster is Stata's vce(cluster): the sandwich with the scores summed within clusters,
//
//	V = G/(G−1) · H⁻¹ (Σ_g u_g u_gᵀ) H⁻¹,  u_g = Σ_{i∈g} sᵢ,
//
// with weighted scores wᵢsᵢ in u_g for weighted data, of either kind, and G counting the
// clusters with a row of positive weight.
//
// G the number of clusters. Observations are independent across clusters and may be
// correlated within them.
type Cluster struct {
	// Groups gives each observation's cluster, in data order: any integers, equal within a
	// cluster. Package estimate fills it in from a data column.
	Groups []int
}

// String returns "Cluster".
func (Cluster) String() string { return "Cluster" }

// Unconstrained returns G/(G−1) · H⁻¹(Σ_g u_g u_gᵀ)H⁻¹. It returns an error if Groups does not
// have one entry per observation or names fewer than two clusters.
func (c Cluster) Unconstrained(res *mlx.Result) (*mat.SymDense, error) {
	if err := checkResult(res); err != nil {
		return nil, err
	}
	if len(c.Groups) != res.NumObs {
		return nil, fmt.Errorf("stderr: Cluster: %d group labels for %d observations", len(c.Groups), res.NumObs)
	}
	index := map[int]int{}
	for _, g := range c.Groups {
		if _, ok := index[g]; !ok {
			index[g] = len(index)
		}
	}
	// G counts the clusters in the sample: a cluster whose rows all weigh zero is not one.
	nc := len(index)
	if res.Weights != mlx.Unweighted && res.Evaluator() != nil {
		w, err := res.Evaluator().Data().WeightValues()
		if err != nil {
			return nil, err
		}
		weighed := map[int]bool{}
		for i, g := range c.Groups {
			if w[i] > 0 {
				weighed[g] = true
			}
		}
		nc = len(weighed)
	}
	if nc < 2 {
		return nil, fmt.Errorf("stderr: Cluster: %d cluster(s), need at least 2", nc)
	}
	codes := make([]int, len(c.Groups))
	for i, g := range c.Groups {
		codes[i] = index[g]
	}
	m, err := meat(res, codes)
	if err != nil {
		return nil, err
	}
	g := float64(nc)
	return sandwich(res, m, g/(g-1))
}

// NumClusters returns the number of distinct clusters in Groups.
func (c Cluster) NumClusters() int {
	seen := map[int]bool{}
	for _, g := range c.Groups {
		seen[g] = true
	}
	return len(seen)
}
