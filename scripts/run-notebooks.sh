#!/usr/bin/env bash
# Executes every notebook in notebooks/ headless with the GoNB kernel and checks the results.
#   scripts/run-notebooks.sh [notebook.ipynb ...]     (default: notebooks/*.ipynb)
# Needs scripts/install-notebooks.sh to have run. Executed copies go to $NB_OUT (default
# a temporary folder). nbconvert fails on compile errors and timeouts, but not on a cell that
# panics at run time, so cmd/nbcheck then reads each executed notebook: errors, "exit
# status N", the image types and the numbers its metadata (gomle.require, gomle.checks) asks for.
# Exits non-zero, naming the notebook and cell, if any notebook fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(go env GOPATH)/bin:$(go env GOROOT)/bin:$PATH"
export GOMLX_NO_AUTO_INSTALL=1
out=${NB_OUT:-$(mktemp -d)}
mkdir -p "$out"
notebooks=("$@")
[ ${#notebooks[@]} -gt 0 ] || notebooks=(notebooks/*.ipynb)

go build -o "$out/nbcheck" ./cmd/nbcheck
failed=0
for nb in "${notebooks[@]}"; do
  name=$(basename "$nb")
  echo "== executing $nb"
  start=$SECONDS
  if ! /usr/bin/jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=1200 \
      --output-dir "$out" "$nb" > "$out/$name.log" 2>&1; then
    echo "FAIL $nb: nbconvert failed (compile error, failed go get or timeout); its log:"
    tail -40 "$out/$name.log"
    failed=1
    continue
  fi
  echo "   executed in $((SECONDS - start)) s"
  "$out/nbcheck" "$out/$name" || failed=1
done
if [ $failed -ne 0 ]; then
  echo "notebooks: FAILED (executed copies in $out)"
  exit 1
fi
echo "notebooks: all passed (executed copies in $out)"
