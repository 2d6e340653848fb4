#!/usr/bin/env bash
# Enforces the dependency direction of DESIGN.md: only plots imports GoNB's gonbui, the
# optimizers (optim) link no GoMLX and no other gomle package, the engine (mlx) imports none of
# our model, inference, data or plotting packages, the parsers (expr, frame) know nothing of
# models, and nothing imports scripts/ or cmd/.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
deny() { # deny PACKAGE PATTERN WHY
  local bad
  bad=$(go list -deps "$1" | grep -E "$2" || true)
  if [ -n "$bad" ]; then echo "$1 must not depend on: $bad ($3)"; fail=1; fi
}
for p in ./optim ./mlx ./stderr ./likelihoods ./expr ./frame ./estimate ./nist ./cmd/... ./internal/...; do
  deny "$p" 'janpfeifer/gonb' "only plots may import gonbui"
done
bad=$(go list -deps ./optim | grep -E '^github\.com/(gomlx|gomle/gomle)/' | grep -vx 'github.com/gomle/gomle/optim' || true)
if [ -n "$bad" ]; then echo "./optim must not depend on: $bad (optim links gonum and the standard library only)"; fail=1; fi
deny ./mlx 'gomle/gomle/(stderr|likelihoods|plots|blog|expr|frame|estimate)$' "the engine knows nothing of models, tables, data or plots"
deny ./stderr 'gomle/gomle/(likelihoods|plots|blog|expr|frame|estimate)$' "stderr depends on mlx only"
deny ./likelihoods 'gomle/gomle/(stderr|plots|blog|expr|frame|estimate)$' "likelihoods depend on mlx only"
deny ./plots 'gomle/gomle/(likelihoods|blog|expr|frame|estimate)$' "plots depend on mlx and stderr only"
deny ./expr 'gomle/gomle/(mlx|stderr|likelihoods|plots|blog|frame|estimate|internal/.*)$' "expr is a leaf: it builds graphs and evaluates on the host"
deny ./frame 'gomle/gomle/(mlx|stderr|likelihoods|plots|blog|estimate)$' "frame depends on expr only"
deny ./estimate 'gomle/gomle/(plots|blog|nist)$' "estimate reports text, HTML and JSON; plotting is the caller's"
if go list -f '{{join .Imports "\n"}}' ./... | grep -qE 'gomle/gomle/(scripts|cmd)'; then
  echo "nothing may import scripts/ or cmd/"; fail=1
fi
[ $fail -eq 0 ] && echo "imports: ok"
exit $fail
