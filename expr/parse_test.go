package expr

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	cases := []struct {
		name string
		in   string   // the input
		want string   // its canonical String
		vars []string // its Vars
	}{
		{"number", "42", "42", nil},
		{"decimal", "0.25", "0.25", nil},
		{"leading dot", ".5", "0.5", nil},
		{"trailing dot", "5.", "5", nil},
		{"exponent", "1e-4", "0.0001", nil},
		{"exponent upper case with sign", "2.5E+3", "2500", nil},
		{"large number keeps exponent", "1e300", "1e+300", nil},
		{"underflow reads as zero", "1e-400", "0", nil},
		{"identifier", "popul", "popul", []string{"popul"}},
		{"identifier with dot, digit and underscore", "x.1_b", "x.1_b", []string{"x.1_b"}},
		{"misra1a", "b1*(1-exp(-b2*x))", "b1*(1 - exp(-b2*x))", []string{"b1", "b2", "x"}},
		{"spaces and tabs", " a \t+\n b ", "a + b", []string{"a", "b"}},
		{"product before sum", "a + b*c", "a + b*c", []string{"a", "b", "c"}},
		{"parentheses kept where needed", "(a + b)*c", "(a + b)*c", []string{"a", "b", "c"}},
		{"redundant parentheses dropped", "((a)) + (b*c)", "a + b*c", []string{"a", "b", "c"}},
		{"left associative minus", "a - b - c", "a - b - c", []string{"a", "b", "c"}},
		{"right operand of minus", "a - (b - c)", "a - (b - c)", []string{"a", "b", "c"}},
		{"right operand of plus keeps its tree", "a + (b + c)", "a + (b + c)", []string{"a", "b", "c"}},
		{"left associative division", "a / b / c", "a/b/c", []string{"a", "b", "c"}},
		{"right operand of division", "a / (b * c)", "a/(b*c)", []string{"a", "b", "c"}},
		{"power is right associative", "a^b^c", "a^b^c", []string{"a", "b", "c"}},
		{"left-nested power", "(a^b)^c", "(a^b)^c", []string{"a", "b", "c"}},
		{"double star is power", "x**2", "x^2", []string{"x"}},
		{"minus binds looser than power", "-x^2", "-x^2", []string{"x"}},
		{"negated base", "(-x)^2", "(-x)^2", []string{"x"}},
		{"signed exponent", "2^-x", "2^-x", []string{"x"}},
		{"signed exponent of a power", "2^-x^2", "2^-x^2", []string{"x"}},
		{"unary plus disappears", "+x", "x", []string{"x"}},
		{"double minus", "--x", "-(-x)", []string{"x"}},
		{"minus after operator", "a*-b", "a*-b", []string{"a", "b"}},
		{"minus of product", "-(a*b)", "-(a*b)", []string{"a", "b"}},
		{"minus then product", "-a*b", "-a*b", []string{"a", "b"}},
		{"sum plus negation", "a+-b", "a + -b", []string{"a", "b"}},
		{"all functions", "atan(a)+cos(b)+exp(c)+log(d)+sin(e)+sqrt(f)",
			"atan(a) + cos(b) + exp(c) + log(d) + sin(e) + sqrt(f)", []string{"a", "b", "c", "d", "e", "f"}},
		{"nested functions", "log(exp(sqrt(x)))", "log(exp(sqrt(x)))", []string{"x"}},
		{"formula term", "log(popul + 0.1)", "log(popul + 0.1)", []string{"popul"}},
		{"repeated variable listed once", "x*x + x", "x*x + x", []string{"x"}},
		{"variable named like a function", "exp*log", "exp*log", []string{"exp", "log"}},
		{"power of a call", "exp(x)^2", "exp(x)^2", []string{"x"}},
		{"comparison", "x>3", "x > 3", []string{"x"}},
		{"all comparisons", "(a<b) + (a<=b) + (a>b) + (a>=b) + (a==b) + (a!=b)",
			"(a < b) + (a <= b) + (a > b) + (a >= b) + (a == b) + (a != b)", []string{"a", "b"}},
		{"comparison binds looser than arithmetic", "x + 1 > 2*z", "x + 1 > 2*z", []string{"x", "z"}},
		{"comparison as a factor", "x*(x > 3)", "x*(x > 3)", []string{"x"}},
		{"negated comparison", "-(x > 3)", "-(x > 3)", []string{"x"}},
		{"comparison of comparisons", "(a < b) == (b < c)", "(a < b) == (b < c)", []string{"a", "b", "c"}},
		{"and binds tighter than or", "a > 1 | b > 1 & c > 1", "a > 1 | b > 1 & c > 1", []string{"a", "b", "c"}},
		{"or inside and", "(a | b) & c", "(a | b) & c", []string{"a", "b", "c"}},
		{"left associative and", "a & b & c", "a & b & c", []string{"a", "b", "c"}},
		{"comparison in a call", "exp(x >= 0)", "exp(x >= 0)", []string{"x"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if got := e.String(); got != tc.want {
				t.Errorf("Parse(%q).String() = %q, want %q", tc.in, got, tc.want)
			}
			if got := e.Vars(); !slices.Equal(got, tc.vars) {
				t.Errorf("Parse(%q).Vars() = %q, want %q", tc.in, got, tc.vars)
			}
			again, err := Parse(e.String())
			if err != nil {
				t.Fatalf("Parse(%q) (the canonical form): %v", e.String(), err)
			}
			if again.String() != e.String() {
				t.Errorf("canonical form %q re-parses as %q", e.String(), again.String())
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name   string
		in     string // the input
		want   string // the whole error message
		offset int    // SyntaxError.Offset
	}{
		{"empty", "", `expr: empty expression at column 1 (expected a number, a variable or a function call)`, 0},
		{"blank", "   ", `expr: empty expression at column 1 (expected a number, a variable or a function call)`, 0},
		{"unknown function", "2 + expp(x)",
			`expr: unknown function "expp" at column 5 (known: atan, cos, exp, log, sin, sqrt)`, 4},
		{"unexpected close", "(a + b))",
			`expr: unexpected ")" at column 8 (no "(" is open here)`, 7},
		{"unexpected close in operand position", "a + )",
			`expr: unexpected ")" at column 5 (expected a number, a variable, a function call or "(")`, 4},
		{"missing close", "a*(b + c",
			`expr: missing ")" opened at column 3`, 2},
		{"missing close of a call", "exp(x",
			`expr: missing ")" opened at column 4`, 3},
		{"trailing garbage", "a b",
			`expr: unexpected identifier "b" at column 3 (expected an operator or the end of the expression)`, 2},
		{"garbage inside parentheses", "(a b)",
			`expr: unexpected identifier "b" at column 4 (expected an operator or ")" to close the "(" at column 1)`, 3},
		{"dangling operator", "a +",
			`expr: unexpected end of input at column 4 (expected a number, a variable, a function call or "(")`, 3},
		{"two operators", "a * / b",
			`expr: unexpected "/" at column 5 (expected a number, a variable, a function call or "(")`, 4},
		{"bad character", "a % b", `expr: unexpected character '%' at column 3`, 2},
		{"non-ASCII character", "a × b", `expr: unexpected character '×' at column 3`, 2},
		{"malformed exponent", "1e-x", `expr: malformed number "1e-x" at column 1 (an exponent needs digits, as in 1e-4)`, 0},
		{"out of range", "2*1e999", `expr: number 1e999 is out of range at column 3 (float64 numbers are at most about 1.8e308)`, 2},
		{"no arguments", "exp()", `expr: exp takes 1 argument, got 0 at column 1`, 0},
		{"two arguments", "x + log(a, b)", `expr: log takes 1 argument, got 2 at column 5`, 4},
		{"empty parentheses", "()", `expr: unexpected ")" at column 2 (expected a number, a variable, a function call or "(")`, 1},
		{"number then number", "1.2.3", `expr: unexpected number .3 at column 4 (expected an operator or the end of the expression)`, 3},
		{"comma outside call", "a, b", `expr: unexpected "," at column 2 (expected an operator or the end of the expression)`, 1},
		{"chained comparison", "a < b < c",
			`expr: unexpected "<" at column 7 (comparisons do not chain: write (a < b) & (b < c))`, 6},
		{"single equals", "x = 3", `expr: unexpected "=" at column 3 (compare with ==)`, 2},
		{"negation", "!x", `expr: unexpected "!" at column 1 (negation is not supported; write x == 0 for not x)`, 0},
		{"double ampersand", "a && b", `expr: unexpected "&&" at column 3 (use &, which works row by row)`, 2},
		{"dangling comparison", "x >", `expr: unexpected end of input at column 4 (expected a number, a variable, a function call or "(")`, 3},
		{"too deep", strings.Repeat("(", MaxDepth+1) + "x" + strings.Repeat(")", MaxDepth+1),
			`expr: expression nested too deeply (more than 1000 levels) at column 1002`, 1001},
		{"too many signs", strings.Repeat("-", 2*MaxDepth) + "x",
			`expr: expression nested too deeply (more than 1000 levels) at column 1002`, 1001},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Parse(tc.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %s, want an error", tc.in, e)
			}
			if err.Error() != tc.want {
				t.Errorf("Parse(%.40q) error:\n got %s\nwant %s", tc.in, err, tc.want)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error is %T, want *SyntaxError", tc.in, err)
			}
			if se.Offset != tc.offset {
				t.Errorf("Parse(%.40q) error offset = %d, want %d", tc.in, se.Offset, tc.offset)
			}
		})
	}
}

// TestParseMaxDepth checks that MaxDepth levels of nesting are accepted.
func TestParseMaxDepth(t *testing.T) {
	for _, in := range []string{
		strings.Repeat("(", MaxDepth) + "x" + strings.Repeat(")", MaxDepth),
		strings.Repeat("exp(", MaxDepth) + "x" + strings.Repeat(")", MaxDepth),
		strings.Repeat("-", MaxDepth) + "x",
	} {
		if _, err := Parse(in); err != nil {
			t.Errorf("Parse(%.12q...) with %d levels: %v", in, MaxDepth, err)
		}
	}
}

// TestParseDeepChains checks that long chains of binary operators, which do not nest, are not
// limited by MaxDepth.
func TestParseDeepChains(t *testing.T) {
	for _, op := range []string{"+", "*", "^"} {
		in := "x" + strings.Repeat(op+"x", 5000)
		e, err := Parse(in)
		if op == "^" {
			// Each ^ opens a level for its exponent, so a long tower is too deep.
			if err == nil {
				t.Errorf("Parse of a tower of 5000 powers succeeded, want a depth error")
			}
			continue
		}
		if err != nil {
			t.Fatalf("Parse of a chain of 5000 %q: %v", op, err)
		}
		if got := e.Vars(); !slices.Equal(got, []string{"x"}) {
			t.Errorf("Vars() = %q, want [x]", got)
		}
	}
}
