package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// executed builds an executed notebook: cells of code with the given outputs, and metadata.
func executed(t *testing.T, meta string, outputs ...string) *notebook {
	t.Helper()
	cells := make([]string, len(outputs))
	for i, o := range outputs {
		cells[i] = `{"cell_type":"code","execution_count":1,"source":["%%\n","run()"],"outputs":[` + o + `]}`
	}
	raw := `{"cells":[{"cell_type":"markdown","source":"# title"},` + strings.Join(cells, ",") + `],"metadata":` + meta + `}`
	var nb notebook
	if err := json.Unmarshal([]byte(raw), &nb); err != nil {
		t.Fatal(err)
	}
	return &nb
}

func TestProblems(t *testing.T) {
	const meta = `{"gomle":{"require":["image/png","image/svg+xml"],
		"checks":[{"name":"ols","pattern":"(?m)^(L-BFGS|Newton) +\\S+ +(\\S+)$","max":1e-6,"min_matches":2}]}}`
	const good = `{"output_type":"stream","name":"stdout","text":["L-BFGS  3.9e-09  1.1e-08\n","Newton  9e-14  5e-13\n"]}`
	const images = `{"output_type":"display_data","data":{"image/png":"iVBOR","text/plain":"x"},"metadata":{}},
		{"output_type":"display_data","data":{"image/svg+xml":["<svg>","</svg>"]},"metadata":{}}`
	for _, tc := range []struct {
		name    string
		nb      *notebook
		wantAny []string // substrings of the problems; none means no problem
	}{
		{"clean", executed(t, meta, good, images), nil},
		{"panic", executed(t, meta, good, images,
			`{"output_type":"stream","name":"stderr","text":["panic: boom\n","\n","goroutine 1 [running]:\n","exit status 2\n"]}`),
			[]string{"cell 3", "program failed (exit status 2): panic: boom"}},
		{"error", executed(t, meta, good, images, `{"output_type":"error","ename":"ERROR","evalue":"undefined: x","traceback":[]}`),
			[]string{"error ERROR: undefined: x"}},
		{"missing-svg", executed(t, meta, good, `{"output_type":"display_data","data":{"image/png":"iVBOR"}}`),
			[]string{"no output of type image/svg+xml"}},
		{"number", executed(t, meta, `{"output_type":"stream","name":"stdout","text":"L-BFGS  3.9e-09  2e-05\nNewton 1e-14 1e-13\n"}`, images),
			[]string{`check "ols": "L-BFGS  3.9e-09  2e-05" gives 2e-05, want at most 1e-06`}},
		{"html-table", executed(t, meta, images, `{"output_type":"display_data","data":{"text/html":["<table><tr><th>L-BFGS</th><td>3.9e-09</td><td>1.1e-08</td></tr>\n","<tr><th>Newton</th><td>1e-14</td><td>3e-06</td></tr></table>"]}}`),
			[]string{`"Newton 1e-14 3e-06" gives 3e-06`}},
		{"below-min", executed(t, `{"gomle":{"checks":[{"name":"ratio","pattern":"ratio: (\\S+)","max":1,"min":0.5,"min_matches":1}]}}`,
			`{"output_type":"stream","name":"stdout","text":"ratio: 0.2\n"}`),
			[]string{`check "ratio": "ratio: 0.2" gives 0.2, want at least 0.5`}},
		{"too-few", executed(t, meta, `{"output_type":"stream","name":"stdout","text":"Newton 1e-14 1e-13\n"}`, images),
			[]string{`check "ols": 1 matches`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(problems(tc.nb), "\n")
			if len(tc.wantAny) == 0 && got != "" {
				t.Errorf("problems:\n%s\nwant none", got)
			}
			for _, want := range tc.wantAny {
				if !strings.Contains(got, want) {
					t.Errorf("problems:\n%s\nwant one containing %q", got, want)
				}
			}
		})
	}

	var nb notebook
	if err := json.Unmarshal([]byte(`{"cells":[{"cell_type":"code","execution_count":null,"source":"x := 1","outputs":[]}],"metadata":{}}`), &nb); err != nil {
		t.Fatal(err)
	}
	if got := problems(&nb); len(got) != 1 || !strings.Contains(got[0], "not executed") {
		t.Errorf("unexecuted cell: problems %v", got)
	}
}
