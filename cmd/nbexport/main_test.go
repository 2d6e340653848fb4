package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// stdResolver is shared by the tests, so that `go list std` runs once.
var stdResolver = &goListResolver{}

// tcell is a cell of a notebook built by a test.
type tcell struct {
	kind, src, id string
}

func code(src string) tcell { return tcell{kind: "code", src: src} }
func md(src string) tcell   { return tcell{kind: "markdown", src: src} }

// notebook builds the .ipynb JSON of cells, with each source split into lines as Jupyter
// writes it.
func notebook(t *testing.T, cells ...tcell) []byte {
	t.Helper()
	type jcell struct {
		Type     string         `json:"cell_type"`
		ID       string         `json:"id,omitempty"`
		Metadata map[string]any `json:"metadata"`
		Source   []string       `json:"source"`
		Outputs  []any          `json:"outputs,omitempty"`
	}
	nb := struct {
		Cells         []jcell        `json:"cells"`
		Metadata      map[string]any `json:"metadata"`
		NBFormat      int            `json:"nbformat"`
		NBFormatMinor int            `json:"nbformat_minor"`
	}{Metadata: map[string]any{}, NBFormat: 4, NBFormatMinor: 5}
	for _, c := range cells {
		nb.Cells = append(nb.Cells, jcell{Type: c.kind, ID: c.id, Metadata: map[string]any{},
			Source: strings.SplitAfter(c.src, "\n")})
	}
	data, err := json.Marshal(nb)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// export runs exportNotebook with the test defaults: the notebook is called nb.ipynb and
// %env settings are kept.
func export(data []byte, mainSel string) (*result, error) {
	return exportNotebook(data, options{notebook: "nb.ipynb", main: mainSel, env: true, resolver: stdResolver})
}

// program is a generated program to compile, vet and maybe run.
type program struct {
	name   string
	source []byte
	runs   []programRun
}

// programRun is one run of a program and the stdout it must print.
type programRun struct {
	args, env []string
	want      string
}

// checkPrograms writes each program as a package of one temporary module, runs `go vet` and
// `go build` over all of them, and runs the binaries. The programs import only the standard
// library, so this needs no network.
func checkPrograms(t *testing.T, progs []program) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the programs with the go command")
	}
	dir := t.TempDir()
	goMod := "module nbexporttest\n\ngo " + strings.TrimPrefix(runtime.Version(), "go")[:4] + "\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(goMod), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range progs {
		pkg := filepath.Join(dir, p.name)
		if err := os.MkdirAll(pkg, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(pkg, "main.go"), p.source, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "bin")
	for _, args := range [][]string{{"vet", "./..."}, {"build", "-o", bin + string(filepath.Separator), "./..."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GOTOOLCHAIN=local")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	for _, p := range progs {
		for _, r := range p.runs {
			cmd := exec.Command(filepath.Join(bin, p.name), r.args...)
			// A clean environment, so that the %env defaults apply unless r.env sets them.
			cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, r.env...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Errorf("%s %v: %v\n%s", p.name, r.args, err, stderr.Bytes())
				continue
			}
			if string(out) != r.want {
				t.Errorf("%s %v (env %v) printed\n%s\nwant\n%s", p.name, r.args, r.env, out, r.want)
			}
		}
	}
}

// TestGolden exports testdata/kinds.ipynb, one cell of each kind GoNB knows, compares the
// program with testdata/kinds.golden (go test -update rewrites it) and runs it.
func TestGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/kinds.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	res, err := exportNotebook(data, options{notebook: "testdata/kinds.ipynb", main: "last", env: true, resolver: stdResolver})
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("testdata/kinds.golden", res.source, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/kinds.golden")
	if err != nil {
		t.Fatal(err)
	}
	if d := unifiedDiff("testdata/kinds.golden", "got", string(want), string(res.source), 3); d != "" {
		t.Errorf("output differs from the golden file (go test -update rewrites it):\n%s", d)
	}
	if res.mainCell != 10 {
		t.Errorf("exported the main of cell %d, want 10", res.mainCell)
	}
	// With -n=2, as the notebook ran it, the program prints what GoNB v0.11.1 printed for
	// cell 10 (checked with nbconvert, after removing the cell 2 lines that need a go.work).
	// greeting comes from the %env defaults, read by an init_ function.
	checkPrograms(t, []program{{name: "kinds", source: res.source, runs: []programRun{
		{args: []string{"-n=2"}, want: "hello, world 0 0 1 2 10 B 3\nhello, world 1 0 1 2 10 B 3\n"},
		{env: []string{"GREETING=hi"}, want: "hi, world 0 0 1 2 10 B 3\n"},
	}}})
}

// TestExport checks the semantics case by case: the output must contain (or not contain)
// given text, and every program must vet, build and print what the notebook would print.
func TestExport(t *testing.T) {
	var progs []program
	for _, tc := range []struct {
		name   string
		cells  []tcell
		main   string       // -main; "" is the default, last
		noEnv  bool         // -env=false
		want   []string     // text the program must contain
		absent []string     // text the program must not contain
		exact  string       // the whole program, when set
		runs   []programRun // runs of the program and what they print
	}{
		{
			name: "minimal",
			// fmt is not imported: GoNB's goimports adds it, and so does nbexport.
			cells: []tcell{md("# Hello"), code("%%\nfmt.Println(\"hello\")\n")},
			exact: `// Code generated by nbexport from nb.ipynb; DO NOT EDIT.
// Edit the notebook instead, then run: go run ./cmd/nbexport nb.ipynb -o <this file>

package main

import (
	"flag"
	"fmt"
)

func main() {
	flag.Parse()
	fmt.Println("hello")
}
`,
			runs: []programRun{{want: "hello\n"}},
		},
		{
			name: "declarations-accumulate",
			cells: []tcell{
				code("import \"strings\"\n\ntype T struct{ s string }\n\nfunc (t T) Up() string { return strings.ToUpper(t.s) }\n"),
				code("const k = 2\n\nvar v = T{\"x\"}\n"),
				code("func twice(s string) string { return strings.Repeat(s, k) }\n"),
				code("%%\nfmt.Println(twice(v.Up()))\n"),
			},
			runs: []programRun{{want: "XX\n"}},
		},
		{
			name: "redeclaration-replaces",
			cells: []tcell{
				code("func f() int { return 1 }\ntype T int\nfunc (T) M() int { return 1 }\nvar (\n\tx = 1\n\ty = 2\n)\n"),
				code("func f() int { return 2 }\ntype T string\nfunc (T) M() int { return 2 }\nvar x = 10\n"),
				code("%%\nfmt.Println(f(), T(\"s\"), T(\"\").M(), x, y)\n"),
			},
			want:   []string{"return 2", "type T string", "var x = 10", "y = 2"},
			absent: []string{"return 1", "type T int", "x = 1\n"},
			runs:   []programRun{{want: "2 s 2 10 2\n"}},
		},
		{
			// GoNB v0.11.1 fails on this notebook ("B redeclared": it keeps the old block).
			name: "const-block-keeps-iota",
			cells: []tcell{
				code("const (\n\tA = iota\n\tB\n\tC\n)\n"),
				code("const B = 7\n"),
				code("%%\nfmt.Println(A, B, C)\n"),
			},
			want: []string{"\t_\n"},
			runs: []programRun{{want: "0 7 2\n"}},
		},
		{
			// GoNB v0.11.1 forgets a when b is redefined, so it rejects the use of a.
			name: "tuple-var",
			cells: []tcell{
				code("func two() (int, int) { return 1, 2 }\nvar a, b = two()\n"),
				code("var b = 20\n"),
				code("%%\nfmt.Println(a, b)\n"),
			},
			want: []string{"var a, _ = two()"},
			runs: []programRun{{want: "1 20\n"}},
		},
		{
			name: "main-args-dropped",
			cells: []tcell{
				code("var n = flag.Int(\"n\", 1, \"count\")\n"),
				code("%% --n=100 \"two words\"\nfmt.Println(*n)\n"),
			},
			want:   []string{"// The notebook ran main with the arguments: --n=100 'two words'\n", "\tflag.Parse()\n"},
			absent: []string{"%%", "--n=100\n"},
			runs:   []programRun{{want: "1\n"}, {args: []string{"-n=100"}, want: "100\n"}},
		},
		{
			name: "shell-lines",
			cells: []tcell{
				code("!echo one\n!*go get example.com/m@v1.0.0 \\\n  example.com/n@v1.0.0\n"),
				code("%%\n!ls\nfmt.Println(\"after shell\")\n!*pwd\n"),
			},
			absent: []string{"echo", "go get", "example.com", "ls", "pwd"},
			runs:   []programRun{{want: "after shell\n"}},
		},
		{
			name: "env",
			cells: []tcell{
				code("%env A_VAR first\n%env B_VAR=\"with space\"\n"),
				code("var atInit = os.Getenv(\"A_VAR\")\n"),
				code("%env A_VAR second\n%%\nfmt.Println(atInit, os.Getenv(\"A_VAR\"), os.Getenv(\"B_VAR\"))\n"),
			},
			want: []string{`{"A_VAR", "second"},`, `{"B_VAR", "with space"},`},
			runs: []programRun{
				{want: "second second with space\n"},
				{env: []string{"A_VAR=outside"}, want: "outside outside with space\n"},
			},
		},
		{
			name: "other-commands-dropped",
			cells: []tcell{
				code("%goworkfix\n%autoget\n%cd /tmp\n%with_password\n%help\n%version\n%track foo.go\n%ls\n"),
				code("%args -x\n%capture out.txt\nfunc main() {\n\tfmt.Println(\"explicit main\")\n}\n"),
			},
			absent: []string{"%", "flag"},
			want:   []string{"// The notebook ran main with the arguments: -x\n"},
			runs:   []programRun{{want: "explicit main\n"}},
		},
		{
			name: "declarations-then-main-in-one-cell",
			cells: []tcell{
				code("import \"strings\"\n\n// shout shouts.\nfunc shout(s string) string { return strings.ToUpper(s) + \"!\" }\n\n%%\n// body comment\nfmt.Println(shout(\"hi\"))\n\n\n"),
			},
			want: []string{"// shout shouts.\nfunc shout", "\t// body comment\n\tfmt.Println(shout(\"hi\"))\n}\n"},
			runs: []programRun{{want: "HI!\n"}},
		},
		{
			name: "last-main-and-later-cells",
			cells: []tcell{
				code("func f() string { return \"one\" }\n"),
				code("%%\nfmt.Println(\"first\", f())\n"),
				code("%%\nfmt.Println(\"second\", f())\n"),
				// After the last main: not part of what GoNB compiled for it.
				code("func f() string { return \"two\" }\nvar unused = 3\n"),
			},
			absent: []string{"first", "two", "unused"},
			runs:   []programRun{{want: "second one\n"}},
		},
		{
			name:  "main-by-number",
			main:  "3",
			cells: []tcell{md("x"), code("func f() int { return 1 }\n"), code("%%\nfmt.Println(\"cell 3\", f())\n"), code("func f() int { return 2 }\n%%\nfmt.Println(\"cell 4\", f())\n")},
			runs:  []programRun{{want: "cell 3 1\n"}},
		},
		{
			name:  "main-by-id",
			main:  "the-one",
			cells: []tcell{{kind: "code", id: "the-one", src: "%%\nfmt.Println(\"by id\")\n"}, code("%%\nfmt.Println(\"last\")\n")},
			runs:  []programRun{{want: "by id\n"}},
		},
		{
			name:   "args-are-per-cell",
			cells:  []tcell{code("%% --x=1\nfmt.Println(1)\n"), code("func main() { fmt.Println(2) }\n")},
			absent: []string{"arguments", "x=1"},
			runs:   []programRun{{want: "2\n"}},
		},
		{
			name:  "main-keyword-and-exec",
			cells: []tcell{code("%main\nfmt.Println(\"main\")\n"), code("func run() { fmt.Println(\"exec\") }\n%exec run --flag\n")},
			want:  []string{"// The notebook ran main with the arguments: --flag\n"},
			runs:  []programRun{{want: "exec\n"}},
		},
		{
			name:   "gonb-comment-prefix",
			cells:  []tcell{code("//gonb:%env X 1\n//gonb:!echo hi\n//gonb:%%\nfmt.Println(os.Getenv(\"X\"))\n")},
			absent: []string{"gonb:", "echo"},
			runs:   []programRun{{want: "1\n"}},
		},
		{
			name: "init-functions",
			cells: []tcell{
				code("var log []string\nfunc init_a() { log = append(log, \"a\") }\n"),
				code("func init_b() { log = append(log, \"b\") }\nfunc init_a() { log = append(log, \"A\") }\n"),
				code("%%\nfmt.Println(log)\n"),
			},
			runs: []programRun{{want: "[b A]\n"}},
		},
		{
			name: "reset-and-rm",
			cells: []tcell{
				code("func gone() {}\nvar alsoGone = 1\n"),
				code("%reset\nfunc kept() int { return 1 }\nfunc removed() {}\ntype R int\nfunc (R) M() {}\n"),
				code("%rm removed R~M\n%%\nfmt.Println(kept(), R(2))\n"),
			},
			absent: []string{"gone", "removed", "M()"},
			runs:   []programRun{{want: "1 2\n"}},
		},
		{
			name: "imports",
			cells: []tcell{
				code("import (\n\t\"os\"\n\t\"sort\"\n\tstr \"strings\"\n\t_ \"embed\"\n\t_ \"image/png\"\n)\n"),
				// A later import binding the same name replaces the earlier one.
				code("import str \"strconv\"\n"),
				code("%%\nfmt.Println(str.Itoa(7), len(os.Args) > 0, filepath.Base(\"/a/b\"), rand.N(1))\n"),
			},
			want:   []string{"_ \"embed\"", "_ \"image/png\"", "str \"strconv\"", "\"path/filepath\"", "\"math/rand/v2\"", "\"os\""},
			absent: []string{"sort", "\"strings\""},
			runs:   []programRun{{want: "7 true b 0\n"}},
		},
		{
			name: "generic-methods",
			cells: []tcell{
				code("type Box[T any] struct{ v T }\nfunc (b Box[T]) Get() T { return b.v }\n"),
				code("type Pair[K comparable, V any] struct{ k K; v V }\nfunc (p *Pair[K, V]) Get() V { return p.v }\n"),
				code("%%\nfmt.Println(Box[int]{1}.Get(), (&Pair[string, int]{\"a\", 2}).Get())\n"),
			},
			runs: []programRun{{want: "1 2\n"}},
		},
		{
			name: "skipped-cells",
			cells: []tcell{
				code("%%writefile x.go\npackage other\nfunc f( {\n"),
				code("%%bash\necho not go\n"),
				code("%test\nfunc helper() string { return \"ok\" }\nfunc TestX(t *testing.T) {}\nfunc BenchmarkX(b *testing.B) {}\n"),
				code("%wasm\nfunc wasmOnly() {}\n%%\nfmt.Println(GonbWasmDivId)\n"),
				code("package main\n\n%%\nfmt.Println(helper())\n"),
			},
			want:   []string{"func helper() string"},
			absent: []string{"testing", "TestX", "BenchmarkX", "wasm", "other", "package main\n\n\n"},
			runs:   []programRun{{want: "ok\n"}},
		},
		{
			name: "grouped-type-and-var-cut",
			cells: []tcell{
				code("type (\n\t// A is replaced.\n\tA int\n\tB string\n)\nvar (x = 1; y = 2)\n"),
				code("type A float64\nvar x = 1.5\n"),
				code("%%\nfmt.Println(A(1.5), B(\"b\"), x, y)\n"),
			},
			absent: []string{"A is replaced", "A int", "x = 1;"},
			runs:   []programRun{{want: "1.5 b 1.5 2\n"}},
		},
		{
			name: "dot-import-and-embed",
			cells: []tcell{
				code("import . \"strings\"\n"),
				code("//go:embed main.go\nvar self string\n"),
				code("%%\nfmt.Println(ToUpper(\"dot\"), HasPrefix(self, \"// Code generated\"))\n"),
			},
			want: []string{`. "strings"`, `_ "embed"`},
			runs: []programRun{{want: "DOT true\n"}},
		},
		{
			name:   "env-off",
			noEnv:  true,
			cells:  []tcell{code("%env X 1\n%%\nfmt.Println(os.Getenv(\"X\"))\n")},
			absent: []string{"LookupEnv"},
			runs:   []programRun{{want: "\n"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := notebook(t, tc.cells...)
			opt := options{notebook: "nb.ipynb", main: tc.main, env: !tc.noEnv, resolver: stdResolver}
			res, err := exportNotebook(data, opt)
			if err != nil {
				t.Fatal(err)
			}
			got := string(res.source)
			if tc.exact != "" && got != tc.exact {
				t.Errorf("got\n%s\nwant\n%s", got, tc.exact)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in\n%s", w, got)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(got, a) {
					t.Errorf("unexpected %q in\n%s", a, got)
				}
			}
			progs = append(progs, program{name: tc.name, source: res.source, runs: tc.runs})
		})
	}
	t.Run("build-and-run", func(t *testing.T) { checkPrograms(t, progs) })
}

// TestExportErrors checks that notebooks GoNB would not run, or that nbexport cannot export
// faithfully, fail with a message that points at the cell.
func TestExportErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cells []tcell
		main  string
		want  string // part of the error message
	}{
		{"no-main", []tcell{code("func f() {}\n"), code("%%\n")}, "", "no cell has a main"},
		{"only-with-two", []tcell{code("%%\nfmt.Println(1)\n"), code("%%\nfmt.Println(2)\n")}, "only", "found 2 (cells: 1, 2)"},
		{"number-not-main", []tcell{code("func f() {}\n"), code("%%\nf()\n")}, "1", "cell 1 has no main"},
		{"markdown-number", []tcell{md("x"), code("%%\nf()\n")}, "1", "no such code cell"},
		{"unknown-id", []tcell{code("%%\nf()\n")}, "nope", "no such code cell"},
		{"syntax-error", []tcell{md("x"), code("func f() {\n\treturn 1 +\n}\n%%\nf()\n")}, "", "cell 2, line 3:"},
		{"two-mains", []tcell{code("%%\nfmt.Println(1)\n%%\nfmt.Println(2)\n")}, "", "cell 1, line 3: a second %% or %main"},
		{"magic-not-first", []tcell{code("var x = 1\n%%writefile f.txt\n")}, "", "cell 1, line 2: %%writefile can only be the first line"},
		{"exec-without-func", []tcell{code("%exec\n")}, "", "%exec needs the name of a function"},
		{"bad-env", []tcell{code("%env ONLY_NAME\n%%\nfmt.Println(1)\n")}, "", "cell 1, line 1: %env takes a name and a value"},
		{"unknown-package", []tcell{code("%%\nnosuchpkg.Do()\n")}, "", `nosuchpkg.Do: no import in the notebook provides "nosuchpkg"`},
		{"ambiguous-package", []tcell{code("%%\n_ = template.New(\"x\")\n")}, "", "several packages of the standard library match (html/template, text/template)"},
		{"not-a-notebook", nil, "", "not a notebook"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := notebook(t, tc.cells...)
			if tc.cells == nil {
				data = []byte("print('hi')")
			}
			_, err := export(data, tc.main)
			if err == nil {
				t.Fatalf("no error, want one containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

// TestParseCell checks how lines are classified: special commands with their continuation
// lines, "//gonb:" prefixes, and lines that look special but are not.
func TestParseCell(t *testing.T) {
	src := "%env A 1\n!echo a \\\n  b \\\n  c\n//gonb:%goflags -tags=x\n%\nx := 1\n  %indented\n%% --n=3"
	pc, err := parseCell(cellSource{index: 1, kind: "code", source: src})
	if err == nil {
		// A lone "%" (one character) is Go for GoNB, so the cell does not parse.
		t.Fatalf("want a parse error for the lone %%, got commands %+v", pc.commands)
	}
	src = strings.Replace(src, "\n%\n", "\n", 1)
	src = strings.Replace(src, "x := 1\n  %indented\n", "", 1)
	pc, err = parseCell(cellSource{index: 1, kind: "code", source: src})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range pc.commands {
		got = append(got, c.String())
	}
	want := []string{"%env A 1", "!echo a    b    c", "%goflags -tags=x", "%% --n=3"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("commands %q, want %q", got, want)
	}
	if pc.main != nil {
		t.Errorf("a cell with only %%%% and special lines has no Go code, hence no main; got %q", pc.main.text)
	}
}

func TestSplitCmd(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"env A 1", []string{"env", "A", "1"}},
		{"  args  -x\t-y  ", []string{"args", "-x", "-y"}},
		{`env A "two words"`, []string{"env", "A", "two words"}},
		{`args "" x`, []string{"args", "", "x"}},
		{`env A "quote\"d\n"`, []string{"env", "A", "quote\"d\n"}},
		{`env A back\slash`, []string{"env", "A", `back\slash`}},
	} {
		if got := splitCmd(tc.in); strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("splitCmd(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestAssumedName(t *testing.T) {
	for path, want := range map[string]string{
		"fmt":                                   "fmt",
		"math/rand/v2":                          "rand",
		"gopkg.in/yaml.v3":                      "yaml",
		"github.com/mattn/go-isatty":            "isatty",
		"github.com/gomlx/gomlx/pkg/core/graph": "graph",
		"example.com/v2":                        "example", // as goimports assumes it
	} {
		if got := assumedName(path); got != want {
			t.Errorf("assumedName(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestResolver(t *testing.T) {
	for _, tc := range []struct {
		name string
		sels []string
		want string // "" for an error
	}{
		{"fmt", []string{"Println"}, "fmt"},
		{"filepath", []string{"Join"}, "path/filepath"},
		{"rand", []string{"IntN"}, "math/rand/v2"},
		{"rand", []string{"Intn"}, "math/rand"},
		{"rand", []string{"Read", "Reader"}, "crypto/rand"},
		{"pprof", []string{"StartCPUProfile"}, "runtime/pprof"},
		{"fmt", []string{"NoSuchThing"}, ""},
		{"abi", []string{"FuncPCABI0"}, ""}, // internal/abi cannot be imported
	} {
		got, err := stdResolver.resolve(tc.name, tc.sels)
		if tc.want == "" {
			if err == nil {
				t.Errorf("resolve(%s, %v) = %q, want an error", tc.name, tc.sels, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("resolve(%s, %v) = %q, %v; want %q", tc.name, tc.sels, got, err, tc.want)
		}
	}
}

// TestModuleResolver resolves package names that no cell imports to packages of the current
// module, as GoNB's goimports does when the kernel's go.work uses the checkout: the standard
// library wins over a module package of the same name, a directory go-colors holding package
// colors is found, internal packages are not, and two matching packages are an error.
func TestModuleResolver(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":                    "module example.com/nbx\n\ngo 1.22\n",
		"greet/greet.go":            "package greet\n\nfunc Hello() string { return \"hello\" }\n",
		"go-colors/colors.go":       "package colors\n\nconst Red = \"red\"\n",
		"strings/strings.go":        "package strings\n\nfunc ToUpper(s string) string { return s }\n",
		"internal/secret/s.go":      "package secret\n\nconst Key = 1\n",
		"a/shape/shape.go":          "package shape\n\nfunc Area() float64 { return 1 }\n",
		"b/shape/shape.go":          "package shape\n\nfunc Area() float64 { return 2 }\n",
		"testdata/hidden/hidden.go": "package hidden\n\nconst X = 1\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res := &goListResolver{dir: dir}
	exp := func(cells ...tcell) (*result, error) {
		return exportNotebook(notebook(t, cells...), options{notebook: "nb.ipynb", main: "last", env: true, resolver: res})
	}

	out, err := exp(code("%%\nfmt.Println(greet.Hello(), colors.Red, strings.ToUpper(\"std\"))\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{`"example.com/nbx/greet"`, `"example.com/nbx/go-colors"`, "\t\"strings\"\n"} {
		if !strings.Contains(string(out.source), w) {
			t.Errorf("missing import %s in\n%s", w, out.source)
		}
	}
	for _, tc := range []struct{ src, want string }{
		{"%%\nfmt.Println(secret.Key)\n", `no import in the notebook provides "secret"`},
		{"%%\nfmt.Println(hidden.X)\n", `no import in the notebook provides "hidden"`},
		{"%%\nfmt.Println(shape.Area())\n", "several packages of the main module match (example.com/nbx/a/shape, example.com/nbx/b/shape)"},
	} {
		if _, err := exp(code(tc.src)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.src, err, tc.want)
		}
	}

	// The program builds and runs inside the module, where the notebook's code lives.
	if testing.Short() {
		return
	}
	if err := os.MkdirAll(filepath.Join(dir, "cmd", "p"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cmd", "p", "main.go"), out.source, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", "./cmd/p")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOWORK=off", "GOPROXY=off")
	got, err := cmd.CombinedOutput()
	if err != nil || string(got) != "hello red STD\n" {
		t.Errorf("go run: %v, output %q, want %q", err, got, "hello red STD\n")
	}
}

func TestUnifiedDiff(t *testing.T) {
	if d := unifiedDiff("a", "b", "x\ny\n", "x\ny\n", 3); d != "" {
		t.Errorf("equal texts: got %q", d)
	}
	a := "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n"
	b := "1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n"
	want := `--- a
+++ b
@@ -1,6 +1,6 @@
 1
 2
-3
+three
 4
 5
 6
@@ -10,3 +10,4 @@
 10
 11
 12
+13
`
	if d := unifiedDiff("a", "b", a, b, 3); d != want {
		t.Errorf("got\n%s\nwant\n%s", d, want)
	}
}

// TestRun drives the command: output to stdout and to a file, -check with an equal, a
// different and a missing file, flags after the notebook, and usage errors.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	nbPath := filepath.Join(dir, "nb.ipynb")
	if err := os.WriteFile(nbPath, notebook(t, code("%%\nfmt.Println(\"v1\")\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	runCmd := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		status := run(args, &stdout, &stderr)
		return status, stdout.String(), stderr.String()
	}

	status, stdout, stderr := runCmd(nbPath)
	if status != 0 || !strings.Contains(stdout, `fmt.Println("v1")`) {
		t.Fatalf("stdout mode: exit %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	outPath := filepath.Join(dir, "out.go")
	if code, _, stderr := runCmd(nbPath, "-o", outPath, "-v"); code != 0 || !strings.Contains(stderr, "exported the main of cell 1") {
		t.Fatalf("-o: exit %d, stderr %q", code, stderr)
	}
	written, err := os.ReadFile(outPath)
	if err != nil || string(written) != stdout {
		t.Fatalf("-o wrote %q (%v), want the stdout output %q", written, err, stdout)
	}
	if code, _, stderr := runCmd("-check", outPath, nbPath); code != 0 {
		t.Errorf("-check on a fresh file: exit %d, stderr %q", code, stderr)
	}

	// The notebook changes: the exported file is out of date.
	if err := os.WriteFile(nbPath, notebook(t, code("%%\nfmt.Println(\"v2\")\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	status, _, stderr = runCmd(nbPath, "-check", outPath)
	if status != 1 {
		t.Errorf("-check on a stale file: exit %d, want 1", status)
	}
	for _, w := range []string{"is out of date", "(2 lines differ: -1 +1)", `-	fmt.Println("v1")`, `+	fmt.Println("v2")`, "go run ./cmd/nbexport "} {
		if !strings.Contains(stderr, w) {
			t.Errorf("-check stderr lacks %q:\n%s", w, stderr)
		}
	}
	if code, _, stderr := runCmd(nbPath, "-check", filepath.Join(dir, "missing.go"), "-main=only"); code != 1 ||
		!strings.Contains(stderr, "does not exist") || !strings.Contains(stderr, "-main=only") {
		t.Errorf("-check on a missing file: exit %d, stderr %q", code, stderr)
	}
	// Flags that change the output appear in the header's regenerate command.
	if code, stdout, _ := runCmd(nbPath, "-main", "1", "-env=false"); code != 0 ||
		!strings.Contains(stdout, "nb.ipynb -env=false -main=1 -o <this file>") {
		t.Errorf("-main 1 -env=false: exit %d, header:\n%s", code, stdout)
	}

	for _, args := range [][]string{
		{},
		{nbPath, nbPath},
		{nbPath, "-o", outPath, "-check", outPath},
		{filepath.Join(dir, "missing.ipynb")},
		{nbPath, "-nosuchflag"},
		{nbPath, "-main", "7"},
	} {
		if code, _, _ := runCmd(args...); code != 2 {
			t.Errorf("run %q: exit %d, want 2", args, code)
		}
	}
}
