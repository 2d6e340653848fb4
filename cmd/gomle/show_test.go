package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestShowAndTable saves two fits with -json, prints each back with show in every format (the
// same bytes fit printed), and sets them side by side with table.
func TestShowAndTable(t *testing.T) {
	dir := t.TempDir()
	spector := "../../data/spector.csv"
	fits := []struct {
		file string
		args []string
	}{
		{"logit.json", []string{"fit", "logit", "GRADE ~ GPA + TUCE + PSI", "-data", spector}},
		{"ols.json", []string{"fit", "ols", "GRADE ~ GPA + PSI", "-data", spector, "-cov", "robust"}},
	}
	var files []string
	for _, f := range fits {
		file := filepath.Join(dir, f.file)
		files = append(files, file)
		for _, format := range []string{"text", "html", "md", "latex"} {
			// Each fit runs once per format, so the JSON is rewritten with the printed summary.
			code, printed, errs := gomle(append(f.args, "-json", file, "-format", format)...)
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", f.args[1], code, errs)
			}
			code, shown, errs := gomle("show", file, "-format", format)
			if code != 0 || shown != printed {
				t.Errorf("show -format %s of %s: exit %d (%s), output differs from fit's:\n%s\n---\n%s", format, f.file, code, errs, printed, shown)
			}
		}
	}
	code, out, errs := gomle(append([]string{"table", "-format", "md"}, files...)...)
	if code != 0 {
		t.Fatalf("table: exit %d: %s", code, errs)
	}
	for _, want := range []string{"|  | (1) logit | (2) ols |", "| GPA | 2.8261 | 0.4975 |", "| Covariance | OIM | Robust (HC1) |", "| TUCE | 0.0952 |  |"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}

	bad := filepath.Join(dir, "old.json")
	if err := os.WriteFile(bad, []byte(`{"Model": "logit"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"show", bad}, {"table", files[0], bad}} {
		if code, _, errs := gomle(args...); code != 1 || !strings.Contains(errs, "no Schema field") || !strings.Contains(errs, "old.json") {
			t.Errorf("%s of a file without a schema: exit %d, %s", args[0], code, errs)
		}
	}
	for _, args := range [][]string{{"show"}, {"table"}, {"show", files[0], "-format", "pdf"}, {"fit", "logit", "GRADE ~ GPA", "-data", spector, "-format", "rtf"}} {
		if code, _, errs := gomle(args...); code != 2 {
			t.Errorf("%q: exit %d, want 2 (usage): %s", args, code, errs)
		}
	}
}
