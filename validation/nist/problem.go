package nist

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gomle/gomle/estimate"
	"github.com/gomle/gomle/expr"
	"github.com/gomle/gomle/frame"
)

// Problem is one NIST StRD nonlinear regression problem: the model, two start vectors, the
// certified results and the data.
type Problem struct {
	// Name is the dataset name, such as "Misra1a".
	Name string
	// Difficulty is NIST's level of difficulty: "Lower", "Average" or "Higher".
	Difficulty string
	// Response is the left side of the model in expr syntax: "y", or "log(y)" for Nelson.
	Response string
	// Model is the mean function, the right side of the model without "+ e", in expr syntax
	// (see package expr): brackets become parentheses, ** becomes ^, arctan becomes atan and
	// pi becomes its float64 value.
	Model string
	// NISTModel is the model line as NIST writes it, "y = ... + e", lines joined by a space.
	NISTModel string
	// Params names the parameters in NIST's order, b1, b2, ...
	Params []string
	// Starts holds NIST's two start vectors ("Start 1", far from the solution, and "Start 2",
	// closer), each in the order of Params.
	Starts [2][]float64
	// Certified and CertifiedSD are the certified estimates and their standard deviations,
	// which NIST computes from the Gauss–Newton covariance s²(JᵀJ)⁻¹ with s² = RSS/DF.
	Certified, CertifiedSD []float64
	// RSS is the certified residual sum of squares, ResidualSD the certified residual standard
	// deviation √(RSS/DF).
	RSS, ResidualSD float64
	// DF is the residual degrees of freedom, n − p.
	DF int
	// Data holds the response and predictors under the names of NIST's data header (y and x,
	// or y, x1 and x2 for Nelson).
	Data *frame.Frame
	// NLS is the model parsed once, Formula() against Data: what Fit fits, and what Residuals
	// and GaussNewton evaluate.
	NLS *estimate.NLSFormula
}

// Formula returns the model as an estimate.NLS formula, "Response ~ Model".
func (p *Problem) Formula() string { return p.Response + " ~ " + p.Model }

// NumObs returns the number of observations.
func (p *Problem) NumObs() int { return p.Data.Len() }

// Start returns start vector i (1 or 2) as a map from parameter name to value, the form
// estimate.NLSSpec.Start takes. It panics if i is not 1 or 2.
func (p *Problem) Start(i int) map[string]float64 {
	if i != 1 && i != 2 {
		panic(fmt.Sprintf("nist: start %d: NIST gives starts 1 and 2", i))
	}
	m := make(map[string]float64, len(p.Params))
	for j, name := range p.Params {
		m[name] = p.Starts[i-1][j]
	}
	return m
}

// Residuals returns yᵢ − f(xᵢ, b) at the parameters b (in the order of Params), where yᵢ is
// the Response (log y for Nelson). It is computed on the host, in float64.
func (p *Problem) Residuals(b []float64) ([]float64, error) {
	if len(b) != len(p.Params) {
		return nil, fmt.Errorf("nist: %s has %d parameters, got %d values", p.Name, len(p.Params), len(b))
	}
	r, err := p.NLS.Residuals(p.Data, b, nil)
	if err != nil {
		return nil, fmt.Errorf("nist: %s: %w", p.Name, err)
	}
	return r, nil
}

// response returns the Response evaluated on the data: y, or log y for Nelson.
func (p *Problem) response() ([]float64, error) {
	cols := make(map[string][]float64)
	for _, name := range p.Data.Names() {
		cols[name], _ = p.Data.Column(name)
	}
	y, err := p.NLS.Response.Eval(cols, p.NumObs())
	if err != nil {
		return nil, fmt.Errorf("nist: %s: %w", p.Name, err)
	}
	return y, nil
}

// ResidualSS returns the residual sum of squares Σ (yᵢ − f(xᵢ, b))² at b, computed on the host.
func (p *Problem) ResidualSS(b []float64) (float64, error) {
	r, err := p.Residuals(b)
	if err != nil {
		return 0, err
	}
	ss := 0.0
	for _, v := range r {
		ss += v * v
	}
	return ss, nil
}

// Load reads a NIST StRD nonlinear regression file (.dat). The problem is named after the
// file, without its extension.
func Load(path string) (*Problem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("nist: %w", err)
	}
	defer f.Close()
	return Parse(f, strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
}

// LoadDir loads every .dat file of a folder, in the order of their names.
func LoadDir(dir string) ([]*Problem, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.dat"))
	if err != nil {
		return nil, fmt.Errorf("nist: %w", err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("nist: no .dat files in %s", dir)
	}
	probs := make([]*Problem, 0, len(paths))
	for _, path := range paths {
		p, err := Load(path)
		if err != nil {
			return nil, err
		}
		probs = append(probs, p)
	}
	return probs, nil
}

var (
	// dataLines matches the header line that locates the data, "Data (lines 61 to 74)".
	dataLines = regexp.MustCompile(`^\s*Data\s+\(lines\s+(\d+)\s+to\s+(\d+)\)`)
	// paramLine matches a line of starts and certified values,
	// "b1 =   500   250   2.3894212918E+02  2.7070075241E+00".
	paramLine = regexp.MustCompile(`^\s*(b\d+)\s*=\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$`)
	// difficulty matches "Lower Level of Difficulty".
	difficulty = regexp.MustCompile(`^\s*(\w+)\s+Level of Difficulty`)
	// numParams matches "2 Parameters (b1 and b2)".
	numParams = regexp.MustCompile(`^\s*(\d+)\s+Parameters\b`)
	// modelStart matches the first line of the model, "y = ..." or "log[y] = ...".
	modelStart = regexp.MustCompile(`^\s*(y|log\[y\])\s*=`)
	// errorTerm matches the error term that ends the model, "+  e".
	errorTerm = regexp.MustCompile(`\+\s*e\s*$`)
	// piName matches the constant pi as a whole word.
	piName = regexp.MustCompile(`\bpi\b`)
)

// Parse reads a NIST StRD nonlinear regression file from r and names the problem name.
//
// It returns an error naming the line when a part of the file is missing or malformed: the
// data location, the model, the parameter lines, the certified statistics or a data row. It
// checks that the counts agree: the parameters with "N Parameters", the data rows with the
// number of observations, and the degrees of freedom with n − p.
func Parse(r io.Reader, name string) (*Problem, error) {
	var lines []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		lines = append(lines, strings.TrimRight(sc.Text(), "\r"))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("nist: %s: %w", name, err)
	}
	p := &Problem{Name: name}
	fail := func(line int, format string, args ...any) error {
		return fmt.Errorf("nist: %s line %d: %s", name, line+1, fmt.Sprintf(format, args...))
	}
	first, last, nobs, nparams := -1, -1, -1, -1
	var certLines int
	var modelLines []string
	inModel := false
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		if m := dataLines.FindStringSubmatch(line); m != nil && first < 0 {
			first, _ = strconv.Atoi(m[1])
			last, _ = strconv.Atoi(m[2])
			first-- // to 0-based indices
			last--
			continue
		}
		if m := difficulty.FindStringSubmatch(line); m != nil && p.Difficulty == "" {
			p.Difficulty = m[1]
		}
		if m := numParams.FindStringSubmatch(line); m != nil && nparams < 0 {
			nparams, _ = strconv.Atoi(m[1])
		}
		if modelLines == nil && modelStart.MatchString(line) {
			inModel = true
		}
		if inModel {
			modelLines = append(modelLines, trimmed)
			if errorTerm.MatchString(trimmed) {
				inModel = false
			}
			continue
		}
		if m := paramLine.FindStringSubmatch(line); m != nil {
			var v [4]float64
			for k := range v {
				f, err := strconv.ParseFloat(m[k+2], 64)
				if err != nil {
					return nil, fail(i, "%s: %q is not a number", m[1], m[k+2])
				}
				v[k] = f
			}
			if want := fmt.Sprintf("b%d", len(p.Params)+1); m[1] != want {
				return nil, fail(i, "parameter %s where %s was expected", m[1], want)
			}
			p.Params = append(p.Params, m[1])
			p.Starts[0] = append(p.Starts[0], v[0])
			p.Starts[1] = append(p.Starts[1], v[1])
			p.Certified = append(p.Certified, v[2])
			p.CertifiedSD = append(p.CertifiedSD, v[3])
			continue
		}
		key, val, ok := strings.Cut(trimmed, ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		var err error
		switch key {
		case "Residual Sum of Squares":
			p.RSS, err = strconv.ParseFloat(val, 64)
			certLines++
		case "Residual Standard Deviation":
			p.ResidualSD, err = strconv.ParseFloat(val, 64)
			certLines++
		case "Degrees of Freedom":
			p.DF, err = strconv.Atoi(val)
			certLines++
		case "Number of Observations":
			nobs, err = strconv.Atoi(val)
			certLines++
		}
		if err != nil {
			return nil, fail(i, "%s: %q is not a number", key, val)
		}
	}
	switch {
	case first < 0:
		return nil, fmt.Errorf("nist: %s: no \"Data (lines N to M)\" in the header", name)
	case first < 1 || last < first || last >= len(lines):
		return nil, fmt.Errorf("nist: %s: data lines %d to %d lie outside the file's %d lines", name, first+1, last+1, len(lines))
	case len(modelLines) == 0:
		return nil, fmt.Errorf("nist: %s: no model line \"y = ... + e\"", name)
	case inModel:
		return nil, fmt.Errorf("nist: %s: the model %q does not end with \"+ e\"", name, strings.Join(modelLines, " "))
	case len(p.Params) == 0:
		return nil, fmt.Errorf("nist: %s: no parameter lines \"b1 = start1 start2 certified sd\"", name)
	case nparams != len(p.Params):
		return nil, fmt.Errorf("nist: %s: the header announces %d parameters, the file lists %d", name, nparams, len(p.Params))
	case certLines != 4:
		return nil, fmt.Errorf("nist: %s: want the residual sum of squares, residual standard deviation, degrees of freedom and number of observations, found %d of them", name, certLines)
	case p.Difficulty == "":
		return nil, fmt.Errorf("nist: %s: no \"... Level of Difficulty\"", name)
	}

	if err := p.setModel(modelLines); err != nil {
		return nil, err
	}
	names := strings.Fields(lines[first-1])
	if len(names) < 2 || names[0] != "Data:" {
		return nil, fail(first-1, "want the data header \"Data:  y  x\", got %q", lines[first-1])
	}
	names = names[1:]
	cols := make([][]float64, len(names))
	for i := first; i <= last; i++ {
		fields := strings.Fields(lines[i])
		if len(fields) != len(names) {
			return nil, fail(i, "%d values for the %d columns %s", len(fields), len(names), strings.Join(names, ", "))
		}
		for j, s := range fields {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, fail(i, "%q is not a number", s)
			}
			cols[j] = append(cols[j], v)
		}
	}
	data, err := frame.New(names, cols)
	if err != nil {
		return nil, fmt.Errorf("nist: %s: %w", name, err)
	}
	p.Data = data
	if p.NLS, err = estimate.ParseNLS(p.Formula(), data); err != nil {
		return nil, fmt.Errorf("nist: %s: %w", name, err)
	}
	if !slices.Equal(p.NLS.Params, p.Params) {
		return nil, fmt.Errorf("nist: %s: the model %q has parameters %v, the file lists %v", name, p.Model, p.NLS.Params, p.Params)
	}
	switch n := data.Len(); {
	case n != nobs:
		return nil, fmt.Errorf("nist: %s: %d data rows, but the file announces %d observations", name, n, nobs)
	case p.DF != n-len(p.Params):
		return nil, fmt.Errorf("nist: %s: %d degrees of freedom, want n − p = %d − %d", name, p.DF, n, len(p.Params))
	}
	return p, nil
}

// setModel translates NIST's model lines into Response and Model, and checks that both parse
// and use only the parameters and the data columns.
func (p *Problem) setModel(lines []string) error {
	p.NISTModel = strings.Join(lines, " ")
	text := errorTerm.ReplaceAllString(p.NISTModel, "")
	lhs, rhs, _ := strings.Cut(text, "=")
	p.Response = translate(lhs)
	p.Model = translate(rhs)
	for _, s := range []string{p.Response, p.Model} {
		if _, err := expr.Parse(s); err != nil {
			return fmt.Errorf("nist: %s: the model %q, translated to %q: %w", p.Name, p.NISTModel, s, err)
		}
	}
	return nil
}

// translate rewrites NIST's notation in expr syntax: [ ] → ( ), ** → ^, arctan → atan,
// pi → 3.141592653589793 (math.Pi, the float64 nearest π, which is what NIST's 31-digit value
// in Roszman1 rounds to), and runs of blanks → one space.
func translate(s string) string {
	s = strings.NewReplacer("[", "(", "]", ")", "**", "^", "arctan", "atan").Replace(s)
	s = piName.ReplaceAllString(s, strconv.FormatFloat(math.Pi, 'g', -1, 64))
	return strings.Join(strings.Fields(s), " ")
}
