// Command nbcheck checks notebooks executed headless by nbconvert with the GoNB kernel, where a
// cell that panics at run time does not fail nbconvert: its only trace is an "exit status N"
// line in the cell's stderr stream.
//
//	go run ./cmd/nbcheck [-html] executed.ipynb [more.ipynb ...]
//
// For each notebook it fails on: a code cell that was not executed, an error output, a stderr
// stream with a line "exit status N" or "panic: ...", a MIME type listed in the notebook's
// metadata gomle.require that no output has, and a gomle.checks rule that the notebook's text
// output breaks. A check is {"name", "pattern", "max", "min", "min_matches"}: every match of
// the regular expression's last group, read as a number, must be at most max and, if min is
// given, at least min, and there must be at least min_matches matches.
//
// With -html it also reads each notebook's HTML export (nbconvert --to html, the file beside it
// with the extension .html) and fails on a figure missing from it or blank there, an empty SVG
// and code not highlighted as Go. It prints one line per problem, naming the cell, and exits 1
// if there is any.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// notebook is the part of the nbformat 4 schema nbcheck reads.
type notebook struct {
	Cells    []cell `json:"cells"`
	Metadata struct {
		Gomle struct {
			Require []string `json:"require"`
			Checks  []check  `json:"checks"`
		} `json:"gomle"`
	} `json:"metadata"`
}

type cell struct {
	CellType       string   `json:"cell_type"`
	Source         text     `json:"source"`
	ExecutionCount *int     `json:"execution_count"`
	Outputs        []output `json:"outputs"`
}

type output struct {
	OutputType string          `json:"output_type"`
	Name       string          `json:"name"`
	Text       text            `json:"text"`
	Data       map[string]text `json:"data"`
	EName      string          `json:"ename"`
	EValue     string          `json:"evalue"`
}

type check struct {
	Name       string   `json:"name"`
	Pattern    string   `json:"pattern"`
	Max        float64  `json:"max"`
	Min        *float64 `json:"min"` // nil: no lower bound
	MinMatches int      `json:"min_matches"`
}

// text is a notebook string, stored either as one string or as a list of lines.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	var lines []string
	if err := json.Unmarshal(b, &lines); err == nil {
		*t = text(strings.Join(lines, ""))
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		// Some MIME payloads (application/json) are objects: keep them as raw text.
		*t = text(b)
		return nil
	}
	*t = text(s)
	return nil
}

var (
	exitStatus = regexp.MustCompile(`(?m)^exit status \d+\s*$`)
	panicLine  = regexp.MustCompile(`(?m)^panic: .*$`)
)

// problems returns every problem found in one executed notebook.
func problems(nb *notebook) []string {
	var out []string
	mimes := map[string]bool{}
	var stdout strings.Builder
	code := 0
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		code++
		where := fmt.Sprintf("cell %d (code cell %d, %q)", i, code, firstLine(string(c.Source)))
		if c.ExecutionCount == nil && strings.TrimSpace(string(c.Source)) != "" {
			out = append(out, where+": not executed")
		}
		for _, o := range c.Outputs {
			switch o.OutputType {
			case "error":
				out = append(out, fmt.Sprintf("%s: error %s: %s", where, o.EName, o.EValue))
			case "stream":
				s := string(o.Text)
				if o.Name == "stdout" {
					stdout.WriteString(s)
				}
				if o.Name == "stderr" {
					if m := exitStatus.FindString(s); m != "" {
						out = append(out, fmt.Sprintf("%s: program failed (%s): %s", where, strings.TrimSpace(m), firstMatch(panicLine, s)))
					}
				}
			case "display_data", "execute_result":
				for mime := range o.Data {
					mimes[mime] = true
				}
				if h, ok := o.Data["text/html"]; ok {
					stdout.WriteString(htmlText(string(h)))
				}
			}
		}
	}
	for _, mime := range nb.Metadata.Gomle.Require {
		if !mimes[mime] {
			out = append(out, fmt.Sprintf("no output of type %s", mime))
		}
	}
	for _, ch := range nb.Metadata.Gomle.Checks {
		out = append(out, ch.apply(stdout.String())...)
	}
	return out
}

// apply runs one check on the notebook's standard output.
func (ch check) apply(s string) []string {
	re, err := regexp.Compile(ch.Pattern)
	if err != nil {
		return []string{fmt.Sprintf("check %q: bad pattern: %v", ch.Name, err)}
	}
	var out []string
	matches := re.FindAllStringSubmatch(s, -1)
	if len(matches) < ch.MinMatches {
		out = append(out, fmt.Sprintf("check %q: %d matches of %q, want at least %d", ch.Name, len(matches), ch.Pattern, ch.MinMatches))
	}
	for _, m := range matches {
		v, err := strconv.ParseFloat(m[len(m)-1], 64)
		if err != nil || !(v <= ch.Max) {
			out = append(out, fmt.Sprintf("check %q: %q gives %s, want at most %g", ch.Name, strings.TrimSpace(m[0]), m[len(m)-1], ch.Max))
		}
		if ch.Min != nil && !(v >= *ch.Min) {
			out = append(out, fmt.Sprintf("check %q: %q gives %s, want at least %g", ch.Name, strings.TrimSpace(m[0]), m[len(m)-1], *ch.Min))
		}
	}
	return out
}

var (
	rowEnd    = regexp.MustCompile(`(?i)</tr>|<br\s*/?>|</p>|</caption>`)
	tag       = regexp.MustCompile(`<[^>]*>`)
	spaceRuns = regexp.MustCompile(`[ \t]+`)
)

// htmlText reduces HTML to plain text: one line per table row, cells separated by one space.
func htmlText(h string) string {
	h = rowEnd.ReplaceAllString(h, "\n")
	h = html.UnescapeString(tag.ReplaceAllString(h, " "))
	lines := strings.Split(h, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(spaceRuns.ReplaceAllString(l, " "))
	}
	return strings.Join(lines, "\n") + "\n"
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func firstMatch(re *regexp.Regexp, s string) string {
	if m := re.FindString(s); m != "" {
		return m
	}
	return "see the cell's stderr"
}

func main() {
	checkHTML := flag.Bool("html", false, "also check each notebook's HTML export, the file beside it with the extension .html")
	flag.Parse()
	if flag.NArg() < 1 {
		fmt.Fprintln(os.Stderr, "usage: nbcheck [-html] executed.ipynb ...")
		os.Exit(2)
	}
	failed := false
	for _, path := range flag.Args() {
		raw, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			failed = true
			continue
		}
		var nb notebook
		if err := json.Unmarshal(raw, &nb); err != nil {
			fmt.Fprintf(os.Stderr, "%s: not a notebook: %v\n", path, err)
			failed = true
			continue
		}
		ps := problems(&nb)
		if *checkHTML {
			page, err := os.ReadFile(strings.TrimSuffix(path, ".ipynb") + ".html")
			if err != nil {
				ps = append(ps, err.Error())
			} else {
				ps = append(ps, htmlProblems(&nb, page)...)
			}
		}
		for _, p := range ps {
			fmt.Printf("%s: %s\n", path, p)
		}
		if len(ps) > 0 {
			failed = true
		} else {
			fmt.Printf("%s: ok\n", path)
		}
	}
	if failed {
		os.Exit(1)
	}
}
