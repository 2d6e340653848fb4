package expr

import (
	"testing"
)

// FuzzParse checks that Parse never panics, and that the canonical form of whatever it accepts
// parses again to the same canonical form. It also evaluates accepted expressions, with every
// variable set to a two-row column, to check that Eval never panics either.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"b1*(1-exp(-b2*x))", "log(popul + 0.1)", "-x^2", "2^-x**3", "((a))", "1e-4 + .5 - 2.5E+3",
		"atan(sin(cos(sqrt(x))))", "a/b/c - (d - e)", "--+-x", "exp(", "1e", ")", "x y", "f(x)",
		"x > 3 & y <= 2 | z != 1", "(a == b) >= -c", "a < b < c", "x = 1", "a && b", "!x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := Parse(s)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("Parse(%q) returned %T, want *SyntaxError", s, err)
			}
			return
		}
		canon := e.String()
		again, err := Parse(canon)
		if err != nil {
			t.Fatalf("Parse(%q) succeeded, but its canonical form %q fails: %v", s, canon, err)
		}
		if again.String() != canon {
			t.Fatalf("Parse(%q): canonical form %q re-parses as %q", s, canon, again.String())
		}
		vars := make(map[string][]float64)
		for _, name := range e.Vars() {
			vars[name] = []float64{0.5, -2}
		}
		if _, err := e.Eval(vars, 2); err != nil {
			t.Fatalf("Eval of %q: %v", canon, err)
		}
	})
}
