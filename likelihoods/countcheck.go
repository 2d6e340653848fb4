package likelihoods

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize/convex/lp"
)

// Separation in count models (Santos Silva and Tenreyro 2010; Correia, Guimarães and Zylkin
// 2021): the Poisson and NB2 log-likelihoods of a row with y = 0 rise to their bound, 0 and
// its NB2 analogue, as its mean μ = exp(xβ) falls to 0. If a combination z = Xγ of the
// regressors is 0 in every row with y > 0 and ≥ 0 in every row with y = 0, positive in some,
// moving β along −γ leaves the rows with y > 0 alone and drives μ to 0 in the rows where z > 0:
// the likelihood rises without bound along that ray and no maximum likelihood estimate exists.
// Stata's poisson does not look for this and reports whatever its iterations stop at (the
// coefficient of a dummy that is 1 only where y = 0 ends near −18 with a huge standard
// error, "converged"); ppml and ppmlhdfe drop the separated rows and regressors. gomle, as
// for logit and probit separation (checkSeparation), refuses the fit with an error that
// names the combination and the rows, before any fit: dropping rows silently changes the
// sample, and the user is better placed to choose (drop the rows and the regressor, merge
// levels, or keep the outcome model and accept the −∞).
//
// The search is exact: γ lies in the null space of the rows with y > 0, and a linear program
// (gonum's simplex) looks there for a direction that is ≥ 0 on the rows with y = 0 and sums
// to 1 over them. In most data the rows with y > 0 have full rank and the null space is
// empty, so no program is solved.

// maxSeparationRows bounds the distinct rows with y = 0 the linear program takes (its matrix is
// dense, about rows² entries); beyond it the check is skipped.
const maxSeparationRows = 2000

// separationTol is the relative size of a singular value, or of an entry of the linear
// program's rows, below which it counts as 0.
const separationTol = 1e-9

// zeroTol is the relative size below which an entry of Xγ counts as 0 (see
// checkCountSeparation), ten times the 1e-7 of R's lm below which a column is collinear.
const zeroTol = 1e-6

// checkCountSeparation returns an error when the rows with y = 0 are separated from the others
// by a combination of the regressors (see above); rows with weight 0 (weights not nil) are
// left out. model names the model in the message.
func checkCountSeparation(model string, d *Data) error {
	n, k := d.X.Dims()
	// Scale each column to a largest |entry| of 1, so that the tolerances are relative.
	scale := make([]float64, k)
	for j := range k {
		for i := range n {
			scale[j] = math.Max(scale[j], math.Abs(d.X.At(i, j)))
		}
		if scale[j] == 0 {
			scale[j] = 1
		}
	}
	var pos, zero []int
	for i := range n {
		if d.Weights != nil && d.Weights[i] == 0 {
			continue
		}
		if d.Y[i] > 0 {
			pos = append(pos, i)
		} else {
			zero = append(zero, i)
		}
	}
	if len(pos) == 0 || len(zero) == 0 {
		return nil // all zero is refused before this; no zero, nothing to separate
	}
	scaled := func(rows []int) *mat.Dense {
		m := mat.NewDense(len(rows), k, nil)
		for r, i := range rows {
			for j := range k {
				m.Set(r, j, d.X.At(i, j)/scale[j])
			}
		}
		return m
	}
	null := nullSpace(scaled(pos))
	if null == nil {
		return nil
	}
	z := mat.NewDense(len(zero), null.RawMatrix().Cols, nil)
	z.Mul(scaled(zero), null)

	var clauses []string
	var rows []int
	remaining := slices.Clone(zero)
	zrows := make([]int, len(zero)) // row of z of each entry of remaining
	for r := range zrows {
		zrows[r] = r
	}
	for range 10 {
		delta := separatingDirection(z, zrows)
		if delta == nil {
			break
		}
		// γ on the scale of the data, and z = Xγ on every row.
		var g mat.VecDense
		g.MulVec(null, mat.NewVecDense(len(delta), delta))
		gamma := make([]float64, k)
		for j := range k {
			gamma[j] = g.AtVec(j) / scale[j]
		}
		// An entry of Xγ counts as 0 when it is below zeroTol of the largest sum of its
		// terms' sizes, Σⱼ|xᵢⱼγⱼ|: what cancels to less is rounding or near-collinearity,
		// which checkDesign reports better.
		xg := make([]float64, n)
		top := 0.0
		for i := range n {
			size := 0.0
			for j := range k {
				xg[i] += d.X.At(i, j) * gamma[j]
				size += math.Abs(d.X.At(i, j) * gamma[j])
			}
			top = math.Max(top, size)
		}
		tol := zeroTol * top
		var found []int
		for _, i := range pos {
			if math.Abs(xg[i]) > tol {
				return nil // numerically unclear: leave it to the fit
			}
		}
		var keep, keepRows []int
		for r, i := range remaining {
			switch {
			case xg[i] < -tol:
				return nil
			case xg[i] > tol:
				found = append(found, i)
			default:
				keep, keepRows = append(keep, i), append(keepRows, zrows[r])
			}
		}
		if len(found) == 0 {
			break
		}
		rows = append(rows, found...)
		clauses = append(clauses, separationClause(d, gamma, found))
		remaining, zrows = keep, keepRows
		if len(remaining) == 0 {
			break
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return fmt.Errorf("likelihoods: %s: %s, so the maximum likelihood estimate does not exist: the likelihood rises without bound as the mean there falls to 0 (some coefficients run to ±∞); drop those rows and the regressors that single them out, or model them otherwise",
		model, strings.Join(clauses, "; and "))
}

// separatingDirection returns δ with z δ ≥ 0 on the given rows of z, summing to 1 over them,
// or nil when there is none (or the linear program fails, or is too large).
func separatingDirection(z *mat.Dense, rows []int) []float64 {
	_, r := z.Dims()
	// Distinct rows that are not all zero: duplicates (factor levels) add nothing.
	var distinct [][]float64
	seen := map[string]bool{}
	for _, i := range rows {
		row := mat.Row(nil, i, z)
		key, nonzero := "", false
		for j, v := range row {
			if math.Abs(v) < separationTol {
				row[j] = 0
			}
			nonzero = nonzero || row[j] != 0
			key += strconv.FormatFloat(row[j], 'g', 12, 64) + ","
		}
		if nonzero && !seen[key] {
			seen[key] = true
			distinct = append(distinct, row)
		}
	}
	m := len(distinct)
	if m == 0 || m > maxSeparationRows {
		return nil
	}
	// Columns: δ⁺ (r), δ⁻ (r), s (m). Rows: z δ⁺ − z δ⁻ − s = 0 (m), Σ s = 1.
	a := mat.NewDense(m+1, 2*r+m, nil)
	for i, row := range distinct {
		for j, v := range row {
			a.Set(i, j, v)
			a.Set(i, r+j, -v)
		}
		a.Set(i, 2*r+i, -1)
		a.Set(m, 2*r+i, 1)
	}
	// Simplex refuses a column of zeros (a direction of the null space that is 0 on every
	// row left): drop it; its variable stays 0.
	var cols []int
	for j := range 2*r + m {
		if mat.Norm(a.ColView(j), math.Inf(1)) > 0 {
			cols = append(cols, j)
		}
	}
	aa := mat.NewDense(m+1, len(cols), nil)
	for c, j := range cols {
		aa.SetCol(c, mat.Col(nil, j, a))
	}
	b := make([]float64, m+1)
	b[m] = 1
	_, x, err := lp.Simplex(make([]float64, len(cols)), aa, b, 1e-10, nil)
	if err != nil {
		return nil
	}
	full := make([]float64, 2*r+m)
	for c, j := range cols {
		full[j] = x[c]
	}
	delta := make([]float64, r)
	for j := range r {
		delta[j] = full[j] - full[r+j]
	}
	return delta
}

// nullSpace returns an orthonormal basis of the null space of x (k×r), or nil if it is
// empty.
func nullSpace(x *mat.Dense) *mat.Dense {
	n, k := x.Dims()
	var svd mat.SVD
	if !svd.Factorize(x, mat.SVDFullV) {
		return nil
	}
	s := svd.Values(nil)
	var v mat.Dense
	svd.VTo(&v)
	rank := 0
	for _, sv := range s {
		if sv > separationTol*float64(max(n, k))*s[0] {
			rank++
		}
	}
	if rank == k {
		return nil
	}
	out := mat.NewDense(k, k-rank, nil)
	out.Copy(v.Slice(0, k, rank, k))
	return out
}

// separationClause describes the combination γ that is 0 where y > 0 and positive in the given
// rows, where y = 0: for one regressor, "d = 0 in every row with y > 0 and d = 1 in data rows
// 1, 2 (where y = 0)"; for several, "x2 − x1 is 0 in every row with …".
func separationClause(d *Data, gamma []float64, rows []int) string {
	n, k := d.X.Dims()
	isConst := func(j int) bool {
		for i := range n {
			if d.X.At(i, j) != d.X.At(0, j) {
				return false
			}
		}
		return true
	}
	// Scale the largest non-constant term to ±1; the constant columns make a constant c.
	big, c := 0.0, 0.0
	var terms []int
	for j := range k {
		if isConst(j) {
			c += gamma[j] * d.X.At(0, j)
			continue
		}
		if math.Abs(gamma[j]) > separationTol*1e3*mat.Norm(mat.NewVecDense(k, gamma), math.Inf(1)) {
			terms = append(terms, j)
			if math.Abs(gamma[j]) > math.Abs(big) {
				big = gamma[j]
			}
		}
	}
	if big == 0 {
		big = 1
	}
	where := fmt.Sprintf("data row%s %s (where %s = 0)", plural(len(rows)), rowList(d, rows), d.Response)
	if len(terms) == 1 {
		j := terms[0]
		name, v := d.Names[j], -c/gamma[j]
		if r := math.Round(v); math.Abs(v-r) < 1e-9*math.Max(1, math.Abs(v)) {
			v = r + 0 // the value at the rows with y > 0, without rounding residue or −0
		}
		op := ">"
		if gamma[j] < 0 {
			op = "<"
		}
		dummy := true
		for i := range n {
			x := d.X.At(i, j)
			dummy = dummy && (x == 0 || x == 1)
		}
		switch {
		case dummy && v == 0 && op == ">":
			return fmt.Sprintf("%s = 0 in every row with %s > 0 and %s = 1 in %s", name, d.Response, name, where)
		case dummy && v == 1 && op == "<":
			return fmt.Sprintf("%s = 1 in every row with %s > 0 and %s = 0 in %s", name, d.Response, name, where)
		}
		return fmt.Sprintf("%s = %s in every row with %s > 0 and %s %s %s in %s", name, fmtNum(v), d.Response, name, op, fmtNum(v), where)
	}
	// Written so that it is positive on the rows: positive terms first, "x2 − x1".
	big = math.Abs(big)
	slices.SortStableFunc(terms, func(a, b int) int { return boolInt(gamma[a] < 0) - boolInt(gamma[b] < 0) })
	var b strings.Builder
	for t, j := range terms {
		coef := gamma[j] / big
		switch {
		case t == 0 && coef < 0:
			b.WriteString("−")
		case t > 0 && coef < 0:
			b.WriteString(" − ")
		case t > 0:
			b.WriteString(" + ")
		}
		if a := math.Abs(coef); math.Abs(a-1) > 1e-9 {
			b.WriteString(fmtNum(a) + "·")
		}
		b.WriteString(d.Names[j])
	}
	if cc := c / big; math.Abs(cc) > separationTol {
		if cc < 0 {
			b.WriteString(" − " + fmtNum(-cc))
		} else {
			b.WriteString(" + " + fmtNum(cc))
		}
	}
	return fmt.Sprintf("the combination %s of the regressors is 0 in every row with %s > 0 and positive in %s", b.String(), d.Response, where)
}

// fmtNum writes v with 6 significant digits.
func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// rowList lists the data rows of entries, the first ten and a count of the rest.
func rowList(d *Data, entries []int) string {
	sorted := slices.Clone(entries)
	slices.Sort(sorted)
	var parts []string
	for i, e := range sorted {
		if i == 10 {
			parts = append(parts, fmt.Sprintf("… (%d rows)", len(sorted)))
			break
		}
		parts = append(parts, strconv.Itoa(d.row(e)))
	}
	return strings.Join(parts, ", ")
}

// NB2 without overdispersion. For small α the NB2 log-likelihood is the Poisson one plus
// (α/2)·Σ[(yᵢ − μᵢ)² − yᵢ] + O(α²), and at the Poisson estimate the score of β is 0, so the
// derivative of the profile log-likelihood in α at α = 0 is half the overdispersion sum
// S = Σ[(yᵢ − μᵢ)² − yᵢ] at the Poisson fit (the score test of Cameron and Trivedi). When
// S ≤ 0 the data are not overdispersed: the likelihood falls as α rises from 0 and the MLE of
// α is 0, on the boundary where NB2 is the Poisson model. gomle estimates ln α (Stata's
// lnalpha), which then runs to −∞: the fit stops wherever the gradient test lets it (α ≈ 1e-8
// with a meaningless z, p and interval, "converged") or fails on a Hessian that is not
// positive definite. Stata prints such a table with alpha ≈ 0 and the LR test of alpha = 0,
// chibar2(01) = 0, Prob ≥ chibar2 = 1, which tells the reader to use Poisson. gomle says so
// directly, as an error before the fit: the β of that table are the Poisson estimates, which
// `poisson` gives with valid standard errors and no parameter on a boundary, while a table
// with an α that has no estimate is the clean "converged" table issue 14 rules out.

// poissonFit returns the Poisson fitted means of d (weights and offset included), by Newton's
// method with step halving from the intercept-only start, or nil when it does not converge.
func poissonFit(d *Data) []float64 {
	n, k := d.X.Dims()
	w := func(i int) float64 {
		if d.Weights == nil {
			return 1
		}
		return d.Weights[i]
	}
	off := func(i int) float64 {
		if d.Offset == nil {
			return 0
		}
		return d.Offset[i]
	}
	sw, sy, so := 0.0, 0.0, 0.0
	for i := range n {
		sw += w(i)
		sy += w(i) * d.Y[i]
		so += w(i) * off(i)
	}
	beta := make([]float64, k)
	if j := interceptIndex(d.X); j >= 0 && sy > 0 {
		beta[j] = math.Log(sy/sw) - so/sw
	}
	means := func(b []float64) ([]float64, float64) {
		mu := make([]float64, n)
		ll := 0.0
		for i := range n {
			eta := off(i)
			for j := range k {
				eta += d.X.At(i, j) * b[j]
			}
			mu[i] = math.Exp(eta)
			ll += w(i) * (d.Y[i]*eta - mu[i])
		}
		return mu, ll
	}
	mu, ll := means(beta)
	for range 100 {
		grad := mat.NewVecDense(k, nil)
		info := mat.NewSymDense(k, nil)
		for i := range n {
			r := w(i) * (d.Y[i] - mu[i])
			for a := range k {
				xa := d.X.At(i, a)
				grad.SetVec(a, grad.AtVec(a)+r*xa)
				for b := a; b < k; b++ {
					info.SetSym(a, b, info.At(a, b)+w(i)*mu[i]*xa*d.X.At(i, b))
				}
			}
		}
		var step mat.VecDense
		if err := step.SolveVec(info, grad); err != nil {
			return nil
		}
		t := 1.0
		for range 40 {
			next := slices.Clone(beta)
			for j := range k {
				next[j] += t * step.AtVec(j)
			}
			m, l := means(next)
			if l >= ll || math.Abs(l-ll) <= 1e-12*math.Abs(ll) {
				beta, mu, ll = next, m, l
				break
			}
			t /= 2
		}
		if mat.Norm(&step, math.Inf(1))*t < 1e-10 || t < 1e-12 {
			if t < 1e-12 {
				return nil
			}
			return mu
		}
	}
	return nil
}

// checkOverdispersion returns an error when the data are not overdispersed at the Poisson fit
// (S ≤ 0, above), so that the NB2 estimate of α is 0. model names the model.
func checkOverdispersion(model string, d *Data) error {
	mu := poissonFit(d)
	if mu == nil {
		return nil // the fit will speak for itself
	}
	s := 0.0
	for i, m := range mu {
		w := 1.0
		if d.Weights != nil {
			w = d.Weights[i]
		}
		r := d.Y[i] - m
		s += w * (r*r - d.Y[i])
	}
	if s > 0 {
		return nil
	}
	return fmt.Errorf("likelihoods: %s: %s is not overdispersed: at the Poisson fit Σ[(y − μ)² − y] = %.4g ≤ 0 (the variance is at most the mean), so the likelihood falls as alpha rises from 0 and the maximum likelihood estimate of alpha is 0, where the negative binomial is the Poisson model; ln(alpha) has no finite estimate and alpha no standard error. Fit poisson instead: its estimates are the NB2 estimates here (Stata's nbreg reports alpha ≈ 0 and the LR test of alpha = 0: chibar2 = 0, p = 1)",
		model, d.Response, s)
}
