// Package frame reads data from delimited text files into a Frame of numeric and text columns,
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
// quote with '); inside quotes, a doubled quote stands for the quote, and separators are
// text. A field quoted with " may span lines (a CRLF inside it reads as LF); one quoted with '
// may not. Blanks around fields are dropped, as are blank lines and a UTF-8 byte order mark.
// CRLF line ends read as LF. A file with a header and no rows gives a Frame with zero rows.
//
// Each column is numeric or text. A numeric column holds numbers, booleans and missing
// values: TRUE, true, True and R's T read as 1, and FALSE, false, False and F as 0; the
// cells of Options.Missing (by default empty, NA, NaN, nan and .) and NaN are missing. A column
// with any other cell is a text column, whatever its other cells, so text never stops a file
// from being read. In a text column every cell is text, numbers included ("1.0" and "1" are two
// levels), and the missing cells are those of Options.Missing except ".", "NaN" and "nan": by
// default the empty cell and NA. Missing cells are NaN in the Frame.
//
// A text column is stored as the codes of its levels (see Frame.Levels and Frame.Codes), its
// distinct texts sorted in byte order ("B" before "a", "10" before "9"); the first is the
// reference level of a factor. Frame.Column reads numeric columns; for a text column it returns
// an error quoting the column's first text cell and its line, which also points to a typo in a
// column meant to be numeric.
//
// Files written by R's write.csv read as they are: quoted names and text, NA, TRUE and FALSE,
// and the row-names column, whose empty name (the first header cell) becomes "rownames" (with
// a "_" added if the file has that name already); it is a column like any other, unused unless
// a formula names it. An empty first name is allowed only in files with a separator, not in
// blank-separated ones. R's write.table with its default qmethod = "escape" writes \" inside
// quotes, which ReadCSV does not read as a quote; write it with qmethod = "double".
//
// # Formulas
//
// ParseFormula reads "response ~ terms", with R's formula operators. The terms are made of
//
//	x            a column; a text column is a factor, as C(x), labelled "x[T.level]"
//	             (unless half or more of its levels are numbers, a typo's mark)
//	log(x + 1)   a function of columns: atan, cos, exp, log, sin, sqrt (see package expr)
//	I(x^2)       arithmetic on columns, with package expr's syntax, comparisons included:
//	             I(x > 3) is 1 where x > 3 and 0 elsewhere (also <, >=, <=, ==, !=, & and |)
//	C(g)         treatment dummies for the distinct values of column g, the smallest the
//	             reference; C(g, Treatment(3)) or C(g, Treatment(reference=3)) picks level 3;
//	             for a text column the levels are its texts, in byte order, the first the
//	             reference, and C(g, Treatment("white")) picks "white"
//	offset(e)    an offset: e, an expression as in I(), enters the model's linear index with
//	             coefficient 1, as offset(log(exposure)) does in R (see Design.Offset)
//	1, 0         + 1 keeps the intercept (the default), + 0 or - 1 drops it
//
// combined by these operators, from the tightest:
//
//	(a + b)^k    a + b and all their interactions up to order k: (a + b + c)^2 is
//	             a + b + c + a:b + a:c + b:c; the base must be in parentheses (x^2 would be
//	             x, as in R: write I(x^2) for the square)
//	a:b          an interaction: the product of a and b; (a + b):c is a:c + b:c
//	a*b          crossing: a + b + a:b, and a*b*c all the interactions of a, b and c
//	a + b        both
//	a - b        a without the terms of b: a*b - a:b is a + b
//
// and parentheses. + and - apply from left to right, so y ~ x - 1 + 1 keeps the intercept.
// Repeated terms are kept once; a:b and b:a are the same term. The terms of a crossing or a
// power come out as R orders them, main effects first, then two-way interactions and so on;
// otherwise the terms keep their order in the formula. The response is a column, a function
// or an I() term.
//
// Frame.Design evaluates a formula. It drops every row with a missing value in any column the
// formula uses (listwise deletion), and names the design columns as statsmodels does:
// "Intercept" first, then the terms in formula order, with dummies labelled "C(g)[T.2]" (or
// "C(race)[T.white]" for a text column) and interactions "a:C(g)[T.2]". Function terms are
// labelled by their canonical form, such as "log(popul + 0.1)". A C() factor in a term is coded
// as in R: by treatment contrasts when the term without it (its margin) is in the model, by a
// dummy for every level ("C(g)[1]", "C(g)[2]", ...) when it is not. So y ~ C(g):x has a slope
// for every level of g, and y ~ x + C(g):x has x and the differences from the reference level's
// slope; without an intercept, the first C() main effect gets a dummy for every level.
//
// # Error handling
//
// No function of the package panics on bad input. Errors start with "frame:". Errors from
// reading a file are *CSVError values, which name the file, the line and the column, as in
//
//	frame: spector.csv: line 7, column "GPA": the number "1e999" is out of the float64 range
//
// A text column used as a number (the response, a function or I() term, Column) is an error
// that names the column and quotes a text cell, its line and the file:
//
//	frame: column "GPA" is text ("abc" on line 7 of spector.csv); use it as a factor, C(GPA)
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
