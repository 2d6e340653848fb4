// Package nb holds the one-call helpers of gomle's notebooks: read a shipped dataset, fit a
// formula, show a table or a figure, look up a parameter, and put gomle's numbers beside
// published ones. A notebook cell has no caller to hand an error to, so every helper stops the
// cell (log.Fatal) on an error, or on a fit that did not converge, with a message that names
// what failed; that keeps a notebook's visible code about the statistics. Library code and
// programs that handle their errors call the packages underneath (frame, estimate, plots,
// stderr) instead.
//
// Outside a notebook (a program exported from one, or a test), Show prints tables as text and
// Display draws nothing, as plots does.
package nb

import (
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"

	"github.com/gomle/gomle/backend"
	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/plots"
	"github.com/gomle/gomle/stderr"
)

// DataDir returns the folder of the repository's shipped datasets: ../data from the notebook's
// folder (GONB_DIR, which GoNB sets) in a notebook, ./data elsewhere, as for a program run from
// the repository's root.
func DataDir() string {
	if dir := os.Getenv("GONB_DIR"); dir != "" {
		return filepath.Join(dir, "..", "data")
	}
	return "data"
}

// Data reads the dataset name ("spector.csv") from DataDir.
func Data(name string) *frame.Frame {
	f, err := frame.ReadFile(filepath.Join(DataDir(), name), frame.Options{})
	if err != nil {
		log.Fatal(err)
	}
	return f
}

// Fit fits spec to f on the default backend (backend.New: GOMLX_BACKEND, else XLA CPU when its
// plugin is installed, else pure Go) and stops the cell unless the fit converged.
func Fit(f *frame.Frame, spec estimate.Spec) *estimate.Report {
	b, config, err := backend.New()
	if err != nil {
		log.Fatalf("backend %q: %v", config, err)
	}
	rep, err := estimate.Fit(b, f, spec)
	if err != nil {
		log.Fatalf("%s %q: %v", spec.Model, spec.Formula, err)
	}
	if !rep.Result.Status.Converged() {
		log.Fatalf("%s %q did not converge: %v (%s)", spec.Model, spec.Formula, rep.Result.Status, rep.Result.Reason)
	}
	return rep
}

// Show displays a table or a report (anything with an HTML method: *estimate.Report,
// *stderr.Table, the comparisons of estimate.Compare) in a notebook, and prints it as text
// elsewhere when it has a String method.
func Show(t plots.HTMLer) {
	if !plots.IsNotebook() {
		if s, ok := t.(fmt.Stringer); ok {
			fmt.Println(s)
		}
		return
	}
	if err := plots.DisplayTable(t); err != nil {
		log.Fatal(err)
	}
}

// Display shows the figure that a plots constructor returned with its error, as in
// nb.Display(plots.Intervals(...)).
func Display(fig *plots.Figure, err error) {
	if err != nil {
		log.Fatal(err)
	}
	if err := plots.Display(fig); err != nil {
		log.Fatal(err)
	}
}

// Param returns the estimate and standard error of the parameter labelled label.
func Param(e *stderr.Estimates, label string) (value, se float64) {
	value, se, ok := e.Lookup(label)
	if !ok {
		log.Fatalf("no parameter %q (parameters: %q)", label, e.Labels)
	}
	return value, se
}

// Ref is a number gomle computed beside a published value of the same quantity.
type Ref struct {
	Name             string
	Gomle, Published float64
}

// Comparison returns the table of Compare.
func Comparison(title, source string, refs ...Ref) *stderr.Table {
	t := &stderr.Table{Title: title, Columns: []string{"", "gomle", source, "relative difference"}}
	for _, r := range refs {
		t.Rows = append(t.Rows, []string{r.Name, fmt.Sprintf("%.10g", r.Gomle), fmt.Sprintf("%.10g", r.Published),
			fmt.Sprintf("%.2g", math.Abs(r.Gomle-r.Published)/math.Abs(r.Published))})
	}
	return t
}

// Compare shows gomle's numbers beside published ones (source names who published them), with
// the relative difference |gomle − published| / |published|, which the notebooks' checks read.
func Compare(title, source string, refs ...Ref) { Show(Comparison(title, source, refs...)) }
