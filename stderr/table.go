package stderr

import (
	"fmt"
	"html"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gomle/gomle/mlx"
)

// Table is a titled table of strings that prints as aligned text (String), as HTML (HTML), as
// Markdown (Markdown) and as LaTeX (LaTeX): statsmodels' summary tables have as_text, as_html
// and as_latex.
type Table struct {
	// Title is printed above the table; Notes below it, one per line.
	Title string
	Notes []string
	// Columns heads the columns; the first column holds row labels and is left-aligned,
	// the others are right-aligned.
	Columns []string
	// Rows hold the cells, each as long as Columns.
	Rows [][]string
	// Rules lists the rows (indices into Rows) above which a thin rule separates groups of
	// rows, such as the statistics under a comparison's coefficients. Markdown has no such
	// rules and leaves them out.
	Rules []int
}

// String returns the table as aligned plain text.
func (t *Table) String() string {
	width := make([]int, len(t.Columns))
	for j, c := range t.Columns {
		width[j] = utf8.RuneCountInString(c)
	}
	for _, row := range t.Rows {
		for j, c := range row {
			width[j] = max(width[j], utf8.RuneCountInString(c))
		}
	}
	total := width[0]
	for _, w := range width[1:] {
		total += w + 2 // two spaces separate columns
	}
	var b strings.Builder
	line := func(cells []string) {
		for j, c := range cells {
			pad := strings.Repeat(" ", width[j]-utf8.RuneCountInString(c))
			if j == 0 {
				b.WriteString(c + pad)
			} else {
				b.WriteString("  " + pad + c)
			}
		}
		b.WriteString("\n")
	}
	rule := strings.Repeat("=", total) + "\n"
	if t.Title != "" {
		b.WriteString(t.Title + "\n")
	}
	b.WriteString(rule)
	line(t.Columns)
	thin := strings.Repeat("-", total) + "\n"
	b.WriteString(thin)
	for i, row := range t.Rows {
		if slices.Contains(t.Rules, i) {
			b.WriteString(thin)
		}
		line(row)
	}
	b.WriteString(rule)
	for _, n := range t.Notes {
		b.WriteString(n + "\n")
	}
	return b.String()
}

// HTML returns the table as an HTML fragment: a <table> with a <caption>, then the notes.
func (t *Table) HTML() string {
	var b strings.Builder
	b.WriteString("<table class=\"gomle\">\n")
	if t.Title != "" {
		fmt.Fprintf(&b, "<caption>%s</caption>\n", html.EscapeString(t.Title))
	}
	b.WriteString("<thead><tr>")
	for _, c := range t.Columns {
		fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(c))
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for i, row := range t.Rows {
		if slices.Contains(t.Rules, i) {
			b.WriteString("<tr style=\"border-top:1px solid\">")
		} else {
			b.WriteString("<tr>")
		}
		for j, c := range row {
			if j == 0 {
				fmt.Fprintf(&b, "<th style=\"text-align:left\">%s</th>", html.EscapeString(c))
			} else {
				fmt.Fprintf(&b, "<td style=\"text-align:right\">%s</td>", html.EscapeString(c))
			}
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	for _, n := range t.Notes {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(n))
	}
	return b.String()
}

// Markdown returns the table as GitHub-flavoured Markdown: the title in bold, a pipe table
// (labels left-aligned, the other columns right-aligned, | in a cell escaped), then the notes,
// each its own paragraph.
func (t *Table) Markdown() string {
	var b strings.Builder
	cell := func(c string) string { return strings.ReplaceAll(c, "|", `\|`) }
	if t.Title != "" {
		fmt.Fprintf(&b, "**%s**\n\n", MarkdownEscape(t.Title))
	}
	row := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + cell(c) + " |")
		}
		b.WriteString("\n")
	}
	row(t.Columns)
	b.WriteString("|")
	for j := range t.Columns {
		if j == 0 {
			b.WriteString(":---|")
		} else {
			b.WriteString("---:|")
		}
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		row(r)
	}
	for _, n := range t.Notes {
		b.WriteString("\n" + MarkdownEscape(n) + "\n")
	}
	return b.String()
}

// MarkdownEscape returns s with the characters that would start emphasis, a link or code in
// Markdown text escaped: * _ [ ] `.
func MarkdownEscape(s string) string { return markdownEscaper.Replace(s) }

var markdownEscaper = strings.NewReplacer("*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "`", "\\`")

// LaTeX returns the table as a LaTeX table float: the title as its caption, a tabular with
// booktabs rules (\toprule, \midrule, \bottomrule; the document needs \usepackage{booktabs}),
// the labels left-aligned and the other columns right-aligned, then the notes in a footnote
// size paragraph. LaTeX's special characters are escaped (LaTeXEscape); other text,
// such as the Unicode in "R²" or "σ", is written as it is, for a Unicode-aware engine
// (XeLaTeX, LuaLaTeX) or pdfLaTeX with \usepackage[utf8]{inputenc} and the glyphs declared.
func (t *Table) LaTeX() string {
	var b strings.Builder
	b.WriteString("\\begin{table}[htbp]\n\\centering\n")
	if t.Title != "" {
		fmt.Fprintf(&b, "\\caption{%s}\n", LaTeXEscape(t.Title))
	}
	b.WriteString("\\begin{tabular}{l" + strings.Repeat("r", max(len(t.Columns)-1, 0)) + "}\n\\toprule\n")
	row := func(cells []string) {
		for j, c := range cells {
			if j > 0 {
				b.WriteString(" & ")
			}
			b.WriteString(LaTeXEscape(c))
		}
		b.WriteString(" \\\\\n")
	}
	row(t.Columns)
	b.WriteString("\\midrule\n")
	for i, r := range t.Rows {
		if slices.Contains(t.Rules, i) {
			b.WriteString("\\midrule\n")
		}
		row(r)
	}
	b.WriteString("\\bottomrule\n\\end{tabular}\n")
	if len(t.Notes) > 0 {
		b.WriteString("\\par\\medskip{\\footnotesize\n")
		for _, n := range t.Notes {
			b.WriteString(LaTeXEscape(n) + "\\par\n")
		}
		b.WriteString("}\n")
	}
	b.WriteString("\\end{table}\n")
	return b.String()
}

// LaTeXEscape returns s with LaTeX's special characters escaped: \ _ % & # $ { } ~ ^, and
// < > | as text symbols, which the default OT1 font encoding would print as other glyphs.
func LaTeXEscape(s string) string { return latexEscaper.Replace(s) }

var latexEscaper = strings.NewReplacer(`\`, `\textbackslash{}`, "_", `\_`, "%", `\%`, "&", `\&`, "#", `\#`,
	"$", `\$`, "{", `\{`, "}", `\}`, "~", `\textasciitilde{}`, "^", `\textasciicircum{}`,
	"<", `\textless{}`, ">", `\textgreater{}`, "|", `\textbar{}`)

// Table returns the summary table of the estimates: coefficient, standard error, z, p-value
// and confidence interval per parameter, under a header with the model, method, backend,
// number of observations, log-likelihood and the optimizer's status.
func (e *Estimates) Table() *Table {
	r := e.Result
	head := "coef"
	if e.EForm != "" {
		head = e.EForm
	}
	t := InferenceTable(head, e.Level, e.DF, e.Labels, e.Params, e.SE, e.Z, e.P, e.Lower, e.Upper)
	t.Title = fmt.Sprintf("%s: maximum likelihood, %s (backend %s), N = %d", r.Model.Name, r.Method, r.Backend, r.Observations())
	t.Notes = FitNotes(FitFacts{LogLike: r.LogLike, Status: r.Status.String(), Converged: r.Status.Converged(), Reason: r.Reason,
		Iterations: r.Iterations, Covariance: e.Kind.String(), Weights: r.Weights, Rows: r.NumObs, Observations: r.Observations(),
		SumWeights: r.SumWeights, Warnings: r.Warnings, Bootstrap: e.Bootstrap, Labels: e.Labels, Values: e.Params, Level: e.Level})
	return t
}

// FitFacts are what the notes under a table of estimates say about the fit (FitNotes): from a
// live fit (Estimates.Table) or from one read back from JSON (package estimate).
type FitFacts struct {
	LogLike                        float64
	Status, Reason, Covariance     string
	Converged                      bool
	Iterations, Rows, Observations int
	// Weights is the data's kind of weights and SumWeights their sum.
	Weights    mlx.WeightKind
	SumWeights float64
	Warnings   []string
	// Bootstrap, when not nil, adds its percentile intervals of the Values, labelled, at Level.
	Bootstrap *BootstrapSummary
	Labels    []string
	Values    []float64
	Level     float64
}

// FitNotes returns the notes printed under a table of estimates: the log-likelihood and the
// optimizer's status, the weights, warnings, and the bootstrap's percentile intervals.
func FitNotes(f FitFacts) []string {
	notes := []string{fmt.Sprintf("Log-likelihood %.6f; %s after %d iterations; covariance %s.", f.LogLike, f.Status, f.Iterations, f.Covariance)}
	switch f.Weights {
	case mlx.Frequency:
		notes = append(notes, fmt.Sprintf("Frequency weights: %d rows stand for N = %d observations.", f.Rows, f.Observations))
	case mlx.Sampling:
		notes = append(notes, fmt.Sprintf("Sampling weights summing to %.6g over N = %d rows: the log-likelihood is the weighted pseudo-log-likelihood.", f.SumWeights, f.Rows))
	}
	if f.Reason != "" && !f.Converged {
		notes = append(notes, "Warning: the optimizer did not converge: "+f.Reason+".")
	}
	for _, w := range f.Warnings {
		notes = append(notes, "Warning: "+w)
	}
	if b := f.Bootstrap; b != nil {
		notes = append(notes, fmt.Sprintf("Bootstrap: %d replicates (%d failed to converge and are left out), fitted together in %d batched Newton iterations; intervals above are normal-based.",
			b.Reps, b.Failed, b.Iterations))
		var pct []string
		for i, l := range f.Labels {
			num := RowFormat(f.Values[i])
			pct = append(pct, fmt.Sprintf("%s [%s, %s]", l, num(b.Lower[i]), num(b.Upper[i])))
		}
		notes = append(notes, fmt.Sprintf("Percentile %.3g%% intervals: %s.", 100*f.Level, strings.Join(pct, "; ")))
	}
	return notes
}

// InferenceTable lays out one row per label: the value, its standard error, z, p and the
// confidence interval at level, formatted as every table of this package is (see RowFormat).
// head names the value column; df > 0 heads the statistic columns t and P>|t| (Student's t),
// else z and P>|z|. Estimates.Table and Margins.Table use it, and a report read back from JSON
// uses it to print the same table from the saved numbers.
func InferenceTable(head string, level float64, df int, labels []string, value, se, z, p, lower, upper []float64) *Table {
	lo, hi := (1-level)/2, 1-(1-level)/2
	stat := "z"
	if df > 0 {
		stat = "t"
	}
	t := &Table{Columns: []string{"", head, "std err", stat, "P>|" + stat + "|", fmt.Sprintf("[%.3g", lo), fmt.Sprintf("%.3g]", hi)}}
	for i, label := range labels {
		num := RowFormat(value[i])
		t.Rows = append(t.Rows, []string{label,
			num(value[i]), num(se[i]), fmt.Sprintf("%.3f", z[i]),
			fmt.Sprintf("%.3f", p[i]), num(lower[i]), num(upper[i])})
	}
	return t
}

// RowFormat returns the formatter of a table row whose value is v: six decimals, or exponent
// form for the whole row when six decimals would hide the value's digits (|v| < 1e-3, such as
// NIST Misra1a's b2 = 5.5e-4) or make it too wide (|v| ≥ 1e7).
func RowFormat(v float64) func(float64) string {
	if a := math.Abs(v); a != 0 && (a < 1e-3 || a >= 1e7) {
		return func(x float64) string { return fmt.Sprintf("%.5e", x) }
	}
	return func(x float64) string { return fmt.Sprintf("%.6f", x) }
}

// String returns the summary table as text.
func (e *Estimates) String() string { return e.Table().String() }
