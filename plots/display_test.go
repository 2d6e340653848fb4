package plots

import (
	"strings"
	"testing"
	"time"

	"github.com/gomle/gomle/optim"
)

// These tests run outside a notebook (GONB_PIPE unset), where the display functions must do
// nothing; Progress's throttling is tested through its send and clock hooks.

func TestDisplayOutsideNotebook(t *testing.T) {
	if IsNotebook() {
		t.Skip("running inside a GoNB notebook")
	}
	if err := Display(nil); err != nil { // renders nothing, so not even a nil figure fails
		t.Errorf("Display: %v", err)
	}
	if err := DisplayTable(nil); err != nil {
		t.Errorf("DisplayTable: %v", err)
	}
	p := NewProgress("L-BFGS")
	if p.send != nil {
		t.Fatal("Progress would send outside a notebook")
	}
	p.Record(optim.Iteration{Iter: 1})
	p.Done()
}

// sent is one update a Progress sent.
type sent struct {
	at   time.Duration // fake time since the start
	html string
}

// fakeProgress returns a Progress with a fake clock, advanced by the returned function, that
// records what it sends.
func fakeProgress(name string) (*Progress, *[]sent, func(time.Duration)) {
	start := time.Unix(1_000_000, 0)
	now := start
	var log []sent
	p := &Progress{name: name, id: "test", interval: ProgressInterval, now: func() time.Time { return now }}
	p.send = func(id, html string) {
		if id != "test" {
			panic("wrong id " + id)
		}
		log = append(log, sent{now.Sub(start), html})
	}
	return p, &log, func(d time.Duration) { now = now.Add(d) }
}

func TestProgressThrottle(t *testing.T) {
	p, log, advance := fakeProgress("SGD")
	// 100 records 10 ms apart: 1 s in all, so the first record and then one per 200 ms.
	for i := range 100 {
		p.Record(optim.Iteration{Iter: i, LogLike: -float64(i), GradNorm: 1, Evaluations: i + 1, Elapsed: time.Duration(i) * 10 * time.Millisecond})
		advance(10 * time.Millisecond)
	}
	var at []time.Duration
	for _, s := range *log {
		at = append(at, s.at)
	}
	want := []time.Duration{0, 200 * time.Millisecond, 400 * time.Millisecond, 600 * time.Millisecond, 800 * time.Millisecond}
	if len(at) != len(want) {
		t.Fatalf("updates at %v, want %v", at, want)
	}
	for i := range at {
		if at[i] != want[i] {
			t.Fatalf("updates at %v, want %v", at, want)
		}
	}
	if last := (*log)[len(*log)-1].html; !strings.Contains(last, "<td style=\"text-align:right;padding:0 0.8em\">80</td>") || !strings.Contains(last, "running") {
		t.Errorf("the update at 800 ms does not show iteration 80, running: %s", last)
	}
	// Done always shows the last record, marked done, even within 200 ms of an update.
	p.Done()
	final := (*log)[len(*log)-1].html
	if len(*log) != 6 || !strings.Contains(final, ">99</td>") || !strings.Contains(final, "done") {
		t.Errorf("Done sent %d updates in all, last %s", len(*log), final)
	}
	// Nothing after Done.
	advance(time.Second)
	p.Record(optim.Iteration{Iter: 100})
	p.Done()
	if len(*log) != 6 {
		t.Errorf("%d updates after Done, want none", len(*log)-6)
	}
}

func TestProgressDoneWithoutRecords(t *testing.T) {
	p, log, _ := fakeProgress("Newton")
	p.Done()
	if len(*log) != 1 || !strings.Contains((*log)[0].html, "–") || !strings.Contains((*log)[0].html, "done") {
		t.Errorf("Done without records sent %v", *log)
	}
}

func TestProgressHTML(t *testing.T) {
	it := optim.Iteration{Iter: 12, LogLike: -71062.83261, GradNorm: 0.00321, Evaluations: 15, Elapsed: 1234 * time.Millisecond}
	got := progressHTML("<b>&", it, true, false)
	for _, want := range []string{"&lt;b&gt;&amp;", ">12<", ">-71062.83261<", ">3.210e-03<", ">15<", ">1.234 s<", "running…"} {
		if !strings.Contains(got, want) {
			t.Errorf("progress HTML lacks %q: %s", want, got)
		}
	}
}
