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
	// Kind is the covariance estimator, OIM{}, OPG{}, Robust{}, ...: its String names it in
	// tables and JSON ("OIM", "OPG", "Robust", "Cluster", "Gauss-Newton"). Tell the kinds apart
	// with a type switch: Cluster holds a slice, so == on two Clusters panics.
	Kind Covariance
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
	// interval θ ± z·SE, z the standard normal's 1 − (1 − Level)/2 quantile. Positive blocks
	// get the interval of log θ, transformed back, so it stays inside the block's domain (Stata
	// does the same for /sigma).
	Lower, Upper []float64
	// Level is the confidence level of the intervals (Settings.Level), 0.95 by default.
	Level float64
	// DF is the residual degrees of freedom of t-based inference (Settings.DF): when positive,
	// Z holds t statistics, and P and the intervals come from Student's t with DF degrees of
	// freedom; zero means the normal distribution.
	DF int
	// EForm, when not empty, names the exponentiated rows of a table made by Exp ("Odds
	// ratio"), and Exponentiated marks those rows; see Exp.
	EForm         string
	Exponentiated []bool
	// Bootstrap holds the replicates' summary, with their percentile intervals, when Kind is
	// Bootstrap; nil otherwise. Lower and Upper are then the normal-approximation intervals
	// from the bootstrap standard errors.
	Bootstrap *BootstrapSummary
}

// Level95 is the default confidence level of the intervals, 95%.
const Level95 = 0.95

// Settings are the options of New. The zero value, and a nil *Settings, mean the defaults.
type Settings struct {
	// Level is the confidence level of the intervals of the estimates, of the marginal effects
	// built on them and of their tables, strictly between 0 and 1. Zero means Level95.
	Level float64
	// DF, when positive, asks for t-based inference with DF residual degrees of freedom, as
	// Stata's regress and R's lm report: t statistics, p-values from Student's t(DF) and
	// intervals θ ± t(DF)·SE. Zero (the default) means z statistics and normal intervals.
	DF int
}

// df returns the degrees of freedom s asks for, or an error if it is negative.
func (s *Settings) df() (int, error) {
	if s == nil {
		return 0, nil
	}
	if s.DF < 0 {
		return 0, fmt.Errorf("stderr: %d residual degrees of freedom: want a positive number, or 0 for normal inference", s.DF)
	}
	return s.DF, nil
}

// level returns the confidence level s asks for, or an error if it is out of range.
func (s *Settings) level() (float64, error) {
	if s == nil || s.Level == 0 {
		return Level95, nil
	}
	if !(s.Level > 0 && s.Level < 1) {
		return 0, fmt.Errorf("stderr: confidence level %v: want a value strictly between 0 and 1, such as 0.95", s.Level)
	}
	return s.Level, nil
}

// New returns the estimates of the fit res with the covariance cov, mapped from the optimizer's
// unconstrained scale to the natural scale by the delta method, with z tests, p-values and
// confidence intervals at the level s asks for (nil s: the defaults, 95%).
//
// It returns an error if res or cov is nil, if the level is not strictly between 0 and 1, or
// the error of the estimator: a *SingularError naming the parameters involved when the matrix to
// invert is singular or not positive definite, or one naming a Cluster's or a GaussNewton's
// input that does not fit res.
func New(res *mlx.Result, cov Covariance, s *Settings) (*Estimates, error) {
	if err := checkResult(res); err != nil {
		return nil, err
	}
	if cov == nil {
		return nil, fmt.Errorf("stderr: nil covariance estimator; use OIM{} for the default")
	}
	level, err := s.level()
	if err != nil {
		return nil, err
	}
	df, err := s.df()
	if err != nil {
		return nil, err
	}
	var covU *mat.SymDense
	var boot *mlx.Bootstrap
	if b, ok := cov.(Bootstrap); ok { // the replicates also give percentile intervals
		covU, boot, err = b.run(res)
	} else {
		covU, err = cov.Unconstrained(res)
	}
	if err != nil {
		return nil, err
	}
	if p := covU.SymmetricDim(); p != len(res.Estimates) {
		return nil, fmt.Errorf("stderr: %v covariance is %d×%d, the model has %d parameters", cov, p, p, len(res.Estimates))
	}
	est := newEstimates(res, cov, covU, level, df)
	if boot != nil {
		est.Bootstrap = summarize(res, boot, level)
	}
	return est, nil
}

// Hessian returns the estimates with the covariance from the inverse observed information,
// New(res, OIM{}, nil): Stata's default and statsmodels' for maximum likelihood models.
//
// It returns an error if the fit has no Hessian (Settings.SkipHessian), and a *SingularError
// naming the parameters involved if −H is singular or not positive definite (the estimates are
// then not at a strict maximum).
func Hessian(res *mlx.Result) (*Estimates, error) { return New(res, OIM{}, nil) }

// checkResult returns an error for a nil result or one without a model.
func checkResult(res *mlx.Result) error {
	if res == nil || res.Model == nil {
		return fmt.Errorf("stderr: nil result")
	}
	return nil
}

// meat returns Σᵢ sᵢsᵢᵀ of the per-observation scores at the estimates (groups nil), or
// Σ_g u_g u_gᵀ of the scores summed within groups coded 0 … G−1, computed by the engine where
// the scores are (mlx.Evaluator.ScoreMeat), on the unconstrained scale.
func meat(res *mlx.Result, groups []int) (*mat.SymDense, error) {
	if err := checkResult(res); err != nil {
		return nil, err
	}
	if res.Evaluator() == nil {
		return nil, fmt.Errorf("stderr: model %q: the result has no evaluator to compute scores with", res.Model.Name)
	}
	return res.Evaluator().ScoreMeat(res.Unconstrained, groups)
}

// sandwich returns scale · H⁻¹ M H⁻¹ for the meat M, on the unconstrained scale.
func sandwich(res *mlx.Result, m *mat.SymDense, scale float64) (*mat.SymDense, error) {
	bread, err := inverseInformation(res)
	if err != nil {
		return nil, err
	}
	p := m.SymmetricDim()
	var tmp, sw mat.Dense
	tmp.Mul(bread, m)
	sw.Mul(&tmp, bread)
	covU := mat.NewSymDense(p, nil)
	for i := range p {
		for j := i; j < p; j++ {
			covU.SetSym(i, j, scale*0.5*(sw.At(i, j)+sw.At(j, i)))
		}
	}
	return covU, nil
}

// inverseInformation returns −H⁻¹ on the unconstrained scale.
func inverseInformation(res *mlx.Result) (*mat.SymDense, error) {
	if err := checkResult(res); err != nil {
		return nil, err
	}
	if res.Hessian == nil {
		return nil, fmt.Errorf("stderr: model %q was fitted with SkipHessian: no Hessian to invert", res.Model.Name)
	}
	p := res.Hessian.SymmetricDim()
	info := mat.NewSymDense(p, nil)
	info.ScaleSym(-1, res.Hessian)
	return invertInformation(res, "observed information (−Hessian)", info)
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
// computes the inference at the confidence level.
func newEstimates(res *mlx.Result, kind Covariance, covU *mat.SymDense, level float64, df int) *Estimates {
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
		Lower: make([]float64, p), Upper: make([]float64, p), Level: level, DF: df,
	}
	crit := est.critical()
	for i := range p {
		est.SE[i] = math.Sqrt(cov.At(i, i))
		est.Z[i] = est.Params[i] / est.SE[i]
		est.P[i] = est.pValue(est.Z[i])
		if positive[i] {
			seU := math.Sqrt(covU.At(i, i))
			est.Lower[i] = math.Exp(res.Unconstrained[i] - crit*seU)
			est.Upper[i] = math.Exp(res.Unconstrained[i] + crit*seU)
		} else {
			est.Lower[i] = est.Params[i] - crit*est.SE[i]
			est.Upper[i] = est.Params[i] + crit*est.SE[i]
		}
	}
	return est
}

// reference returns the distribution of the test statistics: Student's t with DF degrees of
// freedom when DF is positive, else the standard normal.
func (e *Estimates) reference() interface {
	Quantile(float64) float64
	Survival(float64) float64
} {
	if e.DF > 0 {
		return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(e.DF)}
	}
	return distuv.UnitNormal
}

// critical returns the two-sided critical value of the intervals at e.Level.
func (e *Estimates) critical() float64 { return e.reference().Quantile(1 - (1-e.Level)/2) }

// pValue returns the two-sided p-value of the statistic z (a t statistic when DF > 0).
func (e *Estimates) pValue(z float64) float64 { return 2 * e.reference().Survival(math.Abs(z)) }
