package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

// cellSource is one cell of a notebook, as read from the .ipynb file.
type cellSource struct {
	index  int    // 1-based position among all cells of the notebook, markdown included
	id     string // the nbformat ≥ 4.5 cell id, or ""
	kind   string // "code", "markdown" or "raw"
	source string
}

// readNotebook returns the cells of an nbformat 4 notebook.
func readNotebook(data []byte) ([]cellSource, error) {
	var nb struct {
		NBFormat int `json:"nbformat"`
		Cells    []struct {
			Type   string          `json:"cell_type"`
			ID     string          `json:"id"`
			Source json.RawMessage `json:"source"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(data, &nb); err != nil {
		return nil, fmt.Errorf("not a notebook: %w", err)
	}
	if nb.NBFormat != 4 {
		return nil, fmt.Errorf("nbformat %d is not supported, only nbformat 4", nb.NBFormat)
	}
	cells := make([]cellSource, len(nb.Cells))
	for i, c := range nb.Cells {
		src, err := joinSource(c.Source)
		if err != nil {
			return nil, fmt.Errorf("cell %d: %w", i+1, err)
		}
		cells[i] = cellSource{index: i + 1, id: c.ID, kind: c.Type, source: src}
	}
	return cells, nil
}

// joinSource decodes a cell's "source", which nbformat allows to be one string or a list of
// strings (lines that keep their "\n") to concatenate.
func joinSource(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var parts []string
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", fmt.Errorf("source is neither a string nor a list of strings")
	}
	return strings.Join(parts, ""), nil
}
