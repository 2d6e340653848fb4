package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/gomle/gomle/estimate"
)

// format is the -format flag: how to print a summary or a comparison.
type format string

func (f *format) String() string { return string(*f) }

func (f *format) Set(s string) error {
	switch s {
	case "text", "html", "md", "latex":
		*f = format(s)
		return nil
	}
	return fmt.Errorf("want text, html, md or latex, not %q", s)
}

// printable is what -format prints: a report, a saved summary or a comparison.
type printable interface {
	String() string
	HTML() string
	Markdown() string
	LaTeX() string
}

// print returns p in the format, text by default.
func (f format) print(p printable) string {
	switch f {
	case "html":
		return p.HTML()
	case "md":
		return p.Markdown()
	case "latex":
		return p.LaTeX()
	}
	return p.String()
}

// runShow prints a summary saved with -json, as fit printed it.
func runShow(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gomle show", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f format
	fs.Var(&f, "format", "print the summary as text, html, md (Markdown) or latex (default text)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: gomle show FILE.json [-format text|html|md|latex]\noptions:\n")
		fs.PrintDefaults()
	}
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{fmt.Sprintf("show takes one JSON file saved with -json, got %d arguments %q", len(pos), pos)}
	}
	s, err := estimate.LoadFile(pos[0])
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, f.print(s))
	return nil
}

// runTable prints saved summaries side by side (estimate.Compare).
func runTable(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gomle table", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f format
	fs.Var(&f, "format", "print the table as text, html, md (Markdown) or latex (default text)")
	stat := fs.Bool("stat", false, "z (t) statistics in parentheses instead of standard errors")
	stars := fs.Bool("stars", false, "mark p < 0.05 (*), 0.01 (**) and 0.001 (***)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: gomle table A.json B.json ... [-format text|html|md|latex] [-stat] [-stars]\noptions:\n")
		fs.PrintDefaults()
	}
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return &usageError{"table takes one or more JSON files saved with -json"}
	}
	var models []estimate.Summarizer
	for _, name := range pos {
		s, err := estimate.LoadFile(name)
		if err != nil {
			return err
		}
		models = append(models, s)
	}
	c := estimate.Compare(models...)
	c.Stat, c.Stars = *stat, *stars
	fmt.Fprint(stdout, f.print(c))
	return nil
}
