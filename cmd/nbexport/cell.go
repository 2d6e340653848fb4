package main

import (
	"cmp"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// gonbPrefix may precede any special command, so that "//gonb:%%" is the same as "%%"
// (GoNB's GonbCommentPrefix).
const gonbPrefix = "//gonb:"

// magicCells are the cell magics that make the whole cell something other than Go
// (GoNB's CellSpecialCommands). They only count on a cell's first line.
var magicCells = map[string]bool{"%%writefile": true, "%%script": true, "%%bash": true, "%%sh": true}

// packageLine matches a "package x" line, which GoNB drops from cells.
var packageLine = regexp.MustCompile(`^package(\s|$)`)

// command is a special line of a cell: "%cmd args" or "!shell", joined with the lines that
// follow it while they end in a backslash.
type command struct {
	line  int      // 0-based line of the cell where the command starts
	shell bool     // "!" or "!*"
	text  string   // the command after its "%" or "!" and the blanks that follow
	parts []string // for "%" commands, text split as GoNB splits it; parts[0] is the name ("%" for "%%")
}

// name returns the command's name without its "%": "%" for "%%", "env" for "%env".
func (c command) name() string {
	if c.shell || len(c.parts) == 0 {
		return ""
	}
	return c.parts[0]
}

// String returns the command as written in the cell, continuation lines joined.
func (c command) String() string {
	if c.shell {
		return "!" + c.text
	}
	return "%" + c.text
}

// parsedCell is a cell split into its special commands and its Go declarations.
type parsedCell struct {
	cellSource
	magic    string // the cell magic ("%%writefile", ...) when the whole cell is not Go
	commands []command
	isTest   bool // the cell has %test: GoNB compiles it with `go test`
	isWasm   bool // the cell has %wasm: GoNB compiles it to WebAssembly
	imports  []*importSpec
	units    []*unit   // top-level declarations other than imports and main, in source order
	main     *mainFunc // the cell's main, from %%, %main, %exec or `func main`; nil if none
}

// importSpec is one imported package.
type importSpec struct {
	alias string // "" when the spec has no name; "_" and "." included
	path  string
}

// key returns the name the import binds, which is what GoNB memorizes imports by: a later
// import binding the same name replaces an earlier one. Blank and dot imports are keyed by
// path, so that every one of them is kept.
func (s *importSpec) key() string {
	switch s.alias {
	case "":
		return assumedName(s.path)
	case "_", ".":
		return s.alias + " " + s.path
	}
	return s.alias
}

// mainFunc is the text of a cell's func main.
type mainFunc struct {
	text string
}

// unit is one top-level declaration (a func, or a var, const or type declaration with all
// its specs), kept as the source text the notebook wrote, comments included.
type unit struct {
	cell    int
	tok     token.Token // token.FUNC, token.VAR, token.CONST or token.TYPE
	text    string
	grouped bool // a parenthesized var, const or type declaration
	specs   []*declSpec
	edits   []edit // edits always applied, like renaming init_x to init
}

// declSpec is one spec of a unit (a func has a single spec with its single name).
type declSpec struct {
	start, end int // the text to cut to delete the spec, as offsets in unit.text
	names      []*declName
}

// declName is one name a unit declares.
type declName struct {
	key  string // "" for the blank identifier; "T.M" for method M of type T
	name string
	off  int // offset of the identifier in unit.text
	dead bool
}

// edit replaces text[start:end] with repl.
type edit struct {
	start, end int
	repl       string
}

// alive reports whether the spec still declares something: a live name, or only blank names.
func (s *declSpec) alive() bool {
	keyed := false
	for _, n := range s.names {
		if n.key != "" {
			keyed = true
			if !n.dead {
				return true
			}
		}
	}
	return !keyed
}

// alive reports whether any spec of the unit is alive.
func (u *unit) alive() bool {
	for _, s := range u.specs {
		if s.alive() {
			return true
		}
	}
	return false
}

// render returns the unit's text with its dead parts removed: a dead spec of a parenthesized
// var or type declaration is cut out, and any other dead name becomes "_", which keeps the
// iota values of a const block and the other variables of `var a, b = f()`.
func (u *unit) render() string {
	edits := append([]edit(nil), u.edits...)
	cutSpecs := u.grouped && (u.tok == token.VAR || u.tok == token.TYPE)
	for _, s := range u.specs {
		if cutSpecs && !s.alive() {
			edits = append(edits, edit{s.start, s.end, ""})
			continue
		}
		for _, n := range s.names {
			if n.dead {
				edits = append(edits, edit{n.off, n.off + len(n.name), "_"})
			}
		}
	}
	return applyEdits(u.text, edits)
}

// applyEdits applies non-overlapping edits to text.
func applyEdits(text string, edits []edit) string {
	if len(edits) == 0 {
		return text
	}
	slices.SortFunc(edits, func(a, b edit) int { return cmp.Compare(a.start, b.start) })
	var b strings.Builder
	pos := 0
	for _, e := range edits {
		if e.start < pos {
			continue // inside an edit already applied
		}
		b.WriteString(text[pos:e.start])
		b.WriteString(e.repl)
		pos = e.end
	}
	b.WriteString(text[pos:])
	return b.String()
}

// parseCell splits a code cell into commands and Go declarations the way GoNB does.
//
// Special lines are lines that begin, after an optional "//gonb:", with '%' or '!' and have at
// least two characters; a special line ending in a backslash continues on the next line. A
// "%%" or "%main" line opens func main() { flag.Parse() ... } around the rest of the cell, and
// "%exec f" is a whole func main() { flag.Parse(); f() }. Lines "package x" are dropped.
func parseCell(c cellSource) (*parsedCell, error) {
	pc := &parsedCell{cellSource: c}
	lines := strings.Split(c.source, "\n")
	if f := strings.Fields(strings.TrimPrefix(lines[0], gonbPrefix)); len(f) > 0 && magicCells[f[0]] {
		pc.magic = f[0]
		return pc, nil
	}

	special := make([]bool, len(lines))
	cmdAt := make(map[int]command)
	for i := range lines {
		if special[i] {
			continue
		}
		line := strings.TrimPrefix(lines[i], gonbPrefix)
		if len(line) < 2 || (line[0] != '%' && line[0] != '!') {
			continue
		}
		joined := line
		special[i] = true
		for j := i + 1; strings.HasSuffix(joined, `\`) && j < len(lines); j++ {
			joined = joined[:len(joined)-1] + " " + strings.TrimPrefix(lines[j], gonbPrefix)
			special[j] = true
		}
		cmd := command{line: i, shell: joined[0] == '!', text: strings.TrimLeft(joined[1:], " \t")}
		if cmd.text == "" {
			continue
		}
		if !cmd.shell {
			cmd.parts = splitCmd(cmd.text)
			if magicCells["%"+cmd.name()] {
				return nil, fmt.Errorf("cell %d, line %d: %%%s can only be the first line of a cell",
					c.index, i+1, cmd.name())
			}
			switch cmd.name() {
			case "test":
				pc.isTest = true
			case "wasm":
				pc.isWasm = true
			}
		}
		pc.commands = append(pc.commands, cmd)
		cmdAt[i] = cmd
	}

	// Write the cell as a Go file, one output line per cell line so that positions map back.
	out := make([]string, 0, len(lines)+2)
	out = append(out, "package main")
	hasGo, mainOpen := false, false
	for i, line := range lines {
		cmd, isCmd := cmdAt[i]
		switch {
		case isCmd && (cmd.name() == "%" || cmd.name() == "main"):
			if mainOpen {
				return nil, fmt.Errorf("cell %d, line %d: a second %%%% or %%main line in the same cell",
					c.index, i+1)
			}
			out = append(out, "func main() { flag.Parse()")
			mainOpen = true
		case isCmd && cmd.name() == "exec":
			if len(cmd.parts) < 2 || !token.IsIdentifier(cmd.parts[1]) {
				return nil, fmt.Errorf("cell %d, line %d: %%exec needs the name of a function", c.index, i+1)
			}
			out = append(out, fmt.Sprintf("func main() { flag.Parse(); %s() }", cmd.parts[1]))
			hasGo = true
		case special[i] || packageLine.MatchString(line):
			out = append(out, "")
		default:
			out = append(out, line)
			if strings.TrimSpace(line) != "" {
				hasGo = true
			}
		}
	}
	if !hasGo {
		// GoNB runs no Go code for a cell whose lines are all special or blank, not even a
		// lone "%%".
		return pc, nil
	}
	if mainOpen {
		last := len(out) - 1
		for last > 0 && strings.TrimSpace(out[last]) == "" {
			last--
		}
		out = append(out[:last+1], append([]string{"}"}, out[last+1:]...)...)
	}
	src := strings.Join(out, "\n") + "\n"
	if err := pc.parseGo(src, len(lines)); err != nil {
		return nil, err
	}
	return pc, nil
}

// parseGo parses the Go file made from the cell and records its imports, declarations and main.
func (pc *parsedCell) parseGo(src string, numLines int) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		var list scanner.ErrorList
		if errors.As(err, &list) && len(list) > 0 {
			// Line 1 is "package main", so line n+1 holds cell line n.
			line := min(max(list[0].Pos.Line-1, 1), numLines)
			return fmt.Errorf("cell %d, line %d: %s", pc.index, line, list[0].Msg)
		}
		return fmt.Errorf("cell %d: %w", pc.index, err)
	}
	file := fset.File(f.Pos())
	off := func(p token.Pos) int { return file.Offset(p) }

	for _, s := range f.Imports {
		p, err := strconv.Unquote(s.Path.Value)
		if err != nil {
			return fmt.Errorf("cell %d: bad import path %s", pc.index, s.Path.Value)
		}
		imp := &importSpec{path: p}
		if s.Name != nil {
			imp.alias = s.Name.Name
		}
		pc.imports = append(pc.imports, imp)
	}

	for _, decl := range f.Decls {
		start, end := off(decl.Pos()), lineCommentEnd(src, off(decl.End()))
		switch d := decl.(type) {
		case *ast.FuncDecl:
			if d.Doc != nil {
				start = off(d.Doc.Pos())
			}
			text := src[start:end]
			if d.Recv == nil && d.Name.Name == "main" {
				if pc.main != nil {
					line := fset.Position(d.Pos()).Line - 1
					return fmt.Errorf("cell %d, line %d: main is declared twice in the cell", pc.index, line)
				}
				pc.main = &mainFunc{text: text}
				continue
			}
			u := &unit{cell: pc.index, tok: token.FUNC, text: text}
			n := &declName{key: d.Name.Name, name: d.Name.Name, off: off(d.Name.Pos()) - start}
			if d.Recv != nil && len(d.Recv.List) > 0 {
				n.key = receiverType(d.Recv.List[0].Type) + "." + d.Name.Name
			} else if strings.HasPrefix(d.Name.Name, "init_") {
				// GoNB renders every func init_x as func init, so each cell can have its own.
				u.edits = append(u.edits, edit{n.off, n.off + len(n.name), "init"})
			}
			if n.key == "_" {
				n.key = ""
			}
			u.specs = []*declSpec{{names: []*declName{n}}}
			pc.units = append(pc.units, u)

		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				continue
			}
			if d.Doc != nil {
				start = off(d.Doc.Pos())
			}
			u := &unit{cell: pc.index, tok: d.Tok, text: src[start:end], grouped: d.Lparen.IsValid()}
			for _, spec := range d.Specs {
				var idents []*ast.Ident
				var doc, comment *ast.CommentGroup
				switch s := spec.(type) {
				case *ast.ValueSpec:
					idents, doc, comment = s.Names, s.Doc, s.Comment
				case *ast.TypeSpec:
					idents, doc, comment = []*ast.Ident{s.Name}, s.Doc, s.Comment
				}
				sStart, sEnd := off(spec.Pos()), off(spec.End())
				if doc != nil {
					sStart = off(doc.Pos())
				}
				if comment != nil {
					sEnd = off(comment.End())
				}
				sStart, sEnd = specCut(src, sStart, sEnd)
				ds := &declSpec{start: sStart - start, end: sEnd - start}
				for _, id := range idents {
					n := &declName{key: id.Name, name: id.Name, off: off(id.Pos()) - start}
					if n.key == "_" {
						n.key = ""
					}
					ds.names = append(ds.names, n)
				}
				u.specs = append(u.specs, ds)
			}
			pc.units = append(pc.units, u)
		}
	}
	return nil
}

// receiverType returns the name of a method's receiver base type: T for T, *T, T[K] and *T[K].
func receiverType(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return "?"
		}
	}
}

// lineCommentEnd extends a declaration that ends at end over a "//" comment that follows it
// on the same line.
func lineCommentEnd(src string, end int) int {
	j := end
	for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
		j++
	}
	if strings.HasPrefix(src[j:], "//") {
		if k := strings.IndexByte(src[j:], '\n'); k >= 0 {
			return j + k
		}
		return len(src)
	}
	return end
}

// specCut widens the text of a spec to what must be cut to delete it: its whole lines when it
// has lines of its own, else the spec and a ';' that follows it.
func specCut(src string, start, end int) (int, int) {
	i := start
	for i > 0 && (src[i-1] == ' ' || src[i-1] == '\t') {
		i--
	}
	j := end
	for j < len(src) && (src[j] == ' ' || src[j] == '\t' || src[j] == ';') {
		j++
	}
	if (i == 0 || src[i-1] == '\n') && (j == len(src) || src[j] == '\n') {
		if j < len(src) {
			j++
		}
		return i, j
	}
	j = end
	for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
		j++
	}
	if j < len(src) && src[j] == ';' {
		return start, j + 1
	}
	return start, end
}

// splitCmd splits a special command into its parts at blanks, as GoNB does: double quotes
// group a part (and allow an empty one), and inside quotes a backslash escapes the next
// character, with \n and \t for newline and tab.
func splitCmd(cmd string) []string {
	var parts []string
	var part strings.Builder
	started, inQuotes := false, false
	for pos := 0; pos < len(cmd); pos++ {
		c := cmd[pos]
		if !inQuotes && (c == ' ' || c == '\t' || c == '\n') {
			if started {
				parts = append(parts, part.String())
			}
			part.Reset()
			started = false
			continue
		}
		if c == '"' {
			inQuotes = !inQuotes
			started = true
			continue
		}
		if c == '\\' && inQuotes {
			if pos == len(cmd)-1 {
				break
			}
			pos++
			c = cmd[pos]
			switch c {
			case 'n':
				c = '\n'
			case 't':
				c = '\t'
			}
		}
		part.WriteByte(c)
		started = true
	}
	if started {
		parts = append(parts, part.String())
	}
	return parts
}

// assumedName returns the package name an import path is assumed to bind, as goimports
// assumes it: the last path element without a "go-" prefix, skipping a major-version element
// (math/rand/v2 is rand), and cut at the first character that cannot be in an identifier
// (gopkg.in/yaml.v3 is yaml).
func assumedName(importPath string) string {
	elems := strings.Split(importPath, "/")
	base := elems[len(elems)-1]
	if len(elems) > 1 && len(base) > 1 && base[0] == 'v' {
		if _, err := strconv.Atoi(base[1:]); err == nil {
			base = elems[len(elems)-2]
		}
	}
	base = strings.TrimPrefix(base, "go-")
	if i := strings.IndexFunc(base, func(r rune) bool {
		return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r > 0x7f)
	}); i >= 0 {
		base = base[:i]
	}
	return base
}
