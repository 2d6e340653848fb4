#!/usr/bin/env bash
# Enforces the dependency direction of DESIGN.md: only plots imports GoNB's gonbui, the
# engine (mlx) imports none of stderr, likelihoods, plots or blog, and nothing imports scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
fail=0
deny() { # deny PACKAGE PATTERN WHY
  local bad
  bad=$(go list -deps "$1" | grep -E "$2" || true)
  if [ -n "$bad" ]; then echo "$1 must not depend on: $bad ($3)"; fail=1; fi
}
for p in ./mlx ./stderr ./likelihoods ./internal/...; do
  deny "$p" 'janpfeifer/gonb' "only plots may import gonbui"
done
deny ./mlx 'gomle/gomle/(stderr|likelihoods|plots|blog)$' "the engine knows nothing of models, tables or plots"
deny ./stderr 'gomle/gomle/(likelihoods|plots|blog)$' "stderr depends on mlx only"
deny ./likelihoods 'gomle/gomle/(stderr|plots|blog)$' "likelihoods depend on mlx only"
deny ./plots 'gomle/gomle/(likelihoods|blog)$' "plots depend on mlx and stderr only"
if go list -f '{{join .Imports "\n"}}' ./... | grep -q 'gomle/gomle/scripts'; then
  echo "nothing may import scripts/"; fail=1
fi
[ $fail -eq 0 ] && echo "imports: ok"
exit $fail
