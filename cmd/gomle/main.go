// Command gomle fits maximum likelihood models to CSV data from the command line.
//
//	gomle fit MODEL "FORMULA" -data FILE [options]
//	gomle nls "y ~ EXPRESSION" -data FILE -start b1=V1,b2=V2 [options]
//	gomle show FILE.json [-format text|html|md|latex]
//	gomle table A.json B.json ... [-format text|html|md|latex] [-stat] [-stars]
//	gomle models
//
// fit fits one of the ready-made models (gomle models lists them) with an R-style formula,
// for example
//
//	gomle fit logit "GRADE ~ GPA + TUCE + PSI" -data spector.csv
//	gomle fit poisson "accident ~ yr_con + op_75_79" -data ships.csv -exposure service -cov cluster:ship
//
// nls fits a nonlinear regression with normal errors whose mean is an expression over data
// columns and named parameters (arithmetic, ^, exp, log, sqrt, sin, cos, atan):
//
//	gomle nls "y ~ b1*(1-exp(-b2*x))" -data misra1a.csv -start b1=500,b2=1e-4
//
// Both print a summary (coefficients, standard errors, z, p, confidence intervals at -level,
// 95% by default; the number of observations, log-likelihood, AIC and BIC, the optimizer's
// status and the backend) and with -json FILE write every number of it as JSON ("-" for
// standard output, which then holds the JSON alone). -cov chooses the covariance (oim, opg, robust, cluster:COLUMN,
// bootstrap:REPS[:SEED], or gn for nls) and -method the optimizer (newton, trust, bfgs, lbfgs,
// bhhh). Flags may come
// before or after the positional arguments. The backend is GoMLX's choice (GOMLX_BACKEND, else
// XLA CPU when its plugin is installed, else pure Go).
//
// -format prints the summary as text (the default), html, md (Markdown) or latex (booktabs).
// show prints a summary saved with -json, as fit printed it; table sets saved fits side by
// side, one column per model (coefficients matched by label, standard errors in parentheses,
// -stat for z statistics instead, -stars for significance marks).
//
// fit's -eform prints odds, relative-risk, incidence-rate or hazard ratios, where the model has
// them; ols prints least squares (s² = RSS/(n−k), t statistics, R², F; -cov robust is HC1)
// unless -ml asks for its maximum-likelihood table.
//
// -v writes one line per iteration of the optimizer to standard error, Stata's "Iteration 0:
// log likelihood = ..." with the largest gradient entry; a fit that runs for more than a second
// writes them there without -v when standard error is a terminal. Ctrl-C stops the fit after
// the iteration under way and prints the summary of its last iterate, with a warning; a second
// Ctrl-C quits at once.
//
// Exit status: 0 on success, 1 on bad input or a failed fit (with a message on standard
// error), 2 on a usage error, 3 when the optimizer did not converge (the summary is printed,
// with a warning), 130 when Ctrl-C interrupted the fit (128 + SIGINT, as a shell reports it; the
// summary of the last iterate is printed, with a warning).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"

	"github.com/gomle/gomle/backend"
	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/frame"
	"github.com/gomle/gomle/likelihoods"
	"github.com/gomle/gomle/mlx"
	"github.com/gomle/gomle/optim"
	"github.com/gomle/gomle/stderr"
	"github.com/gomlx/gomlx/backends"
)

func main() {
	// The first Ctrl-C cancels the fit's context, which stops it after the iteration under
	// way; then the default behaviour returns, and a second Ctrl-C ends the program.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	go func() {
		<-ctx.Done()
		stop()
		fmt.Fprintln(os.Stderr, "gomle: interrupted; stopping after this iteration (Ctrl-C again to quit at once)")
	}()
	os.Exit(runContext(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// usageError is a mistake in the command line itself, exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// errNotConverged marks a fit that ran but did not converge, exit status 3.
var errNotConverged = errors.New("the optimizer did not converge; the estimates above are the last iterate")

// errInterrupted marks a fit whose context was canceled (Ctrl-C), exit status 130.
var errInterrupted = errors.New("interrupted")

const usage = `usage:
  gomle fit MODEL "FORMULA" -data FILE [options]
  gomle nls "y ~ EXPRESSION" -data FILE -start b1=V1,b2=V2 [options]
  gomle show FILE.json [-format text|html|md|latex]
  gomle table A.json B.json ... [-format text|html|md|latex] [-stat] [-stars]
  gomle models
Run "gomle fit -h" or "gomle nls -h" for the options.`

// run executes the command line args, writing the summary to stdout and messages to stderr,
// and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	return runContext(context.Background(), args, stdout, stderr)
}

// runContext is run with the fits under ctx.
func runContext(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "fit":
		err = runFit(ctx, args[1:], stdout, stderr)
	case "nls":
		err = runNLS(ctx, args[1:], stdout, stderr)
	case "show":
		err = runShow(args[1:], stdout, stderr)
	case "table":
		err = runTable(args[1:], stdout, stderr)
	case "models":
		for _, m := range estimate.Models() {
			fmt.Fprintf(stdout, "%-12s %s\n", m[0], m[1])
		}
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(stdout, usage)
	default:
		err = &usageError{fmt.Sprintf("unknown command %q", args[0])}
	}
	var ue *usageError
	var oe *estimate.OptionError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &oe):
		fmt.Fprintf(stderr, "gomle: %s does not take %s: %s\n%s\n", oe.Model, cmdOption(oe.Option), oe.Reason, usage)
		return 2
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "gomle: %v\n%s\n", err, usage)
		return 2
	case errors.Is(err, errNotConverged):
		fmt.Fprintf(stderr, "gomle: %v\n", err)
		return 3
	case errors.Is(err, errInterrupted):
		fmt.Fprintf(stderr, "gomle: %v\n", err)
		return 130
	}
	fmt.Fprintf(stderr, "gomle: %v\n", err)
	return 1
}

// common holds the options fit and nls share.
type common struct {
	data, sep, cov, method, json string
	format                       format
	maxIter                      int
	gradTol, level               float64
	verbose                      bool
	devices                      string
	// deviceList is devices resolved against the backend, set by fit before it estimates.
	deviceList []int
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.data, "data", "", "the CSV `file` (comma, semicolon, tab or space separated, with a header)")
	fs.StringVar(&c.sep, "sep", "", "the field separator, when detection from the header is not wanted (\\t for tab)")
	fs.StringVar(&c.cov, "cov", "", "covariance: oim, opg, robust, cluster:COLUMN, bootstrap:REPS[:SEED], or gn (Gauss-Newton, nls only); default oim, robust with pw weights")
	fs.StringVar(&c.method, "method", "", "optimizer: trust, newton, bfgs, lbfgs or bhhh (default: newton for fit, trust for nls)")
	fs.Var(level{&c.level}, "level", "confidence `level` of the intervals, a percentage (90) or a fraction (0.9) (default 95)")
	fs.StringVar(&c.json, "json", "", "write every number of the summary as JSON to `file` (- for standard output)")
	fs.Var(&c.format, "format", "print the summary as text, html, md (Markdown) or latex (default text)")
	fs.IntVar(&c.maxIter, "maxiter", 0, "iteration limit (0: the optimizer's default, 1000; 5000 for nls with its default method)")
	fs.Float64Var(&c.gradTol, "gtol", 0, "gradient tolerance on the log-likelihood per observation (0: default 1e-7)")
	fs.BoolVar(&c.verbose, "v", false, "write each iteration's log-likelihood and largest gradient entry to standard error")
	fs.StringVar(&c.devices, "devices", "", "shard the rows over several devices of the backend: a `count` (the first N), all, or a list such as 0,2,3 (default: one device)")
}

// parse parses flags and positional arguments in any order, and returns the positionals.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// load reads the data file.
func (c *common) load() (*frame.Frame, error) {
	if c.data == "" {
		return nil, &usageError{"-data FILE is required"}
	}
	opts := frame.Options{}
	switch c.sep {
	case "":
	case `\t`, "tab":
		opts.Sep = '\t'
	default:
		if len([]rune(c.sep)) != 1 {
			return nil, &usageError{fmt.Sprintf("-sep %q: give one character", c.sep)}
		}
		opts.Sep = []rune(c.sep)[0]
	}
	return frame.ReadFile(c.data, opts)
}

// choices returns the covariance estimator, the cluster column and the optimizer the flags name.
func (c *common) choices() (cov stderr.Covariance, cluster string, method optim.Method, err error) {
	if cov, cluster, err = parseCov(c.cov); err != nil {
		return nil, "", nil, err
	}
	if method, err = parseMethod(c.method); err != nil {
		return nil, "", nil, err
	}
	return cov, cluster, method, nil
}

// settings returns the optimizer settings of the flags, with the iteration log on w (standard
// error) as the Recorder.
func (c *common) settings(w io.Writer) mlx.Settings {
	s := mlx.Settings{Settings: optim.Settings{MaxIterations: c.maxIter, GradientTol: c.gradTol}}
	if log := newIterationLog(w, c.verbose); log != nil {
		s.Recorder = log.record
	}
	return s
}

// fit loads the data, creates the backend, runs the estimation and reports it. The estimation
// runs under ctx; once ctx is done (Ctrl-C) the error wraps errInterrupted.
func (c *common) fit(ctx context.Context, stdout io.Writer, estimation func(backends.Backend, *frame.Frame) (*estimate.Report, error)) error {
	f, err := c.load()
	if err != nil {
		return err
	}
	b, _, err := backend.New() // its error names the configuration
	if err != nil {
		return err
	}
	if c.deviceList, err = resolveDevices(c.devices, b.NumDevices()); err != nil {
		return err
	}
	rep, err := estimation(b, f)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%w (%v): %w", errInterrupted, context.Cause(ctx), err)
		}
		return err
	}
	err = c.report(rep, stdout)
	switch {
	case err != nil && !errors.Is(err, errNotConverged):
		return err
	case rep.Result.Status == optim.Canceled:
		return fmt.Errorf("%w (%v): the fit was stopped; the estimates above are its last iterate", errInterrupted, context.Cause(ctx))
	case ctx.Err() != nil:
		return fmt.Errorf("%w (%v) after the fit converged: the summary above may lack the likelihood-ratio test", errInterrupted, context.Cause(ctx))
	}
	return err
}

// report prints the summary, writes the JSON and turns non-convergence into errNotConverged.
// With -json - the JSON alone goes to standard output, so that it can be piped to a JSON reader.
func (c *common) report(rep *estimate.Report, stdout io.Writer) error {
	if c.json != "-" {
		fmt.Fprint(stdout, c.format.print(rep))
	}
	if c.json != "" {
		js, err := rep.JSON()
		if err != nil {
			return err
		}
		js = append(js, '\n')
		if c.json == "-" {
			_, err = stdout.Write(js)
		} else {
			err = os.WriteFile(c.json, js, 0o644)
		}
		if err != nil {
			return err
		}
	}
	if !rep.Result.Status.Converged() {
		return errNotConverged
	}
	return nil
}

// optionalFloat is a float flag that remembers whether it was set.
type optionalFloat struct{ v **float64 }

func (o *optionalFloat) String() string {
	if o.v == nil || *o.v == nil {
		return ""
	}
	return strconv.FormatFloat(**o.v, 'g', -1, 64)
}

func (o *optionalFloat) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("not a number: %q", s)
	}
	*o.v = &v
	return nil
}

func runFit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gomle fit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	var s estimate.Spec
	c.register(fs)
	fs.StringVar(&s.Offset, "offset", "", "offset `column` (poisson, nbreg)")
	fs.StringVar(&s.Exposure, "exposure", "", "exposure `column`, whose log is the offset (poisson, nbreg)")
	fs.Var(&optionalFloat{&s.Options.Base}, "base", "base outcome of mlogit (default: the smallest value)")
	fs.Var(&optionalFloat{&s.Options.Lower}, "ll", "tobit's lower censoring limit")
	fs.Var(&optionalFloat{&s.Options.Upper}, "ul", "tobit's upper censoring limit")
	predictions := fs.String("predictions", "", "write the data with the fit's predictions, their standard errors and residuals appended to this CSV `file` (rows not used left empty)")
	weights := fs.String("weights", "", "observation weights, `KIND:COLUMN`: fw (frequency: rows count cases), pw (sampling: inverse selection probabilities; robust errors) or aw (analytic)")
	fs.StringVar(&s.Group, "group", "", "choice-set `column` of clogit")
	fs.StringVar(&s.Failure, "failure", "", "failure indicator `column` of weibull and exponential (1 failure, 0 censored)")
	fs.StringVar(&s.Margins.Predict, "predict", "", "marginal effects on this `prediction` of the model (default its first: Pr(y=1), E[y], the latent mean of tobit, the median time of weibull; an unknown name lists them)")
	fs.BoolVar(&s.Margins.AtMeans, "atmeans", false, "marginal effects at the means of the regressors instead of average marginal effects")
	fs.BoolVar(&s.Margins.Off, "nomargins", false, "skip the marginal effects")
	fs.BoolVar(&s.EForm, "eform", false, "exponentiated coefficients: odds ratios (logit, clogit, ologit), relative-risk ratios (mlogit), incidence-rate ratios (poisson, nbreg), hazard ratios (weibull, exponential)")
	fs.BoolVar(&s.ML, "ml", false, "ols: the maximum-likelihood table (σ = √(RSS/n), OIM errors, z) instead of least squares (s² = RSS/(n−k), t, R², F)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: gomle fit MODEL \"FORMULA\" -data FILE [options]\nmodels:\n")
		for _, m := range estimate.Models() {
			fmt.Fprintf(stderr, "  %-12s %s\n", m[0], m[1])
		}
		fmt.Fprintln(stderr, "options:")
		fs.PrintDefaults()
	}
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return &usageError{fmt.Sprintf("fit takes a model and a formula, got %d arguments %q", len(pos), pos)}
	}
	s.Model, s.Formula, s.Level, s.Settings = pos[0], pos[1], c.level, c.settings(stderr)
	if err := checkModelFlags(fs, s.Model); err != nil {
		return err
	}
	if s.Cov, s.Cluster, s.Method, err = c.choices(); err != nil {
		return err
	}
	if *weights != "" {
		if s.Weights, err = estimate.ParseWeights(*weights); err != nil {
			return &usageError{err.Error()}
		}
	}
	return c.fit(ctx, stdout, func(b backends.Backend, f *frame.Frame) (*estimate.Report, error) {
		s.Settings.Devices = c.deviceList
		rep, err := estimate.FitContext(ctx, b, f, s)
		if err == nil && *predictions != "" {
			err = writePredictions(*predictions, f, rep)
		}
		return rep, err
	})
}

func runNLS(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gomle nls", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	start := fs.String("start", "", "start values, `name=value,...`, one per parameter")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: gomle nls \"y ~ EXPRESSION\" -data FILE -start b1=V1,b2=V2 [options]\noptions:\n")
		fs.PrintDefaults()
	}
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{fmt.Sprintf("nls takes one formula, got %d arguments %q", len(pos), pos)}
	}
	values, err := parseStart(*start)
	if err != nil {
		return err
	}
	spec := estimate.NLSSpec{Formula: pos[0], Start: values, Level: c.level, Settings: c.settings(stderr)}
	if spec.Cov, spec.Cluster, spec.Method, err = c.choices(); err != nil {
		return err
	}
	return c.fit(ctx, stdout, func(b backends.Backend, f *frame.Frame) (*estimate.Report, error) {
		spec.Settings.Devices = c.deviceList
		return estimate.NLSContext(ctx, b, f, spec)
	})
}

// modelFlags are the flags that only some models take, with the role that takes them.
var modelFlags = map[string]likelihoods.Role{
	"offset":   likelihoods.TakesOffset,
	"exposure": likelihoods.TakesOffset,
	"base":     likelihoods.TakesBase,
	"ll":       likelihoods.TakesLimits,
	"ul":       likelihoods.TakesLimits,
	"group":    likelihoods.TakesGroup,
	"failure":  likelihoods.TakesFailure,
}

// checkModelFlags returns a usage error for a flag set on the command line that the model does
// not take: an option that does not apply is refused, not ignored.
func checkModelFlags(fs *flag.FlagSet, model string) error {
	fam, err := likelihoods.Lookup(model)
	if err != nil {
		return &usageError{strings.TrimPrefix(err.Error(), "likelihoods: ")}
	}
	var bad []string
	fs.Visit(func(f *flag.Flag) {
		if role, ok := modelFlags[f.Name]; ok && fam.Takes&role == 0 {
			bad = append(bad, "-"+f.Name)
		}
	})
	if len(bad) > 0 {
		return &usageError{fmt.Sprintf("%s does not take %s (it takes %s)", model, strings.Join(bad, ", "), fam.Takes)}
	}
	return nil
}

// cmdOption returns the flag of an estimate.OptionError's option, "EForm (-eform)" → "-eform".
func cmdOption(option string) string {
	if _, flags, ok := strings.Cut(option, "("); ok {
		return strings.TrimSuffix(flags, ")")
	}
	return option
}

// parseStart reads "b1=500,b2=1e-4".
func parseStart(s string) (map[string]float64, error) {
	out := map[string]float64{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for _, kv := range strings.Split(s, ",") {
		name, val, ok := strings.Cut(kv, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, &usageError{fmt.Sprintf("-start: %q is not name=value", kv)}
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			return nil, &usageError{fmt.Sprintf("-start: %s=%q is not a number", name, val)}
		}
		if _, dup := out[name]; dup {
			return nil, &usageError{fmt.Sprintf("-start: %s given twice", name)}
		}
		out[name] = v
	}
	return out, nil
}
