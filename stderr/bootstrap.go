package stderr

import (
	"fmt"
	"slices"

	"github.com/gomle/gomle/mlx"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Bootstrap is the nonparametric bootstrap covariance, Stata's vce(bootstrap, reps(B)
// seed(s)): the model is refitted on Reps samples of the observations drawn with replacement
// (mlx.Result.Bootstrap, all replicates in one batched program), and V is the sample covariance
// of the replicates' estimates (divisor B − 1, as Stata). New also reports the percentile
// intervals of the replicates in Estimates.Bootstrap. The same Seed draws the same samples.
type Bootstrap struct {
	// Reps is the number of replicates; at least 2 (Stata's default is 50; percentile
	// intervals want 1000 or more).
	Reps int
	// Seed seeds the draws.
	Seed uint64
}

// BootstrapSummary is what a bootstrap adds to Estimates: how many replicates converged, and
// the percentile intervals.
type BootstrapSummary struct {
	// Reps replicates were drawn; Failed of them did not converge (a resample without a
	// maximum, such as a separated binary model) and are left out, as Stata leaves out failed
	// replications.
	Reps, Failed int
	// Lower and Upper are the percentile interval at Estimates.Level: the (1−Level)/2 and
	// (1+Level)/2 quantiles of the replicates' estimates, on the natural scale.
	Lower, Upper []float64
	// Iterations and Calls count the batched Newton iterations and compiled calls.
	Iterations, Calls int
}

// String returns "Bootstrap".
func (Bootstrap) String() string { return "Bootstrap" }

// Unconstrained returns the sample covariance of the replicates' unconstrained estimates.
func (b Bootstrap) Unconstrained(res *mlx.Result) (*mat.SymDense, error) {
	cov, _, err := b.run(res)
	return cov, err
}

// run fits the replicates and returns their covariance on the unconstrained scale and the
// replicates themselves.
func (b Bootstrap) run(res *mlx.Result) (*mat.SymDense, *mlx.Bootstrap, error) {
	if err := checkResult(res); err != nil {
		return nil, nil, err
	}
	boot, err := res.Bootstrap(b.Reps, b.Seed)
	if err != nil {
		return nil, nil, fmt.Errorf("stderr: %w", err)
	}
	if boot.Estimates == nil || boot.Estimates.RawMatrix().Rows < 2 {
		return nil, nil, fmt.Errorf("stderr: bootstrap: %d of %d replicates failed to converge; fewer than 2 remain", len(boot.Failed), b.Reps)
	}
	cov := mat.NewSymDense(len(res.Estimates), nil)
	stat.CovarianceMatrix(cov, boot.Estimates, nil)
	return cov, boot, nil
}

// summarize returns the percentile intervals of the replicates at the level, on the natural
// scale: the transforms are monotone, so quantiles map through them.
func summarize(res *mlx.Result, boot *mlx.Bootstrap, level float64) *BootstrapSummary {
	rows, p := boot.Estimates.Dims()
	s := &BootstrapSummary{Reps: boot.Reps, Failed: len(boot.Failed), Iterations: boot.Iterations, Calls: boot.Calls,
		Lower: make([]float64, p), Upper: make([]float64, p)}
	col := make([]float64, rows)
	k := 0
	for _, blk := range res.Model.Blocks {
		for range blk.Size {
			mat.Col(col, k, boot.Estimates)
			slices.Sort(col)
			s.Lower[k] = blk.Transform.Natural(stat.Quantile((1-level)/2, stat.Empirical, col, nil))
			s.Upper[k] = blk.Transform.Natural(stat.Quantile((1+level)/2, stat.Empirical, col, nil))
			k++
		}
	}
	return s
}
