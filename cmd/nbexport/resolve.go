package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// packageResolver finds the import path of a package that the program uses as name.Sel
// without importing it.
type packageResolver interface {
	// resolve returns the import path for package name, which must export every name in sels.
	resolve(name string, sels []string) (string, error)
}

// Tiers of candidate packages, in the order goimports ranks them (its modRelevance).
const (
	tierStd = iota
	tierMain
	tierDirect
	tierIndirect
)

var tierNames = []string{"standard library", "main module", "direct dependencies", "indirect dependencies"}

// candidate is a package that could provide a package name.
type candidate struct {
	path, dir string
	tier      int
	name      string   // the real package name; "" until loaded
	files     []string // Go files for this GOOS/GOARCH
	loaded    bool
	exports   map[string]bool
}

// goListResolver resolves package names to the packages GoNB's goimports would find in a
// notebook whose kernel module uses the current module, as this project's notebooks do
// (go work use "${GONB_DIR}/.."): the standard library (`go list std`), then the packages of
// the main module, of its direct dependencies and of its indirect ones (`go list -m all`,
// only modules already in the module cache). It reads the go command's view offline
// (GOPROXY=off, -mod=readonly), so it never downloads or changes go.mod.
type goListResolver struct {
	dir    string // where to run `go list -m all`; "" is the current directory
	byName map[string][]*candidate
	err    error
}

// goCmd runs the go command in dir and returns its stdout.
func goCmd(dir string, env []string, args ...string) ([]byte, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out, nil
}

// load indexes the candidates once.
func (r *goListResolver) load() error {
	if r.byName != nil || r.err != nil {
		return r.err
	}
	r.byName = make(map[string][]*candidate)
	// The standard library, outside any module so that no go.mod, go.work or vendor folder
	// plays a part.
	out, err := goCmd(os.TempDir(), []string{"GOFLAGS=", "GOWORK=off"}, "list", "-e", "-f",
		`{{.ImportPath}}	{{.Name}}	{{.Dir}}	{{join .GoFiles " "}} {{join .CgoFiles " "}}`, "std")
	if err != nil {
		r.err = err
		return err
	}
	for line := range strings.Lines(string(out)) {
		f := strings.Split(strings.TrimRight(line, "\n"), "\t")
		if len(f) != 4 || unimportable(f[0]) {
			continue
		}
		c := &candidate{path: f[0], name: f[1], dir: f[2], files: strings.Fields(f[3]), tier: tierStd, loaded: true}
		r.byName[c.name] = append(r.byName[c.name], c)
	}

	// The module graph of the current directory, if it is in a module.
	out, err = goCmd(r.dir, []string{"GOPROXY=off", "GOFLAGS=-mod=readonly"}, "list", "-m", "-e", "-f",
		`{{.Path}}	{{.Dir}}	{{.Main}}	{{.Indirect}}`, "all")
	if err != nil {
		return nil // not in a module: the standard library only
	}
	for line := range strings.Lines(string(out)) {
		f := strings.Split(strings.TrimRight(line, "\n"), "\t")
		if len(f) != 4 || f[1] == "" {
			continue // not in the module cache
		}
		tier := tierDirect
		switch {
		case f[2] == "true":
			tier = tierMain
		case f[3] == "true":
			tier = tierIndirect
		}
		r.walkModule(f[0], f[1], tier)
	}
	return nil
}

// walkModule indexes the directories of a module by the package name their import path
// suggests (assumedName), as goimports scans modules; loadPackage checks the real name.
func (r *goListResolver) walkModule(modPath, modDir string, tier int) {
	_ = filepath.WalkDir(modDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(modDir, p)
		if rel != "." {
			base := d.Name()
			if base == "testdata" || base == "vendor" || strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir // a nested module
			}
		}
		importPath := modPath
		if rel != "." {
			importPath += "/" + filepath.ToSlash(rel)
		}
		if unimportable(importPath) {
			return nil
		}
		name := assumedName(importPath)
		r.byName[name] = append(r.byName[name], &candidate{path: importPath, dir: p, tier: tier})
		return nil
	})
}

// unimportable reports whether user code cannot import the package: internal packages (of
// any module: the exported program does not live inside the notebook's dependencies, and GoNB's
// kernel module is outside this one too), vendored ones and commands.
func unimportable(p string) bool {
	for _, e := range strings.Split(p, "/") {
		if e == "internal" || e == "vendor" {
			return true
		}
	}
	return strings.HasPrefix(p, "cmd/")
}

// loadPackage reads a module package's real name and files.
func (c *candidate) loadPackage() {
	if c.loaded {
		return
	}
	c.loaded = true
	pkg, err := build.Default.ImportDir(c.dir, 0)
	if err != nil && !errors.As(err, new(*build.NoGoError)) {
		return
	}
	if err == nil {
		c.name = pkg.Name
		c.files = append(pkg.GoFiles, pkg.CgoFiles...)
	}
}

// exported returns the package's exported top-level names.
func (c *candidate) exported() map[string]bool {
	if c.exports != nil {
		return c.exports
	}
	c.exports = make(map[string]bool)
	fset := token.NewFileSet()
	for _, name := range c.files {
		f, err := parser.ParseFile(fset, filepath.Join(c.dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.IsExported() {
					c.exports[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							c.exports[s.Name.Name] = true
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								c.exports[n.Name] = true
							}
						}
					}
				}
			}
		}
	}
	return c.exports
}

// randOrder is the order in which goimports tries the packages named rand: crypto/rand first,
// then math/rand/v2, then math/rand.
var randOrder = []string{"crypto/rand", "math/rand/v2", "math/rand"}

// resolve picks the package named name that exports all of sels, from the first tier that has
// one (standard library, main module, direct dependencies, indirect dependencies). Within
// the tier it must be the only one, except for rand, where goimports' order decides.
func (r *goListResolver) resolve(name string, sels []string) (string, error) {
	if err := r.load(); err != nil {
		return "", err
	}
	cands := slices.Clone(r.byName[name])
	slices.SortFunc(cands, func(a, b *candidate) int {
		ia, ib := slices.Index(randOrder, a.path), slices.Index(randOrder, b.path)
		return cmp.Or(cmp.Compare(a.tier, b.tier),
			cmp.Compare(uint(ia), uint(ib)), // -1 (not listed) sorts last
			cmp.Compare(len(a.path), len(b.path)), strings.Compare(a.path, b.path))
	})
	refs := name + "." + strings.Join(sels, ", "+name+".")
	for tier := range tierNames {
		var fits []string
		for _, c := range cands {
			if c.tier != tier {
				continue
			}
			c.loadPackage()
			exp := c.exported()
			if c.name == name && !slices.ContainsFunc(sels, func(s string) bool { return !exp[s] }) {
				fits = append(fits, c.path)
			}
		}
		switch {
		case len(fits) == 1 || len(fits) > 1 && name == "rand" && tier == tierStd:
			return fits[0], nil
		case len(fits) > 1:
			return "", fmt.Errorf("%s: no import in the notebook provides %q and several packages of the %s match (%s); "+
				"import the one you mean in a cell", refs, name, tierNames[tier], strings.Join(fits, ", "))
		}
	}
	return "", fmt.Errorf("%s: no import in the notebook provides %q, and no package of the standard library or of "+
		"the current module's dependencies matches; import the package in a cell", refs, name)
}
