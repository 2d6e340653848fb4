package likelihoods_test

import (
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gomle/gomle/internal/testbackend"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/stderr"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// reference is the part of a testdata/*.json reference file the tests use.
type reference struct {
	Params     []float64 `json:"params"`
	BSE        []float64 `json:"bse"`
	BSERobust  []float64 `json:"bse_robust"`
	BSECluster []float64 `json:"bse_cluster"`
	LLF        float64   `json:"llf"`
}

func readReference(t *testing.T, name string) reference {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var r reference
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// readTable reads a CSV file (sep ',' or ' ') into columns by header name; an empty cell is NaN.
func readTable(t *testing.T, name string, sep rune) map[string][]float64 {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = sep
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string][]float64{}
	for _, row := range rows[1:] {
		for j, cell := range row {
			v := math.NaN()
			if cell != "" {
				if v, err = strconv.ParseFloat(cell, 64); err != nil {
					t.Fatal(err)
				}
			}
			name := strings.Trim(rows[0][j], "'")
			cols[name] = append(cols[name], v)
		}
	}
	return cols
}

// design builds the n×k matrix of the named columns, "const" being ones.
func design(cols map[string][]float64, names []string, n int, round32 bool) *mat.Dense {
	x := mat.NewDense(n, len(names), nil)
	for j, name := range names {
		for i := range n {
			v := 1.0
			if name != "const" {
				v = cols[name][i]
			}
			if round32 {
				v = float64(float32(v))
			}
			x.Set(i, j, v)
		}
	}
	return x
}

// checkFit fits m and compares it with the reference: parameters and OIM standard errors to
// 1e-6 relative, the bar, the log-likelihood to 1e-6 absolute; and the exact Hessian at
// the estimates against central differences of the exact gradient (1e-6 relative).
func checkFit(t *testing.T, m *mlx.Model, ds *mlx.Dataset, ref reference) *mlx.Result {
	t.Helper()
	res, err := mlx.Fit(testbackend.Get(t), m, ds, nil, &mlx.Newton{})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Status.Converged() {
		t.Fatalf("status %v: %s", res.Status, res.Reason)
	}
	est, err := stderr.Hessian(res)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ref.Params {
		if d := math.Abs(res.Estimates[i]-ref.Params[i]) / math.Abs(ref.Params[i]); d > 1e-6 {
			t.Errorf("β[%d] = %.10g, reference %.10g (relative %.2g)", i, res.Estimates[i], ref.Params[i], d)
		}
		if d := math.Abs(est.SE[i]-ref.BSE[i]) / ref.BSE[i]; d > 1e-6 {
			t.Errorf("SE[%d] = %.10g, reference %.10g (relative %.2g)", i, est.SE[i], ref.BSE[i], d)
		}
	}
	if d := math.Abs(res.LogLike - ref.LLF); d > 1e-6 {
		t.Errorf("log-likelihood %.10f, reference %.10f", res.LogLike, ref.LLF)
	}
	ev := res.Evaluator()
	p := len(res.Unconstrained)
	jac := mat.NewDense(p, p, nil)
	fd.Jacobian(jac, func(dst, u []float64) {
		if _, err := ev.LogLikeGrad(u, dst); err != nil {
			t.Fatal(err)
		}
	}, res.Unconstrained, &fd.JacobianSettings{Formula: fd.Central})
	for i := range p {
		for j := range p {
			if d := math.Abs(res.Hessian.At(i, j)-jac.At(i, j)) / math.Max(1, math.Abs(jac.At(i, j))); d > 1e-6 {
				t.Errorf("Hessian[%d,%d] = %v, finite differences of the gradient %v", i, j, res.Hessian.At(i, j), jac.At(i, j))
			}
		}
	}
	return res
}

// checkSE compares standard errors with a reference to 1e-6 relative.
func checkSE(t *testing.T, kind string, est *stderr.Estimates, err error, want []float64) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", kind, err)
	}
	for i, w := range want {
		if d := math.Abs(est.SE[i]-w) / w; d > 1e-6 {
			t.Errorf("%s SE[%d] = %.10g, reference %.10g (relative %.2g)", kind, i, est.SE[i], w, d)
		}
	}
}

// TestSpector reproduces Stata's logit and probit of GRADE on GPA, TUCE, PSI and a constant.
// Stata stored these regressors as float32; rounding them the same way reproduces its numbers
// (testdata/spector_logit.json, "notes").
func TestSpector(t *testing.T) {
	cols := readTable(t, "spector.csv", ' ')
	n := len(cols["GRADE"])
	x := design(cols, []string{"GPA", "TUCE", "PSI", "const"}, n, true)
	ds, err := mlx.NewDataset(mlx.Vector("y", cols["GRADE"]), mlx.Matrix("x", x))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("logit", func(t *testing.T) { checkFit(t, likelihoods.Logit(4), ds, readReference(t, "spector_logit.json")) })
	t.Run("probit", func(t *testing.T) { checkFit(t, likelihoods.Probit(4), ds, readReference(t, "spector_probit.json")) })
}

// shipsData returns the 34 complete rows of ships.csv as a dataset with y = accident,
// x = (yr_con, op_75_79, const) and offset = log(service), and the ship of each row.
func shipsData(t *testing.T) (*mlx.Dataset, []int) {
	t.Helper()
	cols := readTable(t, "ships.csv", ',')
	keep := map[string][]float64{}
	for i, s := range cols["service"] {
		if math.IsNaN(s) || math.IsNaN(cols["accident"][i]) {
			continue // listwise deletion, as Stata and statsmodels
		}
		for name, c := range cols {
			keep[name] = append(keep[name], c[i])
		}
	}
	n := len(keep["accident"])
	if n != 34 {
		t.Fatalf("%d complete rows, want 34", n)
	}
	offset := make([]float64, n)
	for i, s := range keep["service"] {
		offset[i] = math.Log(s)
	}
	x := design(keep, []string{"yr_con", "op_75_79", "const"}, n, false)
	ds, err := mlx.NewDataset(mlx.Vector("y", keep["accident"]), mlx.Matrix("x", x), mlx.Vector("offset", offset))
	if err != nil {
		t.Fatal(err)
	}
	groups := make([]int, n)
	for i, g := range keep["ship"] {
		groups[i] = int(g)
	}
	return ds, groups
}

// TestShipsPoissonExposure reproduces Stata's poisson accident yr_con op_75_79,
// exposure(service), with OIM, robust and cluster(ship) errors.
func TestShipsPoissonExposure(t *testing.T) {
	ds, groups := shipsData(t)
	ref := readReference(t, "ships_poisson_exposure.json")
	res := checkFit(t, likelihoods.Poisson(3, true), ds, ref)
	est, err := stderr.Robust(res)
	checkSE(t, "robust", est, err, ref.BSERobust)
	est, err = stderr.Cluster(res, groups)
	checkSE(t, "cluster(ship)", est, err, ref.BSECluster)
	if _, err := stderr.Cluster(res, groups[:10]); err == nil || !strings.Contains(err.Error(), "10 group labels for 34 observations") {
		t.Errorf("short groups: error %v", err)
	}
}

// TestShipsNegBin2Exposure reproduces Stata's nbreg accident yr_con op_75_79,
// exposure(service): β and α (estimated as log α, reported by the delta method as Stata does),
// OIM and cluster(ship) errors, and the log-likelihood.
func TestShipsNegBin2Exposure(t *testing.T) {
	ds, groups := shipsData(t)
	ref := readReference(t, "ships_negbin2_exposure.json")
	res := checkFit(t, likelihoods.NegBin2(3, true), ds, ref)
	est, err := stderr.Cluster(res, groups)
	checkSE(t, "cluster(ship)", est, err, ref.BSECluster)
}
