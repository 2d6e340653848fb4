package blog

import "testing"

// TestGenerate checks that Generate refuses a design it cannot fit (the simulation itself is
// internal/simdata's, tested there).
func TestGenerate(t *testing.T) {
	if _, err := Generate(5, 5, 1); err == nil {
		t.Error("Generate(5, 5) should fail: n must exceed k")
	}
}

func TestGenerateChunked(t *testing.T) {
	p, ds, err := GenerateChunked(nil, 1000, 3, 2, 300)
	if err != nil {
		t.Fatal(err)
	}
	whole, _ := Generate(1000, 3, 2)
	if ds.NumObs() != 1000 || ds.NumChunks() != 4 || p.X != nil {
		t.Errorf("%d observations in %d chunks, X kept: %v", ds.NumObs(), ds.NumChunks(), p.X != nil)
	}
	for j := range p.Beta {
		if p.Beta[j] != whole.Beta[j] {
			t.Errorf("β[%d] differs from Generate's: %v %v", j, p.Beta[j], whole.Beta[j])
		}
	}
	if _, _, err := GenerateChunked(nil, 1000, 3, 2, 0); err == nil {
		t.Error("chunks of 0 rows: no error")
	}
}
