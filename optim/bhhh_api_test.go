package optim

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestBHHHUsesExportedAPI checks that bhhh.go could be moved to another package unchanged but
// for qualifying optim's names: it uses no unexported name declared in another file of
// optim, whether a package-level function, type, variable or constant, or a field or method
// selected from a value or named in a composite literal.
func TestBHHHUsesExportedAPI(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var others []*ast.File
	var bhhh *ast.File
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if name == "bhhh.go" {
			bhhh = f
		} else {
			others = append(others, f)
		}
	}
	if bhhh == nil {
		t.Fatal("bhhh.go not found")
	}
	if bad := unexportedUses(fset, others, bhhh); len(bad) > 0 {
		t.Errorf("bhhh.go uses optim's unexported API:\n%s", strings.Join(bad, "\n"))
	}

	// The check itself: a file that reaches into the package is caught.
	src := `package optim
func cheat(p *Problem, o Outcome) { _ = p.funcEvals; _ = finite(1); _ = Outcome{X: nil}; _ = trustSubproblem{posDef: true}; p.Record(0, nil) }`
	f, err := parser.ParseFile(fset, "cheat.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := unexportedUses(fset, others, f)
	for _, want := range []string{"funcEvals", "finite", "trustSubproblem", "posDef"} {
		if !slices.ContainsFunc(got, func(s string) bool { return strings.HasSuffix(s, " "+want) }) {
			t.Errorf("the check missed %s: %q", want, got)
		}
	}
	if len(got) != 4 {
		t.Errorf("the check reported %q, want the four unexported uses", got)
	}
}

// unexportedUses returns, as "position: name", the uses in file of unexported names that
// the other files of the package declare and file does not. Package-level names are matched
// by identifier; fields and methods by the selector or composite-literal key that names them.
// A local variable that shares a name with a package-level one is reported too: rename it.
func unexportedUses(fset *token.FileSet, others []*ast.File, file *ast.File) []string {
	private, members := declared(others)
	ownNames, ownMembers := declared([]*ast.File{file})
	imports := map[string]bool{}
	for _, spec := range file.Imports {
		path := strings.Trim(spec.Path.Value, `"`)
		name := path[strings.LastIndex(path, "/")+1:]
		if spec.Name != nil {
			name = spec.Name.Name
		}
		imports[name] = true
	}
	var bad []string
	report := func(id *ast.Ident) { bad = append(bad, fset.Position(id.Pos()).String()+": "+id.Name) }
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if x, ok := n.X.(*ast.Ident); ok && imports[x.Name] {
				return false // another package's name: exported by construction
			}
			if !n.Sel.IsExported() && members[n.Sel.Name] && !ownMembers[n.Sel.Name] {
				report(n.Sel)
			}
			ast.Inspect(n.X, visit)
			return false
		case *ast.KeyValueExpr:
			if key, ok := n.Key.(*ast.Ident); ok {
				if !key.IsExported() && members[key.Name] && !ownMembers[key.Name] {
					report(key)
				}
				ast.Inspect(n.Value, visit)
				return false
			}
		case *ast.Ident:
			if !n.IsExported() && private[n.Name] && !ownNames[n.Name] {
				report(n)
			}
		}
		return true
	}
	for _, d := range file.Decls {
		ast.Inspect(d, visit)
	}
	return bad
}

// declared returns the unexported package-level names the files declare, and the unexported
// fields and methods of their types.
func declared(files []*ast.File) (names, members map[string]bool) {
	names, members = map[string]bool{}, map[string]bool{}
	add := func(m map[string]bool, id *ast.Ident) {
		if id != nil && !id.IsExported() && id.Name != "_" {
			m[id.Name] = true
		}
	}
	for _, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv != nil {
					add(members, d.Name)
				} else {
					add(names, d.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						add(names, s.Name)
						var fields *ast.FieldList
						switch ty := s.Type.(type) {
						case *ast.StructType:
							fields = ty.Fields
						case *ast.InterfaceType:
							fields = ty.Methods
						}
						if fields != nil {
							for _, fl := range fields.List {
								for _, id := range fl.Names {
									add(members, id)
								}
							}
						}
					case *ast.ValueSpec:
						for _, id := range s.Names {
							add(names, id)
						}
					}
				}
			}
		}
	}
	return names, members
}
