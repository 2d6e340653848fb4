package estimate

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomle/gomle/stderr"
)

// Comparison sets fitted models side by side, one column per model, the table of Stata's
// esttab and R's modelsummary: each coefficient on its row (matched by label across the
// models), its standard error in parentheses under it, then the number of observations, the
// log-likelihood, AIC, BIC, the pseudo-R² or R² and the covariance of each model. Compare
// makes one; its fields choose the layout before Table or a printed form is asked for.
type Comparison struct {
	// Models are the summaries compared, in column order.
	Models []*Summary
	// Names head the columns; nil means "(1) logit", "(2) probit", … (the position and
	// Summary.Model). A shorter slice names the first columns only.
	Names []string
	// Stat puts each coefficient's z statistic (t for least squares) in parentheses under it
	// instead of its standard error.
	Stat bool
	// Stars marks each coefficient whose p-value is below 0.05 (*), 0.01 (**) or 0.001 (***).
	// Off by default: the thresholds are conventions, not findings, and marking them invites
	// reading a table by its stars (the American Statistical Association's 2016 statement on
	// p-values); the standard errors, or Stat, carry the evidence. R's modelsummary also
	// leaves them off by default; Stata's esttab puts them on.
	Stars bool
}

// Compare returns the comparison of the models, live reports or summaries read back with Load,
// in the default layout: standard errors in parentheses, no stars.
func Compare(models ...Summarizer) *Comparison {
	c := &Comparison{}
	for _, m := range models {
		c.Models = append(c.Models, m.Summary())
	}
	return c
}

// Table returns the comparison as a table: a column of labels and one per model. A model
// without a coefficient has empty cells in its row, or "(omitted)" when it dropped the
// regressor for collinearity. The coefficients come in the order they first appear, model
// by model; a rule separates them from the statistics. Coefficients are printed as each
// model's table shows them (exponentiated under eform, which a "Coefficients" row then says).
func (c *Comparison) Table() *stderr.Table {
	t := &stderr.Table{Columns: []string{""}}
	for i, m := range c.Models {
		name := fmt.Sprintf("(%d) %s", i+1, m.Model)
		if i < len(c.Names) {
			name = c.Names[i]
		}
		t.Columns = append(t.Columns, name)
	}
	var labels []string
	for _, m := range c.Models {
		for _, co := range m.Coefficients {
			if !slices.Contains(labels, co.Name) {
				labels = append(labels, co.Name)
			}
		}
	}
	for _, l := range labels {
		value, below := []string{l}, []string{""}
		for _, m := range c.Models {
			v, b := "", ""
			if i := slices.IndexFunc(m.Coefficients, func(co Coef) bool { return co.Name == l }); i >= 0 {
				co := m.Coefficients[i]
				v = compareNumber(co.Value, co.Value) + c.stars(co.P)
				if c.Stat {
					b = "(" + compareNumber(co.Z, 1) + ")"
				} else {
					b = "(" + compareNumber(co.SE, co.Value) + ")"
				}
			} else if slices.Contains(m.Omitted, l) {
				v = "(omitted)"
			}
			value, below = append(value, v), append(below, b)
		}
		t.Rows = append(t.Rows, value, below)
	}
	t.Rules = []int{len(t.Rows)}
	stat := func(label string, cell func(*Summary) string) {
		row := []string{label}
		for _, m := range c.Models {
			row = append(row, cell(m))
		}
		t.Rows = append(t.Rows, row)
	}
	if slices.ContainsFunc(c.Models, func(m *Summary) bool { return m.EForm != "" }) {
		stat("Coefficients", func(m *Summary) string {
			if m.EForm == "" {
				return "coef"
			}
			return m.EForm
		})
	}
	stat("N", func(m *Summary) string { return fmt.Sprint(m.Observations) })
	stat("Log-likelihood", func(m *Summary) string { return fmt.Sprintf("%.3f", m.LogLike) })
	stat("AIC", func(m *Summary) string { return fmt.Sprintf("%.3f", m.AIC) })
	stat("BIC", func(m *Summary) string { return fmt.Sprintf("%.3f", m.BIC) })
	if slices.ContainsFunc(c.Models, func(m *Summary) bool { return m.PseudoR2 != nil }) {
		stat("Pseudo R²", func(m *Summary) string {
			if m.PseudoR2 == nil {
				return ""
			}
			return fmt.Sprintf("%.4f", *m.PseudoR2)
		})
	}
	if slices.ContainsFunc(c.Models, func(m *Summary) bool { return m.OLS != nil }) {
		stat("R²", func(m *Summary) string {
			if m.OLS == nil {
				return ""
			}
			return fmt.Sprintf("%.4f", m.OLS.R2)
		})
	}
	stat("Covariance", func(m *Summary) string { return m.Covariance })
	if c.Stat {
		t.Notes = append(t.Notes, "z statistics in parentheses (t statistics for least squares).")
	} else {
		t.Notes = append(t.Notes, "Standard errors in parentheses.")
	}
	if c.Stars {
		t.Notes = append(t.Notes, "* p < 0.05, ** p < 0.01, *** p < 0.001 (two-sided).")
	}
	return t
}

// stars returns the significance marks of a p-value when Stars is set.
func (c *Comparison) stars(p float64) string {
	switch {
	case !c.Stars || math.IsNaN(p):
		return ""
	case p < 0.001:
		return "***"
	case p < 0.01:
		return "**"
	case p < 0.05:
		return "*"
	}
	return ""
}

// compareNumber formats v with four decimals, or in exponent form when the row's value ref
// is below 1e-3 or at least 1e7 in absolute value, where four decimals would hide its digits
// or widen the column; NaN is an empty cell.
func compareNumber(v, ref float64) string {
	if math.IsNaN(v) {
		return ""
	}
	if a := math.Abs(ref); a != 0 && (a < 1e-3 || a >= 1e7) {
		return fmt.Sprintf("%.4e", v)
	}
	return fmt.Sprintf("%.4f", v)
}

// String returns the comparison as aligned text.
func (c *Comparison) String() string { return c.Table().String() }

// HTML returns the comparison as an HTML table, for notebooks.
func (c *Comparison) HTML() string { return c.Table().HTML() }

// Markdown returns the comparison as a Markdown pipe table.
func (c *Comparison) Markdown() string { return c.Table().Markdown() }

// LaTeX returns the comparison as a LaTeX table with booktabs rules.
func (c *Comparison) LaTeX() string { return c.Table().LaTeX() }
