package optim_test

import (
	"bufio"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gomle/gomle/optim"
	"gonum.org/v1/gonum/mat"
)

// The objectives of these tests are log-likelihoods written in plain Go with closed-form
// derivatives, so that optim's tests need no GoMLX backend.

// glm is the log-likelihood of a generalized linear model with canonical link and linear
// index ηᵢ = xᵢᵀβ: ℓᵢ = yᵢηᵢ − b(ηᵢ) (up to a constant), so that the score is xᵢ(yᵢ − b′(ηᵢ))
// and the Hessian −Σᵢ b″(ηᵢ)xᵢxᵢᵀ.
type glm struct {
	x *mat.Dense
	y []float64
	// b, b1 and b2 are the cumulant function and its first two derivatives.
	b, b1, b2 func(eta float64) float64
}

// logit is the logistic regression log-likelihood: b(η) = log(1 + eᶯ).
func logit(x *mat.Dense, y []float64) *glm {
	sigmoid := func(e float64) float64 { return 1 / (1 + math.Exp(-e)) }
	return &glm{x: x, y: y,
		b: func(e float64) float64 {
			if e > 0 {
				return e + math.Log1p(math.Exp(-e))
			}
			return math.Log1p(math.Exp(e))
		},
		b1: sigmoid,
		b2: func(e float64) float64 { p := sigmoid(e); return p * (1 - p) },
	}
}

// poisson is the Poisson regression log-likelihood with log link: b(η) = eᶯ (the term
// −log yᵢ! is left out; it moves ℓ, not its maximizer).
func poisson(x *mat.Dense, y []float64) *glm {
	return &glm{x: x, y: y, b: math.Exp, b1: math.Exp, b2: math.Exp}
}

func (m *glm) NumParams() int { _, k := m.x.Dims(); return k }
func (m *glm) NumObs() int    { return len(m.y) }

func (m *glm) eta(beta []float64, i int) float64 {
	return mat.Dot(m.x.RowView(i), mat.NewVecDense(len(beta), beta))
}

func (m *glm) LogLike(beta []float64) (float64, error) {
	ll := 0.0
	for i, y := range m.y {
		e := m.eta(beta, i)
		ll += y*e - m.b(e)
	}
	return ll, nil
}

func (m *glm) LogLikeGrad(beta, grad []float64) (float64, error) {
	clear(grad)
	ll := 0.0
	for i, y := range m.y {
		e := m.eta(beta, i)
		ll += y*e - m.b(e)
		r := y - m.b1(e)
		for j := range grad {
			grad[j] += m.x.At(i, j) * r
		}
	}
	return ll, nil
}

func (m *glm) Hessian(beta []float64) (*mat.SymDense, error) {
	k := len(beta)
	h := mat.NewSymDense(k, nil)
	for i := range m.y {
		w := m.b2(m.eta(beta, i))
		row := m.x.RawRowView(i)
		for a := range k {
			for c := a; c < k; c++ {
				h.SetSym(a, c, h.At(a, c)-w*row[a]*row[c])
			}
		}
	}
	return h, nil
}

func (m *glm) ScoreObs(beta []float64) (*mat.Dense, error) {
	k := len(beta)
	s := mat.NewDense(len(m.y), k, nil)
	for i, y := range m.y {
		r := y - m.b1(m.eta(beta, i))
		for j := range k {
			s.Set(i, j, m.x.At(i, j)*r)
		}
	}
	return s, nil
}

// spector returns Spector and Mazzeo's data (../data/spector.csv, 32 students): GRADE, and
// GPA, TUCE, PSI and a constant as regressors, the design of Stata's logit in
// internal/reftest/testdata/spector_logit.json.
func spector(t testing.TB) (*mat.Dense, []float64) {
	t.Helper()
	f, err := os.Open("../data/spector.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // 'OBS' 'GPA' 'TUCE' 'PSI' 'GRADE'
	var xs, y []float64
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 5 {
			t.Fatalf("spector.csv: line %q", sc.Text())
		}
		v := make([]float64, 5)
		for j, s := range fields {
			if v[j], err = strconv.ParseFloat(s, 64); err != nil {
				t.Fatal(err)
			}
		}
		xs = append(xs, v[1], v[2], v[3], 1)
		y = append(y, v[4])
	}
	if len(y) != 32 {
		t.Fatalf("spector.csv: %d rows, want 32", len(y))
	}
	return mat.NewDense(len(y), 4, xs), y
}

// simulatedCounts returns n Poisson counts with log mean 0.5 + 0.3x₁ − 0.4x₂, x₁ standard
// normal and x₂ uniform on (0, 1), and the design (x₁, x₂, constant).
func simulatedCounts(n int) (*mat.Dense, []float64) {
	r := rand.New(rand.NewPCG(3, 4))
	x := mat.NewDense(n, 3, nil)
	y := make([]float64, n)
	for i := range n {
		x1, x2 := r.NormFloat64(), r.Float64()
		x.SetRow(i, []float64{x1, x2, 1})
		mu := math.Exp(0.5 + 0.3*x1 - 0.4*x2)
		// Knuth's method: count uniform draws until their product falls below e^−μ.
		k, prod := 0, r.Float64()
		for prod > math.Exp(-mu) {
			k++
			prod *= r.Float64()
		}
		y[i] = float64(k)
	}
	return x, y
}

// normalLinear is the normal linear model yᵢ = xᵢᵀβ + σεᵢ with parameters (β, u = log σ):
//
//	ℓᵢ = −½ log 2π − u − rᵢ²/(2σ²),  rᵢ = yᵢ − xᵢᵀβ,
//	∂ℓᵢ/∂β = xᵢrᵢ/σ²,  ∂ℓᵢ/∂u = −1 + rᵢ²/σ²,
//	∂²ℓ/∂β∂βᵀ = −XᵀX/σ²,  ∂²ℓ/∂β∂u = −2Xᵀr/σ²,  ∂²ℓ/∂u² = −2·Σrᵢ²/σ².
type normalLinear struct {
	x *mat.Dense
	y []float64
}

func (m *normalLinear) NumParams() int { _, k := m.x.Dims(); return k + 1 }
func (m *normalLinear) NumObs() int    { return len(m.y) }

// residuals returns r = y − Xβ and σ² for the parameters θ = (β, log σ).
func (m *normalLinear) residuals(theta []float64) ([]float64, float64) {
	k := len(theta) - 1
	beta := mat.NewVecDense(k, theta[:k])
	r := make([]float64, len(m.y))
	for i, y := range m.y {
		r[i] = y - mat.Dot(m.x.RowView(i), beta)
	}
	return r, math.Exp(2 * theta[k])
}

func (m *normalLinear) LogLike(theta []float64) (float64, error) {
	r, s2 := m.residuals(theta)
	ll := 0.0
	for _, ri := range r {
		ll += -0.5*math.Log(2*math.Pi) - theta[len(theta)-1] - ri*ri/(2*s2)
	}
	return ll, nil
}

func (m *normalLinear) LogLikeGrad(theta, grad []float64) (float64, error) {
	ll, _ := m.LogLike(theta)
	s, _ := m.ScoreObs(theta)
	clear(grad)
	for i := range m.y {
		for j := range grad {
			grad[j] += s.At(i, j)
		}
	}
	return ll, nil
}

func (m *normalLinear) Hessian(theta []float64) (*mat.SymDense, error) {
	k := len(theta) - 1
	r, s2 := m.residuals(theta)
	h := mat.NewSymDense(k+1, nil)
	ssr := 0.0
	for i, ri := range r {
		row := m.x.RawRowView(i)
		for a := range k {
			for c := a; c < k; c++ {
				h.SetSym(a, c, h.At(a, c)-row[a]*row[c]/s2)
			}
			h.SetSym(a, k, h.At(a, k)-2*row[a]*ri/s2)
		}
		ssr += ri * ri
	}
	h.SetSym(k, k, -2*ssr/s2)
	return h, nil
}

func (m *normalLinear) ScoreObs(theta []float64) (*mat.Dense, error) {
	k := len(theta) - 1
	r, s2 := m.residuals(theta)
	s := mat.NewDense(len(r), k+1, nil)
	for i, ri := range r {
		for j := range k {
			s.Set(i, j, m.x.At(i, j)*ri/s2)
		}
		s.Set(i, k, -1+ri*ri/s2)
	}
	return s, nil
}

// olsProblem simulates n observations of the blog's model with k regressors (an intercept
// and k−1 standard normals, β standard normal plus 3 on the intercept, σ = 1), and returns the
// objective, a start (β standard normal, log σ = 0) and the maximum likelihood estimates in
// closed form: OLS β̂ and log σ̂ = ½ log(SSR/n).
func olsProblem(t testing.TB, n, k int, seed uint64) (*normalLinear, []float64, []float64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	x := mat.NewDense(n, k, nil)
	beta := make([]float64, k)
	for j := range beta {
		beta[j] = r.NormFloat64()
	}
	beta[0] += 3
	y := make([]float64, n)
	for i := range n {
		x.Set(i, 0, 1)
		for j := 1; j < k; j++ {
			x.Set(i, j, r.NormFloat64())
		}
		y[i] = mat.Dot(x.RowView(i), mat.NewVecDense(k, beta)) + r.NormFloat64()
	}
	start := make([]float64, k+1)
	for j := range k {
		start[j] = r.NormFloat64()
	}
	var qr mat.QR
	qr.Factorize(x)
	var b mat.VecDense
	if err := qr.SolveVecTo(&b, false, mat.NewVecDense(n, y)); err != nil {
		t.Fatal(err)
	}
	m := &normalLinear{x: x, y: y}
	mle := append(append([]float64(nil), b.RawVector().Data...), 0)
	res, _ := m.residuals(mle)
	ssr := 0.0
	for _, ri := range res {
		ssr += ri * ri
	}
	mle[k] = 0.5 * math.Log(ssr/float64(n))
	return m, start, mle
}

// function is a log-likelihood of one observation given by closed-form functions, for
// problems built to exercise one part of a method.
type function struct {
	p    int
	f    func(x []float64) float64
	grad func(g, x []float64)
	hess func(h *mat.SymDense, x []float64)
}

func (m *function) NumParams() int                       { return m.p }
func (m *function) NumObs() int                          { return 1 }
func (m *function) LogLike(x []float64) (float64, error) { return m.f(x), nil }
func (m *function) LogLikeGrad(x, g []float64) (float64, error) {
	m.grad(g, x)
	return m.f(x), nil
}
func (m *function) Hessian(x []float64) (*mat.SymDense, error) {
	h := mat.NewSymDense(m.p, nil)
	m.hess(h, x)
	return h, nil
}
func (m *function) ScoreObs(x []float64) (*mat.Dense, error) {
	g := make([]float64, m.p)
	m.grad(g, x)
	return mat.NewDense(1, m.p, g), nil
}

var (
	_ optim.Objective = (*glm)(nil)
	_ optim.Objective = (*normalLinear)(nil)
	_ optim.Objective = (*function)(nil)
)

// maxRelDiff returns max |a−b| / max(|b|, floor) over the entries.
func maxRelDiff(a, b []float64, floor float64) float64 {
	worst := 0.0
	for i := range a {
		worst = math.Max(worst, math.Abs(a[i]-b[i])/math.Max(math.Abs(b[i]), floor))
	}
	return worst
}
