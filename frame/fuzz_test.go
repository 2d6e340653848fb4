package frame

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// FuzzReadCSV checks that ReadCSV never panics, and that what it accepts is a consistent
// Frame: unique, non-empty names and columns of length Len.
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,2\n3,4\n", "'OBS' 'GPA'\n1 2.66\n", "'popul'\t'TVnews'\n0\t7\n", "a;b\n1;NA\n",
		"\"a,\"\"b\",c\r\n.5,\n", "a,a\n1,2\n", "a,b\n1\n", "\"a\n", "\uFEFFx\n1e999\n",
		"\"\",\"g\",\"b\"\n\"1\",\"x\ny\",TRUE\n\"2\",NA,F\n", "a;b\n1;z\nq;1e999\n",
	} {
		f.Add(s, int32(0))
	}
	f.Add("a|b\n1|2\n", int32('|'))
	f.Add("a b\n1 2\n", int32(' '))
	f.Fuzz(func(t *testing.T, s string, sep int32) {
		fr, err := ReadCSV(strings.NewReader(s), Options{Sep: sep})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "frame: ") {
				t.Fatalf("error %q lacks the frame: prefix", err)
			}
			return
		}
		seen := map[string]bool{}
		for j, name := range fr.Names() {
			if name == "" || seen[name] {
				t.Fatalf("column %d has an empty or repeated name %q", j, name)
			}
			seen[name] = true
			if fr.IsText(name) {
				levels, err := fr.Levels(name)
				if err != nil || !slices.IsSorted(levels) || len(slices.Compact(slices.Clone(levels))) != len(levels) {
					t.Fatalf("text column %q: levels %q, %v; want them sorted and distinct", name, levels, err)
				}
				codes := fr.col(name)
				if len(codes) != fr.Len() {
					t.Fatalf("text column %q: %d codes, want %d", name, len(codes), fr.Len())
				}
				for _, c := range codes {
					if !math.IsNaN(c) && (c != math.Trunc(c) || c < 0 || int(c) >= len(levels)) {
						t.Fatalf("text column %q: code %g for %d levels", name, c, len(levels))
					}
				}
				if _, err := fr.Column(name); err == nil {
					t.Fatalf("Column(%q) of a text column gave no error", name)
				}
				continue
			}
			c, err := fr.Column(name)
			if err != nil || len(c) != fr.Len() {
				t.Fatalf("column %q: %d values, %v; want %d", name, len(c), err, fr.Len())
			}
		}
	})
}

// FuzzParseFormula checks that ParseFormula never panics, that the canonical form of what it
// accepts parses back to the same form, and that Design on a small frame never panics.
func FuzzParseFormula(f *testing.F) {
	for _, s := range []string{
		"y ~ x1 + x2", "y ~ x - 1", "log(y) ~ C(g) + x:C(g)", "y ~ C(g, Treatment(reference=3))",
		"PID ~ log(popul + 0.1) + I(x^2)", "y ~ 0 + C(g) + C(h)", "y ~ a:b - b:a", "y ~ (a", "~ x",
		"y ~ C(g, Sum)", "y ~ x*z", `y ~ t + x:C(t, Treatment("b"))`, "log(t) ~ x", "y ~ 0 + t:C(g)",
		"y ~ C(g, Sum)", "y ~ x*z", "y ~ (x + C(g) + z)^2 - x:z", "y ~ C(g):x + offset(log(z))", "y ~ (x + (0))",
		"y ~ I(x > 1 & z != 2) + C(h):C(g)", "y ~ x - 1 + 1", "y ~ (x:(z + h))^3",
	} {
		f.Add(s)
	}
	// y, x, g, h and z are numeric (z with a missing cell), t is text (with a missing cell).
	fr, err := ReadCSV(strings.NewReader("y,x,g,h,z,t\n1,0,1,0,-1,a\n2,1,1,1,NA,b\n3,2,2,0,1,NA\n4,3,3,1,2,a\n"), Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fo, err := ParseFormula(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "frame: ") {
				t.Fatalf("error %q lacks the frame: prefix", err)
			}
			return
		}
		canon := fo.String()
		again, err := ParseFormula(canon)
		if err != nil {
			t.Fatalf("ParseFormula(%q) succeeded, but its canonical form %q fails: %v", s, canon, err)
		}
		if again.String() != canon {
			t.Fatalf("ParseFormula(%q): canonical form %q re-parses as %q", s, canon, again.String())
		}
		d, err := fr.Design(fo)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "frame: ") {
				t.Fatalf("Design error %q lacks the frame: prefix", err)
			}
			return
		}
		if r, c := d.X.Dims(); r != len(d.Y) || c != len(d.Names) || r != len(d.Rows) {
			t.Fatalf("%s: X is %d×%d with %d names, %d responses, %d rows", canon, r, c, len(d.Names), len(d.Y), len(d.Rows))
		}
		if d.Offset != nil && len(d.Offset) != len(d.Y) {
			t.Fatalf("%s: %d offsets for %d rows", canon, len(d.Offset), len(d.Y))
		}
	})
}
