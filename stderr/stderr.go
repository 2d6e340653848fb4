package stderr

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gomle/gomle/internal/linalg"
	"github.com/gomle/gomle/mlx"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Estimates are a fit's estimates on the natural scale with their covariance and the inference
// built from it.
type Estimates struct {
	// Result is the fit the estimates come from.
	Result *mlx.Result
	// Kind names the covariance estimator: "OIM", "OPG", "Sandwich", "Robust" or "Cluster".
	Kind string
	// Labels, Params, SE, Z, P, Lower and Upper have one entry per parameter, in flat order.
	Labels []string
	Params []float64
	// Cov is the covariance of Params, on the natural scale.
	Cov *mat.SymDense
	// SE are the standard errors, √diag(Cov).
	SE []float64
	// Z = Params/SE tests each parameter against zero and P is its two-sided normal p-value.
	// For Positive blocks (whose natural value cannot be zero) they are reported for
	// completeness, as Stata and statsmodels do.
	Z, P []float64
	// Lower and Upper bound the confidence interval at Level. Identity blocks get the Wald
	// interval θ ± z·SE. Positive blocks get the interval of log θ, transformed back, so it
	// stays inside the block's domain (Stata does the same for /sigma).
	Lower, Upper []float64
	// Level is the confidence level of the intervals, 0.95.
	Level float64
}

// Level95 is the confidence level of the intervals Estimates report.
const Level95 = 0.95

// Hessian returns the estimates with the covariance from the inverse observed information,
// −H⁻¹, H the exact Hessian of the log-likelihood at the estimates. This is Stata's "oim" and
// statsmodels' default for maximum likelihood models.
//
// It returns an error if the fit has no Hessian (Settings.SkipHessian), and a *SingularError
// naming the parameters involved if −H is singular or not positive definite (the estimates are
// then not at a strict maximum).
func Hessian(res *mlx.Result) (*Estimates, error) {
	covU, err := inverseInformation(res)
	if err != nil {
		return nil, err
	}
	return newEstimates(res, "OIM", covU)
}

// OPG returns the estimates with the covariance from the outer product of the per-observation
// scores, (Σ sᵢsᵢᵀ)⁻¹ (the BHHH estimator, Stata's "opg").
func OPG(res *mlx.Result) (*Estimates, error) {
	opg, err := outerProduct(res)
	if err != nil {
		return nil, err
	}
	covU, err := invertInformation(res, "outer product of the scores", opg)
	if err != nil {
		return nil, err
	}
	return newEstimates(res, "OPG", covU)
}

// Sandwich returns the estimates with the Huber–White robust covariance H⁻¹(Σ sᵢsᵢᵀ)H⁻¹ (HC0),
// valid when the model's density is misspecified but its score still has mean zero.
func Sandwich(res *mlx.Result) (*Estimates, error) {
	scores, err := scoreObs(res)
	if err != nil {
		return nil, err
	}
	return sandwich(res, "Sandwich", scores, 1)
}

// Robust returns Stata's vce(robust) for maximum likelihood: the sandwich scaled by n/(n−1).
func Robust(res *mlx.Result) (*Estimates, error) {
	scores, err := scoreObs(res)
	if err != nil {
		return nil, err
	}
	n := float64(res.NumObs)
	return sandwich(res, "Robust", scores, n/(n-1))
}

// Cluster returns Stata's vce(cluster): H⁻¹(Σ_g u_g u_gᵀ)H⁻¹ · G/(G−1), where u_g sums the scores
// of cluster g and G is the number of clusters. groups gives each observation's cluster, in
// data order. It returns an error if groups does not have one entry per observation or names
// fewer than two clusters.
func Cluster(res *mlx.Result, groups []int) (*Estimates, error) {
	if res == nil {
		return nil, fmt.Errorf("stderr: nil result")
	}
	if len(groups) != res.NumObs {
		return nil, fmt.Errorf("stderr: Cluster: %d group labels for %d observations", len(groups), res.NumObs)
	}
	scores, err := scoreObs(res)
	if err != nil {
		return nil, err
	}
	index := map[int]int{}
	for _, g := range groups {
		if _, ok := index[g]; !ok {
			index[g] = len(index)
		}
	}
	if len(index) < 2 {
		return nil, fmt.Errorf("stderr: Cluster: %d cluster(s), need at least 2", len(index))
	}
	_, p := scores.Dims()
	sums := mat.NewDense(len(index), p, nil)
	for i, g := range groups {
		row := sums.RawRowView(index[g])
		for j := range p {
			row[j] += scores.At(i, j)
		}
	}
	nc := float64(len(index))
	return sandwich(res, "Cluster", sums, nc/(nc-1))
}

// FromCovariance returns the estimates with a covariance computed elsewhere: covU is the
// covariance of the unconstrained parameters (for Identity blocks the natural ones; for
// Positive blocks their logs), mapped to the natural scale by the delta method as the other
// estimators are. kind names it in tables. It returns an error if covU is not p×p.
func FromCovariance(res *mlx.Result, kind string, covU *mat.SymDense) (*Estimates, error) {
	if res == nil || covU == nil {
		return nil, fmt.Errorf("stderr: FromCovariance: nil result or covariance")
	}
	if p := covU.SymmetricDim(); p != len(res.Estimates) {
		return nil, fmt.Errorf("stderr: FromCovariance: covariance is %d×%d, the model has %d parameters", p, p, len(res.Estimates))
	}
	return newEstimates(res, kind, covU)
}

// scoreObs returns the per-observation scores at the estimates.
func scoreObs(res *mlx.Result) (*mat.Dense, error) {
	if res == nil {
		return nil, fmt.Errorf("stderr: nil result")
	}
	return res.ScoreObs()
}

// sandwich returns scale · H⁻¹(Σ r rᵀ)H⁻¹, summed over the rows r of scores, on the unconstrained scale,
// mapped to the natural scale.
func sandwich(res *mlx.Result, kind string, scores *mat.Dense, scale float64) (*Estimates, error) {
	bread, err := inverseInformation(res)
	if err != nil {
		return nil, err
	}
	_, p := scores.Dims()
	meat := mat.NewSymDense(p, nil)
	meat.SymOuterK(scale, scores.T())
	var tmp, sw mat.Dense
	tmp.Mul(bread, meat)
	sw.Mul(&tmp, bread)
	covU := mat.NewSymDense(p, nil)
	for i := range p {
		for j := i; j < p; j++ {
			covU.SetSym(i, j, 0.5*(sw.At(i, j)+sw.At(j, i)))
		}
	}
	return newEstimates(res, kind, covU)
}

// inverseInformation returns −H⁻¹ on the unconstrained scale.
func inverseInformation(res *mlx.Result) (*mat.SymDense, error) {
	if res == nil {
		return nil, fmt.Errorf("stderr: nil result")
	}
	if res.Hessian == nil {
		return nil, fmt.Errorf("stderr: model %q was fitted with SkipHessian: no Hessian to invert", res.Model.Name)
	}
	p := res.Hessian.SymmetricDim()
	info := mat.NewSymDense(p, nil)
	info.ScaleSym(-1, res.Hessian)
	return invertInformation(res, "observed information (−Hessian)", info)
}

// outerProduct returns Σ sᵢsᵢᵀ of the per-observation scores on the unconstrained scale.
func outerProduct(res *mlx.Result) (*mat.SymDense, error) {
	scores, err := scoreObs(res)
	if err != nil {
		return nil, err
	}
	_, p := scores.Dims()
	opg := mat.NewSymDense(p, nil)
	opg.SymOuterK(1, scores.T())
	return opg, nil
}

// conditionLimit is the condition number past which an information matrix is called singular:
// at 1e13 an inverse keeps only about three of float64's sixteen significant digits. (1/√ε,
// about 7e7, would reject fits with badly scaled but well identified regressors.) It applies
// to the information scaled to unit diagonal (linalg.Equilibrate), so it measures how nearly
// collinear the parameters are, not how different their units are.
const conditionLimit = 1e13

// invertInformation inverts a symmetric information matrix by Cholesky, after equilibration,
// or explains why not.
func invertInformation(res *mlx.Result, what string, info *mat.SymDense) (*mat.SymDense, error) {
	scaled, scale, ok := linalg.Equilibrate(info)
	if !ok {
		return nil, singular(res, what, info)
	}
	var chol mat.Cholesky
	if ok := chol.Factorize(scaled); ok {
		if cond := chol.Cond(); cond < conditionLimit {
			var inv mat.SymDense
			if err := chol.InverseTo(&inv); err == nil {
				p := len(scale)
				for i := range p {
					for j := i; j < p; j++ {
						inv.SetSym(i, j, scale[i]*inv.At(i, j)*scale[j])
					}
				}
				return &inv, nil
			}
		}
	}
	return nil, singular(res, what, scaled)
}

// SingularError reports an information matrix that cannot be inverted: singular, too badly
// conditioned, or not positive definite. Params names the parameters that the directions of
// (near) zero or negative curvature involve.
type SingularError struct {
	// Model and Matrix say which model and which matrix.
	Model, Matrix string
	// Params are the labels of the parameters with a large share in the offending directions.
	Params []string
	// Eigenvalues are the offending eigenvalues, smallest first.
	Eigenvalues []float64
	// Cond is the condition number, max|λ|/min|λ|, +Inf when some eigenvalue is zero.
	Cond float64

	negative bool // some eigenvalue is negative beyond rounding
}

// Error describes the problem and names the parameters.
func (e *SingularError) Error() string {
	kind := "singular"
	if e.negative {
		kind = "not positive definite (the estimates are not at a maximum)"
	}
	return fmt.Sprintf("stderr: model %q: %s is %s, condition number %.3g; parameters involved: %s",
		e.Model, e.Matrix, kind, e.Cond, strings.Join(e.Params, ", "))
}

// Unwrap returns the matrix's condition as a mat.Condition, for errors.As.
func (e *SingularError) Unwrap() error { return mat.Condition(e.Cond) }

// singular builds the SingularError of info from its eigen-decomposition: eigenvalues below
// max|λ|/conditionLimit are offending, and a parameter is involved when its entry in an
// offending unit eigenvector exceeds 0.1 in absolute value (with a direction spread evenly over
// p parameters, each entry is 1/√p; 0.1 singles out the parameters that carry the direction).
func singular(res *mlx.Result, what string, info *mat.SymDense) error {
	d := linalg.Degenerate(info, conditionLimit)
	labels := res.Labels()
	e := &SingularError{Model: res.Model.Name, Matrix: what, Eigenvalues: d.Eigenvalues, Cond: d.Cond, negative: d.Negative}
	for _, i := range d.Involved {
		e.Params = append(e.Params, labels[i])
	}
	return e
}

// newEstimates maps an unconstrained covariance to the natural scale by the delta method and
// computes the inference.
func newEstimates(res *mlx.Result, kind string, covU *mat.SymDense) (*Estimates, error) {
	p := len(res.Estimates)
	// The transforms act entry by entry, so the Jacobian dθ/du is diagonal.
	jac := make([]float64, p)
	positive := make([]bool, p)
	k := 0
	for _, b := range res.Model.Blocks {
		for range b.Size {
			jac[k] = b.Transform.Derivative(res.Unconstrained[k])
			positive[k] = b.Transform == mlx.Positive
			k++
		}
	}
	cov := mat.NewSymDense(p, nil)
	for i := range p {
		for j := i; j < p; j++ {
			cov.SetSym(i, j, jac[i]*covU.At(i, j)*jac[j])
		}
	}
	est := &Estimates{
		Result: res, Kind: kind, Labels: res.Labels(), Params: slices.Clone(res.Estimates), Cov: cov,
		SE: make([]float64, p), Z: make([]float64, p), P: make([]float64, p),
		Lower: make([]float64, p), Upper: make([]float64, p), Level: Level95,
	}
	crit := distuv.UnitNormal.Quantile(1 - (1-Level95)/2)
	for i := range p {
		est.SE[i] = math.Sqrt(cov.At(i, i))
		est.Z[i] = est.Params[i] / est.SE[i]
		est.P[i] = 2 * distuv.UnitNormal.Survival(math.Abs(est.Z[i]))
		if positive[i] {
			seU := math.Sqrt(covU.At(i, i))
			est.Lower[i] = math.Exp(res.Unconstrained[i] - crit*seU)
			est.Upper[i] = math.Exp(res.Unconstrained[i] + crit*seU)
		} else {
			est.Lower[i] = est.Params[i] - crit*est.SE[i]
			est.Upper[i] = est.Params[i] + crit*est.SE[i]
		}
	}
	return est, nil
}
