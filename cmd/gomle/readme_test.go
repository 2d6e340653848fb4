package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomle/gomle/backend"
)

// readmeCommands returns the gomle command lines of the README's examples ("    go run
// ./cmd/gomle ..." lines), split into arguments as a shell would (double quotes; a " #" starts
// a comment).
func readmeCommands(t *testing.T) [][]string {
	t.Helper()
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cmds [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "go run ./cmd/gomle ")
		if !ok || !strings.HasPrefix(sc.Text(), "    ") {
			continue
		}
		var args []string
		var cur strings.Builder
		quoted, started := false, false
	scan:
		for i, r := range line {
			switch {
			case r == '"':
				quoted, started = !quoted, true
			case r == ' ' && !quoted:
				if started {
					args = append(args, cur.String())
					cur.Reset()
					started = false
				}
				if strings.HasPrefix(line[i:], " #") {
					break scan
				}
			default:
				cur.WriteRune(r)
				started = true
			}
		}
		if started {
			args = append(args, cur.String())
		}
		if quoted {
			t.Fatalf("README: unbalanced quotes in %q", line)
		}
		cmds = append(cmds, args)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return cmds
}

// readmeResult is what TestREADMEExamples compares across backends: the table of a fit's JSON.
type readmeResult struct {
	Status       string
	Converged    bool
	LogLike      float64
	Coefficients []struct {
		Name      string
		Value, SE float64
	}
}

// TestREADMEExamples runs every gomle command line of the README, in order and from the
// repository root, on the pure-Go backend and, where its plugin is installed, on XLA CPU. Every
// command must exit 0 and every fit converge with default settings, and the two backends must
// give the same estimates and standard errors (to 1e-8 relative, or 1e-8 of the SE for an
// estimate near zero) and log-likelihood. Files the examples write go to a temporary folder.
func TestREADMEExamples(t *testing.T) {
	cmds := readmeCommands(t)
	if len(cmds) < 10 {
		t.Fatalf("found %d gomle command lines in the README, want the examples (10 or more)", len(cmds))
	}
	t.Chdir("../..")
	configs := []string{backend.PureGo}
	t.Setenv("GOMLX_BACKEND", "xla:cpu")
	if _, _, err := backend.New(); err == nil {
		configs = append(configs, "xla:cpu")
	} else {
		t.Logf("XLA CPU not compared: %v", err)
	}
	results := map[string]map[int]readmeResult{}
	for _, config := range configs {
		t.Setenv("GOMLX_BACKEND", config)
		dir := t.TempDir()
		results[config] = map[int]readmeResult{}
		for i, args := range cmds {
			args = redirectOutputs(args, dir)
			fit := args[0] == "fit" || args[0] == "nls"
			if fit && !slices.Contains(args, "-json") {
				args = append(args, "-json", filepath.Join(dir, "compare.json"))
			}
			var stdout, stderr bytes.Buffer
			start := time.Now()
			code := run(args, &stdout, &stderr)
			t.Logf("%s: gomle %s: exit %d in %.1f s", config, strings.Join(cmds[i], " "), code, time.Since(start).Seconds())
			if code != 0 {
				t.Errorf("%s: gomle %s: exit %d\n%s%s", config, strings.Join(cmds[i], " "), code, stdout.String(), stderr.String())
				continue
			}
			if !fit {
				continue
			}
			var r readmeResult
			b, err := stdout.Bytes(), error(nil)
			if file := args[slices.Index(args, "-json")+1]; file != "-" {
				b, err = os.ReadFile(file)
			}
			if err == nil {
				err = json.Unmarshal(b, &r)
			}
			if err != nil {
				t.Fatalf("%s: gomle %s: %v", config, strings.Join(cmds[i], " "), err)
			}
			if !r.Converged {
				t.Errorf("%s: gomle %s: %s", config, strings.Join(cmds[i], " "), r.Status)
			}
			results[config][i] = r
		}
	}
	if len(configs) < 2 {
		return
	}
	for i, a := range results[configs[0]] {
		b, ok := results[configs[1]][i]
		if !ok {
			continue
		}
		cmd := strings.Join(cmds[i], " ")
		if d := math.Abs(a.LogLike-b.LogLike) / math.Max(1, math.Abs(a.LogLike)); d > 1e-10 {
			t.Errorf("gomle %s: log-likelihood %.12g on %s, %.12g on %s", cmd, a.LogLike, configs[0], b.LogLike, configs[1])
		}
		if len(a.Coefficients) != len(b.Coefficients) {
			t.Errorf("gomle %s: %d and %d coefficients", cmd, len(a.Coefficients), len(b.Coefficients))
			continue
		}
		for j, ca := range a.Coefficients {
			cb := b.Coefficients[j]
			scale := math.Max(math.Abs(ca.Value), ca.SE)
			if ca.Name != cb.Name || math.Abs(ca.Value-cb.Value) > 1e-8*scale || math.Abs(ca.SE-cb.SE) > 1e-8*ca.SE {
				t.Errorf("gomle %s: %s = %.12g (SE %.12g) on %s, %s = %.12g (SE %.12g) on %s",
					cmd, ca.Name, ca.Value, ca.SE, configs[0], cb.Name, cb.Value, cb.SE, configs[1])
			}
		}
	}
}

// redirectOutputs returns args with the files that -json and -predictions write, and the
// JSON files that show and table read, moved into dir.
func redirectOutputs(args []string, dir string) []string {
	out := append([]string(nil), args...)
	for i, a := range out {
		prev := ""
		if i > 0 {
			prev = out[i-1]
		}
		if (prev == "-json" || prev == "-predictions") && a != "-" ||
			(out[0] == "show" || out[0] == "table") && strings.HasSuffix(a, ".json") {
			out[i] = filepath.Join(dir, filepath.Base(a))
		}
	}
	return out
}
