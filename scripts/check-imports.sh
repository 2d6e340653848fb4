#!/usr/bin/env bash
# Enforces the dependency direction of DESIGN.md: only plots imports GoNB's gonbui, the
# optimizers (optim) link no GoMLX and no gomle package but internal/linalg, the engine (mlx) imports none of
# our model, inference, data or plotting packages, the parsers (expr, frame) know nothing of
# models and link no GoMLX package, only package backend links backend implementations
# (go-xla, GoMLX's xla and simplego), no library package or library test imports examples/,
# nothing imports cmd/, and scripts/ holds no Go.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
deny() { # deny PACKAGE PATTERN WHY
  local bad n
  bad=$(go list -deps "$1" | grep -E "$2" || true)
  [ -z "$bad" ] && return
  # go list -deps lists dependencies before their importers: the last ones are the closest to
  # PACKAGE, and name the import to remove.
  n=$(wc -l <<<"$bad")
  echo "$1 must not depend on $n package(s), among them $(tail -n 3 <<<"$bad" | paste -sd ' ' -) ($3)"
  fail=1
}
# cmd/blog-ols and cmd/bench draw figures, so they link gonbui through plots, as notebooks do.
for p in ./optim ./mlx ./stderr ./likelihoods ./expr/... ./frame ./estimate ./validation/... ./backend ./cmd/gomle ./cmd/nist ./cmd/nbexport ./cmd/nbcheck ./internal/...; do
  deny "$p" 'janpfeifer/gonb' "only plots may import gonbui"
done
bad=$(go list -deps ./optim | grep -E '^github\.com/(gomlx|gomle/gomle)/' | grep -vx -e "github.com/gomle/gomle/optim" -e "github.com/gomle/gomle/internal/linalg" || true)
if [ -n "$bad" ]; then echo "./optim must not depend on: $bad (optim links gonum, the standard library and internal/linalg only)"; fail=1; fi
deny ./mlx 'gomle/gomle/(stderr|likelihoods|plots|examples/.*|expr(/.*)?|frame|estimate|backend)$' "the engine knows nothing of models, tables, data or plots, and takes its backend from the caller"
deny ./stderr 'gomle/gomle/(likelihoods|plots|examples/.*|expr(/.*)?|frame|estimate|backend)$' "stderr depends on mlx only"
deny ./likelihoods 'gomle/gomle/(stderr|plots|examples/.*|expr(/.*)?|frame|estimate|backend)$' "likelihoods depend on mlx only"
deny ./plots 'gomle/gomle/(likelihoods|examples/.*|expr(/.*)?|frame|estimate|backend)$' "plots depend on mlx and stderr only"
deny ./expr 'gomle/gomle/(mlx|stderr|likelihoods|plots|examples/.*|frame|estimate|backend|expr/.*|internal/.*)$' "expr is a leaf: it parses and evaluates on the host"
deny ./expr/exprgraph 'gomle/gomle/(mlx|stderr|likelihoods|plots|examples/.*|frame|estimate|backend|internal/.*)$' "exprgraph depends on expr and GoMLX's graph only"
deny ./frame 'gomle/gomle/(mlx|stderr|likelihoods|plots|examples/.*|estimate|backend|expr/.*)$' "frame depends on expr only"
deny ./estimate 'gomle/gomle/(plots|examples/.*|validation/.*)$' "estimate reports text, HTML and JSON; plotting is the caller's"
deny ./backend 'gomle/gomle/(mlx|stderr|likelihoods|plots|examples/.*|expr(/.*)?|frame|estimate|validation/.*)$' "backend only chooses and creates a GoMLX backend"
# nb stops notebook cells on errors (log.Fatal): a library must return them instead.
for p in ./optim ./mlx ./stderr ./likelihoods ./expr/... ./frame ./estimate ./validation/... ./backend ./plots ./internal/...; do
  deny "$p" 'gomle/gomle/nb$' "nb is the notebooks' helper package, which stops the program on errors"
done
# The parsers link no GoMLX package at all: reading a CSV file or a formula needs no graph engine.
for p in ./frame ./expr; do
  deny "$p" '^github\.com/gomlx/' "the parsers work on the host; graph building lives in expr/exprgraph"
done
# Backend implementations come only from package backend (or the caller), so the engine and the
# libraries on it link neither go-xla (cgo, PJRT) nor GoMLX's xla or pure-Go backends.
for p in ./mlx ./stderr ./likelihoods ./plots ./expr/exprgraph; do
  deny "$p" '^github\.com/gomlx/go-xla(/|$)|^github\.com/gomlx/gomlx/backends/(xla|simplego)(/|$)' "only package backend links backend implementations"
done
# Library tests, examples included, simulate their own data (internal/simdata) rather than
# import the examples: the engine is tested without the demo.
lib="./optim ./mlx ./stderr ./likelihoods ./plots ./expr/... ./frame ./estimate ./backend ./internal/..."
bad=$(go list -f '{{.ImportPath}}: {{join .TestImports " "}} {{join .XTestImports " "}}' $lib | grep -E 'gomle/gomle/examples/' || true)
if [ -n "$bad" ]; then echo "library tests must not import examples/: $bad"; fail=1; fi
if go list -f '{{join .Imports "\n"}}' ./... | grep -qE 'gomle/gomle/cmd(/|$)'; then
  echo "nothing may import cmd/"; fail=1
fi
# Every Go program lives under cmd/; scripts/ holds shell and Python only.
stray=$(find scripts -name '*.go' | head -3)
if [ -n "$stray" ]; then echo "Go files under scripts/ ($stray): programs belong under cmd/"; fail=1; fi
[ $fail -eq 0 ] && echo "imports: ok"
exit $fail
