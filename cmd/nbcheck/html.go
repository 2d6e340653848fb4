package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/png"
	"regexp"
)

var (
	pngImage = regexp.MustCompile(`<img[^>]*src="data:image/png;base64,([A-Za-z0-9+/=\s]+)"`)
	svgOpen  = regexp.MustCompile(`(?s)<svg\b[^>]*>(.*?)</svg>`)
	svgDraws = regexp.MustCompile(`<(path|g|rect|text|line|polyline|polygon|circle|use|image)\b`)
	// nbconvert marks each code cell's highlighted source with the Pygments lexer it used.
	lexerClass = regexp.MustCompile(`class="[^"]*\bhighlight hl-([A-Za-z0-9_+-]+)"`)
)

// htmlProblems checks nbconvert's HTML export of an executed notebook: every figure (every
// image/png output of nb) appears as an embedded PNG that is not blank, no SVG is empty (the
// nbconvert 6.5 failure: an SVG figure exported with its contents stripped), and the code is
// highlighted as Go.
func htmlProblems(nb *notebook, page []byte) []string {
	var out []string
	want := 0
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if _, ok := o.Data["image/png"]; ok {
				want++
			}
		}
	}
	images := pngImage.FindAllSubmatch(page, -1)
	if len(images) < want {
		out = append(out, fmt.Sprintf("HTML export: %d embedded PNG figures, the notebook has %d", len(images), want))
	}
	for i, m := range images {
		if why := blankPNG(m[1]); why != "" {
			out = append(out, fmt.Sprintf("HTML export: figure %d: %s", i+1, why))
		}
	}
	for i, m := range svgOpen.FindAllSubmatch(page, -1) {
		if !svgDraws.Match(m[1]) {
			out = append(out, fmt.Sprintf("HTML export: SVG %d is empty", i+1))
		}
	}
	lexers := lexerClass.FindAllSubmatch(page, -1)
	if len(lexers) == 0 {
		out = append(out, "HTML export: no highlighted code cell")
	}
	for _, m := range lexers {
		if string(m[1]) != "go" {
			out = append(out, fmt.Sprintf("HTML export: code highlighted as %s, not go (the notebook's language_info.pygments_lexer)", m[1]))
			break
		}
	}
	return out
}

// blankPNG returns why the base64 PNG is no figure (it does not decode, or it has fewer than
// 1% of its pixels unlike the corner pixel, the background), or "" if it is one.
func blankPNG(b64 []byte) string {
	raw, err := base64.StdEncoding.DecodeString(string(bytes.Join(bytes.Fields(b64), nil)))
	if err != nil {
		return fmt.Sprintf("not base64: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return fmt.Sprintf("not a PNG: %v", err)
	}
	r := img.Bounds()
	bg := img.At(r.Min.X, r.Min.Y)
	br, bgG, bb, ba := bg.RGBA()
	drawn := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, ca := img.At(x, y).RGBA()
			if cr != br || cg != bgG || cb != bb || ca != ba {
				drawn++
			}
		}
	}
	if total := r.Dx() * r.Dy(); drawn*100 < total {
		return fmt.Sprintf("blank: %d of %d pixels differ from the background", drawn, total)
	}
	return ""
}
