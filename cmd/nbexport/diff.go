package main

import (
	"fmt"
	"strings"
)

// maxDiffCells bounds the work of the line diff: past it, the changed middle of the files is
// shown as all removed and all added.
const maxDiffCells = 4_000_000

// maxDiffLines bounds the number of lines unifiedDiff prints.
const maxDiffLines = 200

// diffOp is one line of a diff: ' ' kept, '-' only in the old text, '+' only in the new.
type diffOp struct {
	kind byte
	text string
}

// lineDiff returns a shortest-edit line diff from a to b: common prefix and suffix, and a
// longest common subsequence of the lines in between.
func lineDiff(a, b []string) []diffOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]

	var ops []diffOp
	for _, l := range a[:pre] {
		ops = append(ops, diffOp{' ', l})
	}
	if len(ma)*len(mb) > maxDiffCells {
		for _, l := range ma {
			ops = append(ops, diffOp{'-', l})
		}
		for _, l := range mb {
			ops = append(ops, diffOp{'+', l})
		}
	} else {
		// lcs[i][j] is the length of a longest common subsequence of ma[i:] and mb[j:].
		w := len(mb) + 1
		lcs := make([]int32, (len(ma)+1)*w)
		for i := len(ma) - 1; i >= 0; i-- {
			for j := len(mb) - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
				} else {
					lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
				}
			}
		}
		i, j := 0, 0
		for i < len(ma) || j < len(mb) {
			switch {
			case i < len(ma) && j < len(mb) && ma[i] == mb[j]:
				ops = append(ops, diffOp{' ', ma[i]})
				i++
				j++
			case i < len(ma) && (j == len(mb) || lcs[(i+1)*w+j] >= lcs[i*w+j+1]):
				ops = append(ops, diffOp{'-', ma[i]})
				i++
			default:
				ops = append(ops, diffOp{'+', mb[j]})
				j++
			}
		}
	}
	for _, l := range a[len(a)-suf:] {
		ops = append(ops, diffOp{' ', l})
	}
	return ops
}

// unifiedDiff returns a unified diff of two texts, with context lines of context around each
// change, or "" if they are equal. It prints at most maxDiffLines lines.
func unifiedDiff(aName, bName, a, b string, context int) string {
	if a == b {
		return ""
	}
	ops := lineDiff(splitLines(a), splitLines(b))
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", aName, bName)
	printed := 0
	aLine, bLine := make([]int, len(ops)+1), make([]int, len(ops)+1) // 1-based line before op i
	aLine[0], bLine[0] = 1, 1
	for i, op := range ops {
		aLine[i+1], bLine[i+1] = aLine[i], bLine[i]
		if op.kind != '+' {
			aLine[i+1]++
		}
		if op.kind != '-' {
			bLine[i+1]++
		}
	}
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		// A hunk: from context lines before this change to context lines after the last
		// change that is at most 2*context kept lines away.
		start := max(0, i-context)
		end := i
		for k := i; k < len(ops); k++ {
			if ops[k].kind != ' ' {
				end = k + 1
			} else if k-end >= 2*context {
				break
			}
		}
		end = min(len(ops), end+context)
		na, nb := 0, 0
		for _, op := range ops[start:end] {
			if op.kind != '+' {
				na++
			}
			if op.kind != '-' {
				nb++
			}
		}
		fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@\n", aLine[start], na, bLine[start], nb)
		for _, op := range ops[start:end] {
			if printed == maxDiffLines {
				out.WriteString("... (diff cut short)\n")
				return out.String()
			}
			out.WriteByte(op.kind)
			out.WriteString(op.text)
			out.WriteByte('\n')
			printed++
		}
		i = end
	}
	return out.String()
}

// splitLines splits a text into lines without their "\n".
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
