package main

import (
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// options controls export.
type options struct {
	// notebook is the notebook's name as the header of the program shows it.
	notebook string
	// main selects the cell whose main is exported: "last" (also ""), "only", a 1-based
	// cell number or a cell id. See selectMain.
	main string
	// env turns the notebook's %env settings into defaults that the program sets first.
	env bool
	// flags are the command-line flags that shaped the output, for the header's regenerate
	// command: -main and -env when not the defaults.
	flags []string
	// resolver finds standard-library packages for selectors that no import declares.
	// nil means a goListResolver.
	resolver packageResolver
}

// result is an exported program.
type result struct {
	source   []byte   // gofmt-formatted Go file
	mainCell int      // the cell whose main was exported
	notes    []string // what was dropped or changed, for -v
}

// envVar is a %env setting.
type envVar struct{ name, value string }

// state is what GoNB memorizes while it runs cells in order.
type state struct {
	units   []*unit              // live declarations, in the order they were defined
	names   map[string]*declName // the live declaration of each name
	imports []*importSpec        // one per key, in the order they were imported
	env     []envVar
	goflags []string
}

// define adds a cell's declaration; the names it declares replace earlier declarations.
func (s *state) define(u *unit) {
	for _, sp := range u.specs {
		for _, n := range sp.names {
			if n.key == "" {
				continue
			}
			if old := s.names[n.key]; old != nil {
				old.dead = true
			}
			s.names[n.key] = n
		}
	}
	s.units = append(slices.DeleteFunc(s.units, func(u *unit) bool { return !u.alive() }), u)
}

// addImport adds an import; it replaces an earlier import that binds the same name.
func (s *state) addImport(imp *importSpec) {
	s.imports = append(slices.DeleteFunc(s.imports, func(o *importSpec) bool { return o.key() == imp.key() }), imp)
}

// remove forgets the definitions under key, as GoNB's %rm: an import with that name if there
// is one, else the declaration of that name ("T~M" is method M of type T). It reports whether
// something was removed.
func (s *state) remove(key string) bool {
	n := len(s.imports)
	s.imports = slices.DeleteFunc(s.imports, func(o *importSpec) bool {
		return o.key() == key || gonbImportKey(o) == key
	})
	if len(s.imports) < n {
		return true
	}
	key = strings.Replace(key, "~", ".", 1)
	old := s.names[key]
	if old == nil {
		return false
	}
	old.dead = true
	delete(s.names, key)
	s.units = slices.DeleteFunc(s.units, func(u *unit) bool { return !u.alive() })
	return true
}

// gonbImportKey is the key GoNB's %ls shows for an import: its alias, or the last run of word
// characters of its path ("v2" for math/rand/v2).
func gonbImportKey(imp *importSpec) string {
	if imp.alias != "" {
		return imp.alias
	}
	p := imp.path
	i := len(p)
	for i > 0 && isWordByte(p[i-1]) {
		i--
	}
	return p[i:]
}

func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// setEnv records a %env setting; a later setting of the same variable wins.
func (s *state) setEnv(name, value string) {
	for i := range s.env {
		if s.env[i].name == name {
			s.env[i].value = value
			return
		}
	}
	s.env = append(s.env, envVar{name, value})
}

// exportNotebook turns a notebook into a Go program, following GoNB's semantics: see the
// package documentation.
func exportNotebook(data []byte, opt options) (*result, error) {
	srcs, err := readNotebook(data)
	if err != nil {
		return nil, err
	}
	var cells []*parsedCell
	for _, c := range srcs {
		if c.kind != "code" {
			continue
		}
		pc, err := parseCell(c)
		if err != nil {
			return nil, err
		}
		cells = append(cells, pc)
	}
	chosen, err := selectMain(cells, opt.main)
	if err != nil {
		return nil, err
	}
	res := &result{mainCell: chosen.index}

	// Replay the cells up to the chosen one, as a top-to-bottom run of the notebook would.
	st := &state{names: make(map[string]*declName)}
	var args []string
	for _, c := range cells {
		if c.index > chosen.index {
			break
		}
		args = nil // GoNB resets the program arguments after each cell
		note := func(format string, a ...any) {
			res.notes = append(res.notes, fmt.Sprintf("cell %d: ", c.index)+fmt.Sprintf(format, a...))
		}
		if c.magic != "" {
			note("skipped: a %s cell is not Go", c.magic)
			continue
		}
		// GoNB runs a cell's special commands before its Go code.
		for _, cmd := range c.commands {
			if cmd.shell {
				note("dropped shell command %s", cmd)
				continue
			}
			switch cmd.name() {
			case "env":
				parts := cmd.parts
				if len(parts) == 2 {
					if eq := strings.Index(parts[1], "="); eq > 1 {
						parts = []string{parts[0], parts[1][:eq], parts[1][eq+1:]}
					}
				}
				if len(parts) != 3 {
					return nil, fmt.Errorf("cell %d, line %d: %%env takes a name and a value, as %%env NAME VALUE or %%env NAME=VALUE",
						c.index, cmd.line+1)
				}
				st.setEnv(parts[1], parts[2])
			case "goflags":
				if len(cmd.parts) > 1 {
					st.goflags = slices.DeleteFunc(slices.Clone(cmd.parts[1:]), func(s string) bool { return s == "" })
				}
			case "reset":
				if len(cmd.parts) == 1 {
					st.units, st.imports = nil, nil
					clear(st.names)
				}
			case "rm", "remove":
				for _, key := range cmd.parts[1:] {
					if !st.remove(key) {
						note("%%rm %s: no such definition", key)
					}
				}
			case "%", "main", "args", "test":
				args = cmd.parts[1:]
			case "exec":
				args = cmd.parts[2:]
			default:
				note("dropped %s", cmd)
			}
		}
		if c.isWasm {
			note("skipped the Go code of a %%wasm cell")
			continue
		}
		for _, imp := range c.imports {
			st.addImport(imp)
		}
		for _, u := range c.units {
			if c.isTest && isTestFunc(u) {
				note("dropped %s of a %%test cell", u.specs[0].names[0].name)
				continue
			}
			st.define(u)
		}
		if c != chosen && c.main != nil {
			note("its main is not exported (cell %d's is)", chosen.index)
		}
	}

	var body strings.Builder
	if opt.env && len(st.env) > 0 {
		body.WriteString(envCode(st.env))
	}
	for _, u := range st.units {
		body.WriteString(u.render())
		body.WriteString("\n\n")
	}
	body.WriteString(chosen.main.text)
	body.WriteString("\n")

	resolver := opt.resolver
	if resolver == nil {
		resolver = &goListResolver{}
	}
	imports, err := neededImports(body.String(), st.imports, resolver)
	if err != nil {
		return nil, err
	}

	var out strings.Builder
	out.WriteString(header(opt.notebook, opt.flags, args, st.goflags))
	out.WriteString("package main\n\n")
	out.WriteString(importBlock(imports))
	out.WriteString(body.String())
	src, err := format.Source([]byte(out.String()))
	if err != nil {
		return nil, fmt.Errorf("the generated program does not parse (a bug in nbexport, or cells that GoNB would not compile either): %w", err)
	}
	res.source = src
	return res, nil
}

// isTestFunc reports whether u is a function that `go test` runs: TestX, BenchmarkX, FuzzX or
// ExampleX (X not starting with a lower-case letter), or TestMain.
func isTestFunc(u *unit) bool {
	if u.tok != token.FUNC {
		return false
	}
	name := u.specs[0].names[0].key // methods have keys "T.M", which match no prefix below
	for _, prefix := range []string{"Test", "Benchmark", "Fuzz", "Example"} {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			r, _ := utf8.DecodeRuneInString(rest)
			if !unicode.IsLower(r) && !strings.Contains(rest, ".") {
				return true
			}
		}
	}
	return false
}

// selectMain returns the cell whose main is exported.
//
//   - "last" or "": the last cell with a main.
//   - "only": the one cell with a main; an error if there are several.
//   - N: cell N, counting all cells of the notebook from 1, markdown included.
//   - anything else: the cell with that id.
//
// A cell has a main if it has a "%%", "%main" or "%exec" line, or declares func main.
// Cells with %test or %wasm and cell magics never count.
func selectMain(cells []*parsedCell, sel string) (*parsedCell, error) {
	var mains []*parsedCell
	for _, c := range cells {
		if c.main != nil && c.magic == "" && !c.isTest && !c.isWasm {
			mains = append(mains, c)
		}
	}
	list := func() string {
		var s []string
		for _, c := range mains {
			s = append(s, strconv.Itoa(c.index))
		}
		return strings.Join(s, ", ")
	}
	switch sel {
	case "", "last":
		if len(mains) == 0 {
			return nil, fmt.Errorf("no cell has a main: write a %%%% cell (or %%main, %%exec f, func main)")
		}
		return mains[len(mains)-1], nil
	case "only":
		if len(mains) != 1 {
			return nil, fmt.Errorf("-main only: want exactly one cell with a main, found %d (cells: %s); pick one with -main N",
				len(mains), list())
		}
		return mains[0], nil
	}
	for _, c := range cells {
		if n, err := strconv.Atoi(sel); (err == nil && c.index == n) || (err != nil && c.id == sel) {
			if !slices.Contains(mains, c) {
				return nil, fmt.Errorf("-main %s: cell %d has no main; the cells with a main are: %s", sel, c.index, list())
			}
			return c, nil
		}
	}
	return nil, fmt.Errorf("-main %s: no such code cell; the cells with a main are: %s", sel, list())
}

// envCode declares the variable whose initializer applies the notebook's %env settings. Being
// the program's first package-level variable, with no dependencies, it is initialized before
// the others and before init functions run (the Go spec's package initialization order).
func envCode(env []envVar) string {
	var b strings.Builder
	b.WriteString("// The notebook's %env settings, applied before the rest of the program initializes,\n")
	b.WriteString("// unless the environment already sets them.\n")
	b.WriteString("var _ = func() int {\nfor _, kv := range [][2]string{\n")
	for _, e := range env {
		fmt.Fprintf(&b, "{%s, %s},\n", strconv.Quote(e.name), strconv.Quote(e.value))
	}
	b.WriteString("} {\nif _, ok := os.LookupEnv(kv[0]); !ok {\nos.Setenv(kv[0], kv[1])\n}\n}\nreturn 0\n}()\n\n")
	return b.String()
}

// header is the comment at the top of the program.
func header(notebook string, flags, args, goflags []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "// Code generated by nbexport from %s; DO NOT EDIT.\n", notebook)
	cmd := strings.Join(append([]string{"go run ./cmd/nbexport", notebook}, flags...), " ")
	fmt.Fprintf(&b, "// Edit the notebook instead, then run: %s -o <this file>\n", cmd)
	if len(args) > 0 {
		fmt.Fprintf(&b, "//\n// The notebook ran main with the arguments: %s\n", quoteArgs(args))
	}
	if len(goflags) > 0 {
		fmt.Fprintf(&b, "//\n// The notebook built it with the go build flags (%%goflags): %s\n", quoteArgs(goflags))
	}
	b.WriteString("\n")
	return b.String()
}

// quoteArgs joins arguments with spaces, quoting those that need it for a shell.
func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n\"'\\$`*?[]{}()<>|&;#~") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}

// neededImports returns the imports the program needs: the notebook's imports whose name the
// code uses, its blank and dot imports, and a standard-library import for each other package
// name that the code uses as X in X.Sel, as GoNB's goimports adds them. Like goimports, it
// never drops blank, dot and "C" imports, and adds _ "embed" for //go:embed directives.
func neededImports(body string, declared []*importSpec, resolver packageResolver) ([]*importSpec, error) {
	fset := token.NewFileSet()
	// Object resolution is on: package names stay in f.Unresolved, locals and the program's
	// own top-level names do not.
	f, err := parser.ParseFile(fset, "", "package main\n"+body, 0)
	if err != nil {
		return nil, fmt.Errorf("the generated program does not parse (a bug in nbexport, or cells that GoNB would not compile either): %w", err)
	}
	unresolved := make(map[*ast.Ident]bool, len(f.Unresolved))
	for _, id := range f.Unresolved {
		unresolved[id] = true
	}
	used := make(map[string][]string) // package name → selected names
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && unresolved[x] {
				if !slices.Contains(used[x.Name], sel.Sel.Name) {
					used[x.Name] = append(used[x.Name], sel.Sel.Name)
				}
			}
		}
		return true
	})

	var imports []*importSpec
	bound := make(map[string]bool)
	hasDot := false
	for _, imp := range declared {
		switch {
		case imp.alias == "_" || imp.path == "C":
			imports = append(imports, imp)
		case imp.alias == ".":
			imports = append(imports, imp)
			hasDot = true
		case used[imp.key()] != nil:
			imports = append(imports, imp)
			bound[imp.key()] = true
		}
	}
	if embedDirective.MatchString(body) && !slices.ContainsFunc(imports, func(imp *importSpec) bool { return imp.path == "embed" }) {
		// goimports adds this import for //go:embed directives.
		imports = append(imports, &importSpec{alias: "_", path: "embed"})
	}
	var missing []string
	for name := range used {
		if !bound[name] && types.Universe.Lookup(name) == nil {
			missing = append(missing, name)
		}
	}
	slices.Sort(missing)
	for _, name := range missing {
		p, err := resolver.resolve(name, used[name])
		if err != nil {
			if hasDot {
				continue // maybe a type or variable of a dot-imported package
			}
			return nil, err
		}
		imports = append(imports, &importSpec{path: p})
	}
	return imports, nil
}

// embedDirective matches a //go:embed directive.
var embedDirective = regexp.MustCompile(`(?m)^[ \t]*//go:embed[ \t]`)

// importBlock renders imports as goimports groups them: the standard library first, then
// the rest, each sorted by path.
func importBlock(imports []*importSpec) string {
	if len(imports) == 0 {
		return ""
	}
	var std, other []string
	for _, imp := range imports {
		line := strconv.Quote(imp.path)
		if imp.alias != "" {
			line = imp.alias + " " + line
		}
		if isStdPath(imp.path) {
			std = append(std, line)
		} else {
			other = append(other, line)
		}
	}
	byPath := func(a, b string) int {
		return strings.Compare(a[strings.IndexByte(a, '"'):], b[strings.IndexByte(b, '"'):])
	}
	slices.SortFunc(std, byPath)
	slices.SortFunc(other, byPath)
	if len(imports) == 1 {
		return "import " + append(std, other...)[0] + "\n\n"
	}
	var b strings.Builder
	b.WriteString("import (\n")
	for _, l := range std {
		b.WriteString("\t" + l + "\n")
	}
	if len(std) > 0 && len(other) > 0 {
		b.WriteString("\n")
	}
	for _, l := range other {
		b.WriteString("\t" + l + "\n")
	}
	b.WriteString(")\n\n")
	return b.String()
}

// isStdPath reports whether an import path looks like the standard library's: no dot in its
// first element.
func isStdPath(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}
