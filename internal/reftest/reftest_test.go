package reftest

import (
	"slices"
	"testing"
)

// TestRead reads every reference file and checks the two layouts of marginal effects: a vector
// (Stata's margins) and one row per outcome (R's ordered models).
func TestRead(t *testing.T) {
	names := Names()
	if len(names) != 14 || !slices.Contains(names, "spector_logit.json") || !slices.Contains(names, "ordered/anes96_oprobit.json") {
		t.Fatalf("reference files %v", names)
	}
	for _, name := range names {
		r := Read(t, name)
		if len(r.keys) == 0 {
			t.Errorf("%s: no fields", name)
		}
	}
	m := Read(t, "spector_logit_margins.json")
	if !m.Has("ame") || len(m.AME) != 3 || len(m.AMESE) != 3 || m.AMEByOutcome != nil || m.Has("params") {
		t.Errorf("Stata margins: ame %v (se %v), by outcome %v", m.AME, m.AMESE, m.AMEByOutcome)
	}
	o := Read(t, "ordered/anes96_ologit.json")
	if o.AME != nil || len(o.AMEByOutcome) != 7 || len(o.AMEByOutcome[0]) != 5 || len(o.AMEByOutcomeSE) != 7 || len(o.MEM) != 7 || len(o.Params) != 11 {
		t.Errorf("R ordered: ame %v, by outcome %d rows, mem %d rows, %d params", o.AME, len(o.AMEByOutcome), len(o.MEM), len(o.Params))
	}
}
