// Command nbexport turns a GoNB notebook into a standalone Go program: the file that GoNB
// v0.11.1 compiles for the notebook's main cell, gofmt-formatted, with a "Code generated ...
// DO NOT EDIT." header.
//
//	go run ./cmd/nbexport notebooks/probit.ipynb                  # program on stdout
//	go run ./cmd/nbexport notebooks/probit.ipynb -o cmd/probit/main.go
//	go run ./cmd/nbexport notebooks/probit.ipynb -check cmd/probit/main.go   # for CI
//
// Flags may come before or after the notebook.
//
//	-o FILE       write the program to FILE instead of stdout.
//	-check FILE   regenerate and compare with FILE; if they differ (or FILE is missing), print
//	              a unified diff and exit 1. Nothing is written.
//	-main SEL     the cell whose main is exported (default "last"): "last", "only" (there must
//	              be exactly one cell with a main), a cell number N (counting every cell of the
//	              notebook from 1, markdown included) or a cell id.
//	-env=false    drop the %env settings instead of setting them as defaults in the program.
//	-v            list on stderr what was dropped (shell lines, magics, skipped cells).
//
// Exit status: 0 done (or -check found no difference), 1 -check found a difference, 2 usage
// or notebook error.
//
// # Semantics
//
// nbexport replays the notebook's code cells from the top, as GoNB runs them (see GoNB's
// internal/specialcmd/help.md and internal/goexec):
//
//   - Markdown and raw cells are ignored. A cell whose first line is a cell magic (%%writefile,
//     %%script, %%bash, %%sh) is not Go and is skipped.
//   - Special lines begin, after an optional "//gonb:" prefix, with '%' or '!' and have two
//     characters or more; a special line ending in '\' continues on the next line. They are not
//     Go. Shell lines ("!cmd", "!*cmd") are dropped, and so are all % commands except those below.
//   - A "%%" or "%main" line wraps the rest of its cell in func main() { flag.Parse(); ... };
//     the lines before it stay top-level declarations. "%exec f" is func main() { flag.Parse();
//     f() }. A cell may also declare func main itself. Arguments after %%, %main, %exec or in
//     %args are dropped: the header lists those of the exported main's cell, to pass by hand.
//   - Declarations (imports, funcs, methods, types, vars, consts) accumulate across cells. A
//     later declaration of a name replaces the earlier one, as GoNB memorizes them by name
//     (methods by type and name, imports by the name they bind). Where the earlier declaration
//     shares a spec with other names, the replaced name becomes "_" (which keeps iota values and
//     the other variables of var a, b = f()), or its spec is cut from a parenthesized var or
//     type declaration. Each func init_x becomes func init, as in GoNB.
//   - %reset forgets all declarations so far, and %rm/%remove KEY the named ones, as in GoNB.
//   - Only one main is exported: that of the cell chosen by -main, by default the last cell
//     with a main (the main that GoNB's main.go holds after a top-to-bottom run). The program
//     is what GoNB compiles when that cell runs: declarations of the cells after it are left
//     out. With -main only, several cells with a main are an error. Of a %test cell, the test,
//     benchmark, fuzz and example functions are left out (GoNB memorizes them); its other
//     declarations are kept. %wasm cells are left out whole: their code targets js/wasm.
//   - %env NAME VALUE (or NAME=VALUE) settings up to that cell become defaults that the
//     program sets before anything else of it initializes, unless the environment already has
//     the variable: the program behaves like the notebook and can still be configured from
//     outside. A first package-level `var _ = func() int {...}()` sets them, so the program's
//     own variable initializers and init functions see them; imported packages initialize
//     earlier and do not. -env=false drops them.
//   - %goflags are not applied; the header lists the last ones, to pass to go build by hand.
//     %cd, %args, %goworkfix, %autoget, %with_inputs, %help and the other commands are dropped.
//   - Imports: the notebook's imports are kept if the program uses the name they bind (blank,
//     dot and "C" imports always); unused ones are dropped, and _ "embed" is added for
//     //go:embed directives, as goimports does. Names bound by imports are assumed from the
//     path, as goimports assumes them (gopkg.in/yaml.v3 binds yaml).
//   - A package name used as X in X.Sel that no import provides gets an import, as GoNB's
//     goimports adds one (this project's notebooks import nothing). The candidates are the
//     packages of that name which export all the selected names, taken from the first of these
//     tiers that has one, in goimports' order: the standard library, the main module of the
//     current directory, its direct dependencies, its indirect dependencies (modules already in
//     the module cache; nothing is downloaded, go.mod is not changed). That matches a notebook
//     whose kernel module uses the checkout (go work use "${GONB_DIR}/.."), so run nbexport from
//     inside the module. Internal packages never match. Several candidates in the tier are an
//     error asking for an explicit import, except for rand, where goimports' order decides
//     (crypto/rand, math/rand/v2, math/rand). Where GoNB could find more (the whole module
//     cache), write the import in the notebook.
//   - Declarations come in notebook order, main last, the header first. Comments attached to a
//     declaration (doc comments, line comments) and comments inside main are kept; comments
//     standing alone between declarations are dropped, as GoNB drops them.
//
// Compared with copying GoNB's $GONB_TMP_DIR/main.go out of a running kernel, the output keeps
// the notebook's order and comments, is gofmt-formatted and needs no kernel. It also accepts
// a few notebooks that GoNB v0.11.1 itself rejects: redefining one
// constant of a const block (GoNB keeps the old block and fails with "redeclared"; here the
// old name becomes "_"), using a of var a, b = f() after redefining b (GoNB forgets a), two
// blank imports, and methods of two generic types with the same name (GoNB's keys collide).
// The first two were checked by running the kernel, the last two read from its source.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command: it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("nbexport", flag.ContinueOnError)
	fset.SetOutput(stderr)
	outFile := fset.String("o", "", "write the program to `FILE` instead of stdout")
	checkFile := fset.String("check", "", "compare the program with `FILE`; exit 1 with a diff if they differ")
	mainSel := fset.String("main", "last", "the cell whose main is exported: last, only, a cell number or a cell id")
	env := fset.Bool("env", true, "set the notebook's %env settings first thing in the program, unless already set")
	verbose := fset.Bool("v", false, "list what was dropped on stderr")
	fset.Usage = func() {
		fmt.Fprintln(stderr, "usage: nbexport NOTEBOOK.ipynb [-o FILE | -check FILE] [-main last|only|N|ID] [-env=false] [-v]")
		fset.PrintDefaults()
	}
	// Flags may follow the notebook: parse again after each positional argument.
	var positional []string
	for rest := args; ; {
		if err := fset.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fset.NArg() == 0 {
			break
		}
		positional = append(positional, fset.Arg(0))
		rest = fset.Args()[1:]
	}
	if len(positional) != 1 {
		fset.Usage()
		return 2
	}
	if *outFile != "" && *checkFile != "" {
		fmt.Fprintln(stderr, "nbexport: -o and -check exclude each other")
		return 2
	}
	nbPath := positional[0]
	name := displayPath(nbPath)
	data, err := os.ReadFile(nbPath)
	if err != nil {
		fmt.Fprintf(stderr, "nbexport: %v\n", err)
		return 2
	}
	flags := outputFlags(fset)
	res, err := exportNotebook(data, options{notebook: name, main: *mainSel, env: *env, flags: flags})
	if err != nil {
		fmt.Fprintf(stderr, "nbexport: %s: %v\n", name, err)
		return 2
	}
	if *verbose {
		fmt.Fprintf(stderr, "nbexport: %s: exported the main of cell %d\n", name, res.mainCell)
		for _, n := range res.notes {
			fmt.Fprintf(stderr, "nbexport: %s: %s\n", name, n)
		}
	}

	switch {
	case *checkFile != "":
		old, err := os.ReadFile(*checkFile)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(stderr, "nbexport: %v\n", err)
			return 2
		}
		if err == nil && string(old) == string(res.source) {
			return 0
		}
		regen := strings.Join(append(append([]string{"go", "run", "./cmd/nbexport", nbPath}, flags...), "-o", *checkFile), " ")
		if err != nil {
			fmt.Fprintf(stderr, "nbexport: %s does not exist; generate it with:\n\t%s\n", *checkFile, regen)
			return 1
		}
		diff := unifiedDiff(*checkFile, "nbexport "+name, string(old), string(res.source), 3)
		added, removed := 0, 0
		for l := range strings.Lines(diff) {
			switch {
			case strings.HasPrefix(l, "+++ "), strings.HasPrefix(l, "--- "):
			case strings.HasPrefix(l, "+"):
				added++
			case strings.HasPrefix(l, "-"):
				removed++
			}
		}
		fmt.Fprintf(stderr, "nbexport: %s is out of date with %s (%d lines differ: -%d +%d); regenerate it with:\n\t%s\n%s",
			*checkFile, name, added+removed, removed, added, regen, diff)
		return 1
	case *outFile != "":
		if err := os.WriteFile(*outFile, res.source, 0o644); err != nil {
			fmt.Fprintf(stderr, "nbexport: %v\n", err)
			return 2
		}
	default:
		if _, err := stdout.Write(res.source); err != nil {
			fmt.Fprintf(stderr, "nbexport: %v\n", err)
			return 2
		}
	}
	return 0
}

// displayPath is the notebook's path as the header shows it: slash-separated, and relative to
// the current directory when it was given as an absolute path below it, so that the output
// does not depend on where the checkout lives.
func displayPath(p string) string {
	if filepath.IsAbs(p) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
				p = rel
			}
		}
	}
	return filepath.ToSlash(filepath.Clean(p))
}

// outputFlags returns the flags given that change the output, -main and -env, as
// "-name=value".
func outputFlags(fset *flag.FlagSet) []string {
	var flags []string
	fset.Visit(func(f *flag.Flag) {
		if f.Name == "main" || f.Name == "env" {
			flags = append(flags, "-"+f.Name+"="+f.Value.String())
		}
	})
	return flags
}
