// Package frame reads numeric data from delimited text files into a Frame of float64 columns,
// and turns R-style formulas such as
//
//	y ~ x1 + log(x2 + 0.1) + C(group) + x1:C(group) - 1
//
// into a design matrix (Design) for estimation.
//
// # Files
//
// ReadCSV and ReadFile read one record per line. The first non-blank line is the header. The
// separator is a comma, semicolon, tab, or runs of spaces, detected from the header (see
// Options.Sep). Names and cells may be quoted with " or ' (Stata- and statsmodels-style files
// quote with '). Every cell is a number or a missing value (Options.Missing); missing cells are
// NaN in the Frame. A file with a header and no rows gives a Frame with zero rows. Blank lines
// are skipped, and a quoted field cannot span lines.
//
// # Formulas
//
// ParseFormula reads "response ~ terms". The terms are separated by + and -:
//
//	x            a column
//	log(x + 1)   a function of columns: atan, cos, exp, log, sin, sqrt (see package expr)
//	I(x^2)       arithmetic on columns, with package expr's syntax
//	C(g)         treatment dummies for the distinct values of column g, the smallest the
//	             reference; C(g, Treatment(3)) or C(g, Treatment(reference=3)) picks level 3
//	a:b          an interaction: the product of a and b; with a C() factor, one column per
//	             non-reference level (per combination of levels for two C() factors)
//	1, 0         + 1 keeps the intercept (the default), + 0 or - 1 drops it
//	- x          removes the term x
//
// The response is a column, a function or an I() term. Repeated terms are kept once; a:b and
// b:a are the same term.
//
// Frame.Design evaluates a formula. It drops every row with a missing value in any column the
// formula uses (listwise deletion), and names the design columns as statsmodels does:
// "Intercept" first, then the terms in formula order, with dummies labelled "C(g)[T.2]" and
// interactions "a:C(g)[T.2]". Function terms are labelled by their canonical form, such as
// "log(popul + 0.1)". Without an intercept, the first C() main effect gets a dummy for every
// level ("C(g)[1]", "C(g)[2]", ...), as in R and patsy.
//
// # Error handling
//
// No function of the package panics on bad input. Errors start with "frame:". Errors from
// reading a file are *CSVError values, which name the file, the line and the column, as in
//
//	frame: spector.csv: line 7, column "GPA": cannot read "abc" as a number
//
// Formula syntax errors are *FormulaError values giving the 1-based column in the formula.
// Design reports an unknown column with the list of known ones, and a term whose value is not
// finite (log of zero, say) with the data row (1-based, the header not counted) where that
// first happens, rather than dropping such rows. It does not look for collinearity (a constant
// column, a factor with one level that gives no dummy, a term repeating the intercept): that is
// left to the estimation layer.
//
// # Backends
//
// The package works on the host only, with gonum matrices; it builds no GoMLX graphs, so it
// behaves the same whichever backend the estimation uses.
package frame
