package plots

// This is the only file of gomle that imports GoNB: everything else works, and is tested,
// without a notebook.

import (
	"fmt"
	"html"
	"strconv"
	"sync"
	"time"

	"github.com/gomle/gomle/internal/guard"
	"github.com/gomle/gomle/optim"
	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// IsNotebook reports whether the program runs as a GoNB notebook cell, where Display and
// Progress show their output. Outside a notebook they do nothing.
func IsNotebook() bool { return gonbui.IsNotebook }

// Display shows the figure in a GoNB notebook as one image/png output, drawn at DefaultDPI
// for sharpness, with the figure's title as its text/plain form for text exports. It then
// waits until GoNB has received the output (gonbui.Sync), so that a display sent just before
// the cell's program exits is not lost.
//
// PNG alone, not PNG and SVG: with both, nbconvert's HTML export picks the SVG, and the
// nbconvert that scripts/install-notebooks.sh installs (Debian's 6.5) strips the SVG's
// contents, so every figure of an exported page was an empty box; JupyterLab, too, preferred
// the SVG. Figure.SVG still writes the vector form to a file. GoNB's DisplaySvg is not used
// either: it sends the SVG as text/html. Outside a notebook Display does nothing, renders
// nothing and returns nil. In a notebook it returns an error if the figure cannot be rendered
// or the connection to GoNB has failed.
func Display(f *Figure) error {
	if !gonbui.IsNotebook {
		return nil
	}
	png, err := f.PNG()
	if err != nil {
		return err
	}
	// No display metadata (such as the PNG's width): GoNB carries outputs to the kernel with
	// encoding/gob, which rejects nested maps in the metadata (measured: "gob: type not
	// registered for interface: map[string]interface {}"), and the kernel would have to
	// register the type too.
	gonbui.SendData(&protocol.DisplayData{
		Data: map[protocol.MIMEType]any{
			protocol.MIMEImagePNG:  png,
			protocol.MIMETextPlain: f.Title,
		},
	})
	gonbui.Sync()
	if err := gonbui.Error(); err != nil {
		return fmt.Errorf("plots: displaying %q: %w", f.Title, err)
	}
	return nil
}

// HTMLer is a value that writes itself as an HTML fragment, such as *stderr.Table.
type HTMLer interface {
	HTML() string
}

// DisplayTable shows t in a GoNB notebook as one output holding t.HTML() as text/html and,
// if t is also a fmt.Stringer (as *stderr.Table is), t.String() as text/plain, the form that
// text exports of the notebook show. It then waits until GoNB has received it (gonbui.Sync).
// Outside a notebook it does nothing and returns nil. In a notebook it returns an error for a
// nil table or a failed connection to GoNB.
func DisplayTable(t HTMLer) error {
	if !gonbui.IsNotebook {
		return nil
	}
	if t == nil {
		return fmt.Errorf("plots: DisplayTable of a nil table")
	}
	data := make(map[protocol.MIMEType]any)
	err := guard.Run(func() error { // a typed nil table panics in its methods
		data[protocol.MIMETextHTML] = t.HTML()
		if s, ok := t.(fmt.Stringer); ok {
			data[protocol.MIMETextPlain] = s.String()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("plots: DisplayTable: %w", err)
	}
	gonbui.SendData(&protocol.DisplayData{Data: data})
	gonbui.Sync()
	if err := gonbui.Error(); err != nil {
		return fmt.Errorf("plots: displaying a table: %w", err)
	}
	return nil
}

// ProgressInterval is the shortest time between two updates of a Progress display: more
// often than five times a second only loads the notebook and the fit.
const ProgressInterval = 200 * time.Millisecond

// Progress shows a fit's progress live in a GoNB notebook: a one-row HTML table (method,
// iteration, log-likelihood, largest absolute gradient entry, evaluations, elapsed time)
// that is updated in place, at most once per ProgressInterval. Use its Record method as
// optim.Settings.Recorder and call Done when the fit returns:
//
//	prog := plots.NewProgress("L-BFGS")
//	res, err := mlx.Fit(b, model, data, &mlx.Settings{Settings: optim.Settings{Recorder: prog.Record}}, nil)
//	prog.Done()
//
// Outside a notebook Record and Done do nothing. A Progress is safe for use by several
// goroutines.
type Progress struct {
	name     string
	id       string
	interval time.Duration
	// send shows HTML in the output block id; nil outside a notebook.
	send func(id, html string)
	now  func() time.Time

	mu       sync.Mutex
	last     optim.Iteration
	have     bool      // at least one record arrived
	lastSent time.Time // when the display was last updated
	done     bool
}

// NewProgress returns a progress display for a fit of the named method. The display appears
// with the first record.
func NewProgress(name string) *Progress {
	p := &Progress{name: name, interval: ProgressInterval, now: time.Now}
	if gonbui.IsNotebook {
		p.id = "gomle-progress-" + gonbui.UniqueId()
		p.send = gonbui.UpdateHTML
	}
	return p
}

// Record takes one iteration's record and updates the display if ProgressInterval has passed
// since the last update. Its signature is that of optim.Settings.Recorder. Records after Done
// are ignored.
func (p *Progress) Record(it optim.Iteration) {
	if p.send == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	p.last, p.have = it, true
	if now := p.now(); !p.lastSent.IsZero() && now.Sub(p.lastSent) < p.interval {
		return
	}
	p.show(false)
}

// Done shows the last record, marked as finished, and ends the display: later records are
// ignored. Call it when the fit returns, whatever its outcome.
func (p *Progress) Done() {
	if p.send == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	p.done = true
	p.show(true)
	gonbui.Sync()
}

// show sends the current state; p.mu must be held.
func (p *Progress) show(final bool) {
	p.send(p.id, progressHTML(p.name, p.last, p.have, final))
	p.lastSent = p.now()
}

// progressHTML writes the progress table. Without a record yet it shows dashes.
func progressHTML(name string, it optim.Iteration, have, final bool) string {
	cells := []string{"–", "–", "–", "–", "–"}
	if have {
		cells = []string{
			strconv.Itoa(it.Iter),
			strconv.FormatFloat(it.LogLike, 'g', 12, 64),
			strconv.FormatFloat(it.GradNorm, 'e', 3, 64),
			strconv.Itoa(it.Evaluations),
			strconv.FormatFloat(it.Elapsed.Seconds(), 'f', 3, 64) + " s",
		}
	}
	state := "running…"
	if final {
		state = "done"
	}
	const td = `<td style="text-align:right;padding:0 0.8em">`
	s := `<table style="font-variant-numeric:tabular-nums"><tr>` +
		`<th>method</th><th>iteration</th><th>log-likelihood</th><th>max |gradient|</th><th>evaluations</th><th>elapsed</th><th></th></tr>` +
		`<tr><td style="padding:0 0.8em">` + html.EscapeString(name) + `</td>`
	for _, c := range cells {
		s += td + c + `</td>`
	}
	return s + `<td>` + state + `</td></tr></table>`
}
