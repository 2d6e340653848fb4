package frame_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/gomle/gomle/frame"
)

func TestParseFormula(t *testing.T) {
	cases := []struct {
		name      string
		in        string   // the formula
		want      string   // its canonical String
		response  string   // Response()
		terms     []string // Terms()
		intercept bool     // Intercept()
		vars      []string // Vars()
	}{
		{"two columns", "y ~ x1 + x2", "y ~ x1 + x2", "y", []string{"x1", "x2"}, true, []string{"x1", "x2", "y"}},
		{"no spaces", "y~x", "y ~ x", "y", []string{"x"}, true, []string{"x", "y"}},
		{"line breaks", "y ~\n  x +\n  z", "y ~ x + z", "y", []string{"x", "z"}, true, []string{"x", "y", "z"}},
		{"minus one drops the intercept", "y ~ x - 1", "y ~ x - 1", "y", []string{"x"}, false, []string{"x", "y"}},
		{"plus zero drops the intercept", "y ~ 0 + x", "y ~ x - 1", "y", []string{"x"}, false, []string{"x", "y"}},
		{"trailing plus zero", "y ~ x + 0", "y ~ x - 1", "y", []string{"x"}, false, []string{"x", "y"}},
		{"leading minus one", "y ~ -1 + x", "y ~ x - 1", "y", []string{"x"}, false, []string{"x", "y"}},
		{"explicit plus one", "y ~ 1 + x", "y ~ x", "y", []string{"x"}, true, []string{"x", "y"}},
		{"minus zero keeps the intercept", "y ~ x - 0", "y ~ x", "y", []string{"x"}, true, []string{"x", "y"}},
		// + and - apply from left to right, as in R and patsy.
		{"the intercept removed, then added", "y ~ x - 1 + 1", "y ~ x", "y", []string{"x"}, true, []string{"x", "y"}},
		{"intercept only", "y ~ 1", "y ~ 1", "y", []string{}, true, []string{"y"}},
		{"nothing at all", "y ~ 0", "y ~ 0", "y", []string{}, false, []string{"y"}},
		{"dummies", "y ~ C(g)", "y ~ C(g)", "y", []string{"C(g)"}, true, []string{"g", "y"}},
		{"treatment reference", "y ~ C(g, Treatment(3))", "y ~ C(g, Treatment(3))", "y",
			[]string{"C(g, Treatment(3))"}, true, []string{"g", "y"}},
		{"treatment reference by name", "y ~ C(g,Treatment(reference = 3.0))", "y ~ C(g, Treatment(3))", "y",
			[]string{"C(g, Treatment(3))"}, true, []string{"g", "y"}},
		{"bare treatment", "y ~ C( g , Treatment )", "y ~ C(g)", "y", []string{"C(g)"}, true, []string{"g", "y"}},
		{"negative reference", "y ~ C(g, Treatment(-0.5))", "y ~ C(g, Treatment(-0.5))", "y",
			[]string{"C(g, Treatment(-0.5))"}, true, []string{"g", "y"}},
		{"function term", "PID ~ log(popul+0.1) + age", "PID ~ log(popul + 0.1) + age", "PID",
			[]string{"log(popul + 0.1)", "age"}, true, []string{"PID", "age", "popul"}},
		{"space before a call", "y ~ exp (x)", "y ~ exp(x)", "y", []string{"exp(x)"}, true, []string{"x", "y"}},
		{"arithmetic in I()", "y ~ I(x^2) + I(x**3) + I(a*b)", "y ~ I(x^2) + I(x^3) + I(a*b)", "y",
			[]string{"I(x^2)", "I(x^3)", "I(a*b)"}, true, []string{"a", "b", "x", "y"}},
		{"function response", "log(y) ~ x", "log(y) ~ x", "log(y)", []string{"x"}, true, []string{"x", "y"}},
		{"I() response", "I(y/100) ~ x", "I(y/100) ~ x", "I(y/100)", []string{"x"}, true, []string{"x", "y"}},
		{"interaction", "y ~ a + b + a:b", "y ~ a + b + a:b", "y", []string{"a", "b", "a:b"}, true, []string{"a", "b", "y"}},
		{"interaction with dummies", "y ~ a:C(g)", "y ~ a:C(g)", "y", []string{"a:C(g)"}, true, []string{"a", "g", "y"}},
		{"b:a repeats a:b", "y ~ a:b + b:a", "y ~ a:b", "y", []string{"a:b"}, true, []string{"a", "b", "y"}},
		{"a:a is a", "y ~ a:a + a", "y ~ a", "y", []string{"a"}, true, []string{"a", "y"}},
		{"repeated term kept once", "y ~ a + b + a", "y ~ a + b", "y", []string{"a", "b"}, true, []string{"a", "b", "y"}},
		{"removed term", "y ~ a + b + c - b", "y ~ a + c", "y", []string{"a", "c"}, true, []string{"a", "c", "y"}},
		{"removal before the term", "y ~ -b + a + b", "y ~ a + b", "y", []string{"a", "b"}, true, []string{"a", "b", "y"}},
		{"removing an interaction in either order", "y ~ a:b + a - b:a", "y ~ a", "y", []string{"a"}, true, []string{"a", "y"}},
		{"removing an absent term", "y ~ a - z", "y ~ a", "y", []string{"a"}, true, []string{"a", "y"}},
		{"names with dots and digits", "y.1 ~ x.2 + _z", "y.1 ~ x.2 + _z", "y.1", []string{"x.2", "_z"}, true,
			[]string{"_z", "x.2", "y.1"}},
		{"column named like a function", "y ~ exp + C", "y ~ exp + C", "y", []string{"exp", "C"}, true,
			[]string{"C", "exp", "y"}},
		// The expansions below are R's: terms(y ~ ...) in R 4 lists the same term labels.
		{"crossing", "y ~ a*b", "y ~ a + b + a:b", "y", []string{"a", "b", "a:b"}, true, []string{"a", "b", "y"}},
		{"three-way crossing", "y ~ a*b*c", "y ~ a + b + c + a:b + a:c + b:c + a:b:c", "y",
			[]string{"a", "b", "c", "a:b", "a:c", "b:c", "a:b:c"}, true, []string{"a", "b", "c", "y"}},
		{"crossing of sums", "y ~ (a+b)*(c+d)", "y ~ a + b + c + d + a:c + a:d + b:c + b:d", "y",
			[]string{"a", "b", "c", "d", "a:c", "a:d", "b:c", "b:d"}, true, []string{"a", "b", "c", "d", "y"}},
		{"power", "y ~ (a+b+c)^2", "y ~ a + b + c + a:b + a:c + b:c", "y",
			[]string{"a", "b", "c", "a:b", "a:c", "b:c"}, true, []string{"a", "b", "c", "y"}},
		{"power beyond the factors", "y ~ (a+b)^7", "y ~ a + b + a:b", "y", []string{"a", "b", "a:b"}, true, []string{"a", "b", "y"}},
		{"first power", "y ~ (a + b)^1 + c", "y ~ a + b + c", "y", []string{"a", "b", "c"}, true, []string{"a", "b", "c", "y"}},
		{"interaction of sums", "y ~ (a+b):(c+d)", "y ~ a:c + a:d + b:c + b:d", "y",
			[]string{"a:c", "a:d", "b:c", "b:d"}, true, []string{"a", "b", "c", "d", "y"}},
		{"crossing minus its interaction", "y ~ a*b - a:b", "y ~ a + b", "y", []string{"a", "b"}, true, []string{"a", "b", "y"}},
		{"minus after the expansion", "y ~ a*b*c - b", "y ~ a + c + a:b + a:c + b:c + a:b:c", "y",
			[]string{"a", "c", "a:b", "a:c", "b:c", "a:b:c"}, true, []string{"a", "b", "c", "y"}},
		{"removal inside parentheses", "y ~ (a + b - a):c", "y ~ b:c", "y", []string{"b:c"}, true, []string{"b", "c", "y"}},
		{"parentheses around a sum", "y ~ (a + b) + c", "y ~ a + b + c", "y", []string{"a", "b", "c"}, true, []string{"a", "b", "c", "y"}},
		{"minus a parenthesised sum", "y ~ a*b - (a + b)", "y ~ a:b", "y", []string{"a:b"}, true, []string{"a", "b", "y"}},
		{"intercept dropped in parentheses", "y ~ x + (0)", "y ~ x - 1", "y", []string{"x"}, false, []string{"x", "y"}},
		{"crossing with a factor", "y ~ x*C(g)", "y ~ x + C(g) + x:C(g)", "y", []string{"x", "C(g)", "x:C(g)"}, true,
			[]string{"g", "x", "y"}},
		{"crossing after other terms", "y ~ z + a*b", "y ~ z + a + b + a:b", "y", []string{"z", "a", "b", "a:b"}, true,
			[]string{"a", "b", "y", "z"}},
		{"offset", "y ~ x + offset(log(t))", "y ~ x + offset(log(t))", "y", []string{"x"}, true, []string{"t", "x", "y"}},
		{"two offsets, no intercept", "y ~ offset(u) + x + offset( log(t) ) - 1", "y ~ x + offset(u) + offset(log(t)) - 1", "y",
			[]string{"x"}, false, []string{"t", "u", "x", "y"}},
		{"offset alone", "y ~ offset(t)", "y ~ offset(t)", "y", []string{}, true, []string{"t", "y"}},
		{"offset alone without intercept", "y ~ 0 + offset(t)", "y ~ offset(t) - 1", "y", []string{}, false, []string{"t", "y"}},
		{"removed offset", "y ~ x + offset(t) - offset(t)", "y ~ x", "y", []string{"x"}, true, []string{"x", "y"}},
		{"column named offset", "y ~ offset + x", "y ~ offset + x", "y", []string{"offset", "x"}, true, []string{"offset", "x", "y"}},
		{"comparison in I()", "y ~ I(x>3) + I(x*(x <= 3))", "y ~ I(x > 3) + I(x*(x <= 3))", "y",
			[]string{"I(x > 3)", "I(x*(x <= 3))"}, true, []string{"x", "y"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := frame.ParseFormula(tc.in)
			if err != nil {
				t.Fatalf("ParseFormula(%q): %v", tc.in, err)
			}
			if got := f.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
			if got := f.Response(); got != tc.response {
				t.Errorf("Response() = %q, want %q", got, tc.response)
			}
			if got := f.Terms(); !slices.Equal(got, tc.terms) {
				t.Errorf("Terms() = %q, want %q", got, tc.terms)
			}
			if got := f.Intercept(); got != tc.intercept {
				t.Errorf("Intercept() = %v, want %v", got, tc.intercept)
			}
			if got := f.Vars(); !slices.Equal(got, tc.vars) {
				t.Errorf("Vars() = %q, want %q", got, tc.vars)
			}
			again, err := frame.ParseFormula(f.String())
			if err != nil || again.String() != f.String() {
				t.Errorf("canonical form %q re-parses as %v, %v", f.String(), again, err)
			}
		})
	}
}

func TestParseFormulaErrors(t *testing.T) {
	cases := []struct {
		name   string
		in     string // the formula
		want   string // the error message
		offset int    // FormulaError.Offset
	}{
		{"empty", "  ", `frame: formula: empty formula at column 1 (write it as y ~ x1 + x2)`, 0},
		{"no response", "~ x",
			`frame: formula: no response before "~" at column 1 (one-sided formulas are not supported; write y ~ x1 + x2)`, 0},
		{"no tilde", "y", `frame: formula: missing "~" at column 2 (write the formula as y ~ x1 + x2)`, 1},
		{"two responses", "y x ~ z", `frame: formula: unexpected 'x' at column 3 (expected "~" after the response)`, 2},
		{"interaction response", "a:b ~ z", `frame: formula: unexpected ':' at column 2 (expected "~" after the response)`, 1},
		{"nothing after the tilde", "y ~ ",
			`frame: formula: nothing after "~" at column 5 (write terms such as x1 + x2, or 1 for the intercept alone)`, 4},
		{"dangling plus", "y ~ x +", `frame: formula: unexpected end of formula at column 8 (expected a term)`, 7},
		{"dangling colon", "y ~ x:", `frame: formula: unexpected end of formula at column 7 (expected a term)`, 6},
		{"two plus signs", "y ~ x + + z",
			`frame: formula: unexpected '+' at column 9 (expected a column name, a function call, I(...) or C(...))`, 8},
		{"missing plus", "y ~ x z", `frame: formula: unexpected 'z' at column 7 (expected "+" or "-" between terms)`, 6},
		{"power outside I()", "y ~ x^2", `frame: formula: unexpected '^' at column 6 (arithmetic needs I(), as in I(a^b))`, 5},
		{"division outside I()", "y ~ x/2", `frame: formula: unexpected '/' at column 6 (arithmetic needs I(), as in I(a/b))`, 5},
		{"second tilde", "y ~ x ~ z", `frame: formula: unexpected '~' at column 7 (a formula has one "~")`, 6},
		{"number term", "y ~ x + 2",
			`frame: formula: the number 2 is not a term at column 9 (only 1 (+ 1 keeps the intercept) and 0 (+ 0 drops it) are; use I() for arithmetic)`, 8},
		{"number in an interaction", "y ~ a:1", `frame: formula: a number cannot be a factor of an interaction at column 7 (use I() for arithmetic)`, 6},
		{"response is a number", "1 ~ x",
			`frame: formula: the response cannot be a number at column 1 (it must be a column, a function of columns or an I() term)`, 0},
		{"response is C()", "C(y) ~ x",
			`frame: formula: the response cannot be C(...) at column 1 (it must be a column, a function of columns or an I() term)`, 0},
		{"parenthesised response", "(y) ~ x",
			`frame: formula: unexpected "(" at column 1 (parentheses cannot group terms; use I(...) for arithmetic)`, 0},
		{"power of a column", "y ~ (a + b)*x^2", `frame: formula: unexpected '^' at column 14 (arithmetic needs I(), as in I(a^b))`, 13},
		{"power not a whole number", "y ~ (a + b)^x",
			`frame: formula: expected a whole number after ^ at column 13 ((a + b)^2 is a + b + a:b; use I() for arithmetic)`, 12},
		{"zeroth power", "y ~ (a + b)^0",
			`frame: formula: expected a whole number after ^ at column 13 ((a + b)^2 is a + b + a:b; use I() for arithmetic)`, 12},
		{"crossing with a number", "y ~ a*1", `frame: formula: a number cannot be a factor of an interaction at column 7 (use I() for arithmetic)`, 6},
		{"intercept inside an interaction", "y ~ (1 + a):b",
			`frame: formula: the intercept (1 or 0) cannot be an operand of ":" at column 5 (add or remove it outside the parentheses)`, 4},
		{"offset in an interaction", "y ~ x:offset(t)",
			`frame: formula: offset(...) cannot be an operand of ":" at column 7 (add an offset with +, as in y ~ x + offset(log(t)))`, 6},
		{"power of an offset", "y ~ (offset(t) + x)^2",
			`frame: formula: offset(...) cannot be an operand of "^" at column 5 (add an offset with +, as in y ~ x + offset(log(t)))`, 4},
		{"offset response", "offset(y) ~ x",
			`frame: formula: offset(...) is not allowed here at column 1 (an offset is a term of its own after ~, as in y ~ x + offset(log(t)))`, 0},
		{"empty offset", "y ~ offset()", `frame: formula: empty expression at column 12 (expected a number, a variable or a function call)`, 11},
		{"unclosed offset", "y ~ offset(t", `frame: formula: missing ")" for the "(" at column 11`, 10},
		{"unclosed group", "y ~ (a + b", `frame: formula: missing ")" for the "(" at column 5`, 4},
		{"junk in a group", "y ~ (a b)",
			`frame: formula: unexpected 'b' at column 8 (expected "+", "-" or ")" to close the "(" at column 5)`, 7},
		{"empty group", "y ~ ()", `frame: formula: unexpected ')' at column 6 (expected a column name, a function call, I(...) or C(...))`, 5},
		{"too many terms", "y ~ a*b*c*d*e*f*g*h*i*j*k*l*m",
			`frame: formula: the formula expands to more than 4096 terms at column 28`, 27},
		{"nested too deeply", "y ~ " + strings.Repeat("(", 101) + "x" + strings.Repeat(")", 101),
			`frame: formula: parentheses nested too deeply (more than 100 levels) at column 105`, 104},
		{"chained comparison in I()", "y ~ I(0 < x < 1)",
			`frame: formula: unexpected "<" at column 13 (comparisons do not chain: write (a < b) & (b < c))`, 12},
		{"unknown function", "y ~ x + expp(x)",
			`frame: formula: unknown function "expp" at column 9 (known: C, I, atan, cos, exp, log, sin, sqrt)`, 8},
		{"unclosed call", "y ~ log(x", `frame: formula: missing ")" for the "(" at column 8`, 7},
		{"extra parenthesis", "y ~ log(x))", `frame: formula: unexpected ')' at column 11 (expected "+" or "-" between terms)`, 10},
		{"syntax error inside a call", "y ~ log(x +)",
			`frame: formula: unexpected ")" at column 12 (expected a number, a variable, a function call or "(")`, 11},
		{"empty I()", "y ~ I( )",
			`frame: formula: empty expression at column 7 (expected a number, a variable or a function call)`, 6},
		{"unknown function inside I()", "y ~ I(expp(x))",
			`frame: formula: unknown function "expp" at column 7 (known: atan, cos, exp, log, sin, sqrt)`, 6},
		{"two arguments", "y ~ log(a, b)", `frame: formula: log takes 1 argument, got 2 at column 5`, 4},
		{"unknown contrast", "y ~ C(g, Sum)", `frame: formula: unknown contrast "Sum" at column 10 (only Treatment is supported)`, 9},
		{"C() of an expression", "y ~ C(log(g))", `frame: formula: unexpected '(' in C(...) at column 10 (expected "," or ")")`, 9},
		{"C() of nothing", "y ~ C()",
			`frame: formula: unexpected end of C(...) at column 7 (as in C(group) or C(group, Treatment(2)))`, 6},
		{"reference neither a number nor a quoted name", "y ~ C(g, Treatment(x))",
			`frame: formula: Treatment(...) takes the reference level, a number or a quoted name at column 20 (as in Treatment(2) or Treatment("white"))`, 19},
		{"unclosed level name", `y ~ C(g, Treatment("x))`, `frame: formula: the quote " is not closed at column 20`, 19},
		{"empty level name", `y ~ C(g, Treatment(''))`,
			`frame: formula: empty level name at column 20 (missing text cells are not a level)`, 19},
		{"reference without =", "y ~ C(g, Treatment(reference 2))",
			`frame: formula: expected "=" after reference at column 30 (as in Treatment(reference=2))`, 29},
		{"unclosed C()", "y ~ C(g, Treatment(3)", `frame: formula: missing ")" for the "(" at column 6`, 5},
		{"junk after the reference", "y ~ C(g, Treatment(3) x)", `frame: formula: unexpected 'x' in C(...) at column 23 (expected ")")`, 22},
		{"non-ASCII", "y ~ x + é", `frame: formula: unexpected 'é' at column 9 (expected a column name, a function call, I(...) or C(...))`, 8},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := frame.ParseFormula(tc.in)
			if err == nil {
				t.Fatalf("ParseFormula(%q) = %s, want an error", tc.in, f)
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n got %s\nwant %s", err, tc.want)
			}
			var fe *frame.FormulaError
			if !errors.As(err, &fe) {
				t.Fatalf("error is %T, want *frame.FormulaError", err)
			}
			if fe.Offset != tc.offset {
				t.Errorf("offset %d, want %d", fe.Offset, tc.offset)
			}
		})
	}
}
