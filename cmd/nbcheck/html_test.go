package main

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
)

// pngData returns a 100×50 white PNG, base64-encoded, with a black bar of the given width.
func pngData(t *testing.T, bar int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 100, 50))
	for y := range 50 {
		for x := range 100 {
			c := color.RGBA{255, 255, 255, 255}
			if x < bar {
				c = color.RGBA{0, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

func TestHTMLProblems(t *testing.T) {
	nb := executed(t, `{}`, `{"output_type":"display_data","data":{"image/png":"iVBOR","text/plain":"fig"}}`)
	code := `<div class=" highlight hl-go"><pre><span class="kd">func</span></pre></div>`
	figure := `<img alt="No description has been provided for this image" src="data:image/png;base64,` + pngData(t, 10) + `">`
	for _, tc := range []struct {
		name, page string
		wantAny    []string // substrings of the problems; none means no problem
	}{
		{"good", code + figure, nil},
		{"missing", code, []string{"0 embedded PNG figures, the notebook has 1"}},
		{"blank", code + `<img src="data:image/png;base64,` + pngData(t, 0) + `">`, []string{"figure 1: blank: 0 of 5000 pixels"}},
		{"not-png", code + `<img src="data:image/png;base64,aGVsbG8=">`, []string{"figure 1: not a PNG"}},
		{"empty-svg", code + figure + `<svg width="453pt" height="161pt">` + "\n</svg>", []string{"SVG 1 is empty"}},
		{"drawn-svg", code + figure + `<svg width="453pt"><g><path d="M0 0"/></g></svg>`, nil},
		{"python", strings.ReplaceAll(code, "hl-go", "hl-ipython3") + figure, []string{"highlighted as ipython3, not go"}},
		{"no-code", figure, []string{"no highlighted code cell"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Join(htmlProblems(nb, []byte(tc.page)), "\n")
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
}
