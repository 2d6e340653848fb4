// Package plots draws gonum/plot figures from maximum likelihood fits: convergence histories
// (Convergence), estimates with confidence intervals beside the true values (Intervals) and
// wall-time comparisons (Timings). Each returns a *Figure, a grid of ordinary *plot.Plot
// panels with a title and a legend column, which renders to PNG and SVG bytes or files and,
// in a GoNB notebook, displays itself (Display). In a notebook, DisplayTable shows a summary
// table such as *stderr.Table, and Progress shows a running fit live.
//
//	runs, err := plots.RunsFrom(lbfgs, newton, sgd) // *mlx.Result values
//	fig, err := plots.Convergence(runs, nil)        // nil options: the defaults
//	err = fig.Save("convergence")                   // convergence.png and convergence.svg
//	err = plots.Display(fig)                        // in a notebook; does nothing elsewhere
//
// # Sizes and styles
//
// Figures are 16 cm wide (Convergence 16 cm × 12 cm; Intervals and Timings grow with their
// panels and bars), with 9 to 12 point Liberation Sans text, sized for a notebook or a page.
// PNG output is at DefaultDPI (96 dots per inch, so 16 cm is 605 pixels) unless Figure.DPI
// says otherwise. Series are coloured from the Okabe–Ito palette, distinguishable with the
// common colour-vision deficiencies, and also differ by marker (and, past seven, by dashes).
// Legends sit in a column right of the panels, so they never cover data.
//
// # Log scales
//
// Log axes span whole decades and label at most about six of them. Values that cannot be
// drawn on a log axis are left out or floored, and each function documents which: the
// log-likelihood gap ℓ* − ℓ is floored at float64 rounding, ε·max(1, |ℓ*|); a zero gradient
// and the start (iteration 0) on a log iteration axis are left out; zero times on a log time
// axis are an error. Scale Auto, the default, picks a log axis when the values compared span
// a factor of AutoLogRatio (20) or more.
//
// # Error handling
//
// Bad input is an error that names what is wrong: no runs or bars, a run without history,
// estimates whose slices differ in length, a truth vector of the wrong length, an unknown
// parameter label, a negative time. Figure functions validate all input before drawing, and
// rendering (PNG, SVG, Save, WriterTo) turns any panic inside gonum/plot into an error, so
// no function of this package panics on bad data. Figure.Draw, which draws on a caller's
// canvas, panics on a figure with no panels, as gonum/plot's Draw methods panic.
//
// # Backends
//
// plots runs no graphs: it reads histories (optim.Iteration) and estimates (stderr.Estimates)
// that any GoMLX backend produced, and draws on the host with gonum/plot's vgimg (PNG) and
// vgsvg (SVG) canvases. Only display.go imports GoNB's gonbui, and its functions do nothing
// outside a notebook, so programs and tests that use plots need neither Jupyter nor GoNB.
package plots
