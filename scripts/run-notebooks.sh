#!/usr/bin/env bash
# Executes every notebook in notebooks/ headless with the GoNB kernel and checks the results.
#   scripts/run-notebooks.sh [notebook.ipynb ...]     (default: notebooks/*.ipynb)
# Needs scripts/install-notebooks.sh to have run. Executed copies go to $NB_OUT (default
# a temporary folder). nbconvert fails on compile errors and timeouts, but not on a cell that
# panics at run time, so cmd/nbcheck then reads each executed notebook: errors, "exit
# status N", the image types and the numbers its metadata (gomle.require, gomle.checks) asks for,
# and renders each executed notebook to HTML (beside it, name.html) and checks that page: every
# figure present and not blank, code highlighted as Go (cmd/nbcheck -html).
# Exits non-zero, naming the notebook and cell, if any notebook fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(go env GOPATH)/bin:$(go env GOROOT)/bin:$PATH"
export GOMLX_NO_AUTO_INSTALL=1
# Interactive cells (widgets wait for a browser) take their non-interactive path.
export GOMLE_HEADLESS=1
out=${NB_OUT:-$(mktemp -d)}
mkdir -p "$out"
# A fresh temporary folder for the kernels: GoNB's cache (blog-ols caches its report there) must
# not hand a check the numbers of an earlier run.
export TMPDIR="$out/tmp.$$"
mkdir -p "$TMPDIR"
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
  # nbclient replaces the notebook's language_info with the kernel's, whose pygments_lexer GoNB
  # leaves empty (nbconvert then highlights Go as Python): put back the notebook's own.
  /usr/bin/python3 - "$nb" "$out/$name" <<'PY'
import json, sys
src, dst = sys.argv[1], sys.argv[2]
with open(src) as f:
    info = json.load(f)["metadata"]["language_info"]
with open(dst) as f:
    nb = json.load(f)
nb["metadata"]["language_info"] = info
with open(dst, "w") as f:
    json.dump(nb, f, indent=1, ensure_ascii=False)
PY
  if ! /usr/bin/jupyter nbconvert --to html "$out/$name" > "$out/$name.html.log" 2>&1; then
    echo "FAIL $nb: the HTML export failed; its log:"
    tail -20 "$out/$name.html.log"
    failed=1
    continue
  fi
  "$out/nbcheck" -html "$out/$name" || failed=1
done
if [ $failed -ne 0 ]; then
  echo "notebooks: FAILED (executed copies in $out)"
  exit 1
fi
echo "notebooks: all passed (executed copies in $out)"
