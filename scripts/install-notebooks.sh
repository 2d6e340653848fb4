#!/usr/bin/env bash
# Installs what gomle's Go notebooks need on Debian 12 with Go >= 1.26 already installed:
# Jupyter (nbconvert/nbclient), goimports, gopls and the GoNB kernel, registered as "gonb".
#   scripts/install-notebooks.sh        (as root, or as a user with sudo for apt-get)
# Idempotent: every step checks first and is skipped when already done, so a second run
# only checks (about a second) and changes nothing. Uses only Debian apt and the Go module
# proxy, never GitHub. Exits non-zero on any failure.
# Run a notebook headless afterwards (no PATH setup needed, see the kernel spec below):
#   jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 nb.ipynb --output out.ipynb
# A run-time panic does NOT make nbconvert fail: check stderr outputs for "exit status N".
set -euo pipefail

GONB_VERSION=v0.11.1
XTOOLS_VERSION=v0.52.0 # golang.org/x/tools, for goimports (its go.mod says go 1.26.0)
GOPLS_VERSION=v0.23.0  # golang.org/x/tools/gopls; v0.24.0 needs go >= 1.27

# Jupyter comes from Debian bookworm, not PyPI: the packages run on /usr/bin/python3 (the
# python3 first on PATH may be a pyenv one without them), their versions are frozen by the
# stable release (jupyter-client 7.4.9, nbconvert 6.5.3, nbclient 0.7.2) and were tested
# with GoNB v0.11.1, and there is no venv or dependency pinning to maintain. Neither
# ipykernel nor the notebook server is needed to execute notebooks headless.
APT_PKGS=(jupyter-core jupyter-client jupyter-nbconvert python3-nbclient python3-nbformat)

log() { printf 'install-notebooks: %s\n' "$*"; }
trap 'log "FAILED at line $LINENO"' ERR
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# --- 1. Jupyter (apt) ---
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
# Another apt or dpkg process (unattended-upgrades, a second install) holds the dpkg and apt
# lists locks while it runs: wait for them, at most APT_LOCK_TIMEOUT seconds (default 600),
# instead of failing at once with "Could not get lock /var/lib/dpkg/lock-frontend".
# apt-get install waits by itself with DPkg::Lock::Timeout; apt-get update (apt 2.6) ignores
# that option for /var/lib/apt/lists/lock, so it is retried every 5 s until the deadline.
APT_LOCK_TIMEOUT=${APT_LOCK_TIMEOUT:-600}
apt_wait=(-o "DPkg::Lock::Timeout=$APT_LOCK_TIMEOUT")
apt_update() {
  local deadline=$((SECONDS + APT_LOCK_TIMEOUT)) out said=""
  while ! out=$($sudo apt-get "${apt_wait[@]}" update -qq 2>&1); do
    if ! grep -q 'Could not get lock' <<<"$out" || ((SECONDS >= deadline)); then
      printf '%s\n' "$out" >&2
      return 1
    fi
    [[ -n $said ]] || log "waiting for another apt process: $(grep -m1 'Could not get lock' <<<"$out")"
    said=1
    sleep 5
  done
}
if ((${#missing[@]})); then
  sudo=""; [[ $(id -u) == 0 ]] || sudo=sudo
  log "installing apt packages ${missing[*]}; if another apt or dpkg process holds the lock, this waits for it (at most ${APT_LOCK_TIMEOUT}s, APT_LOCK_TIMEOUT)"
  apt_update || { log "apt-get update failed (a lock still held after ${APT_LOCK_TIMEOUT}s, or no network?)"; exit 1; }
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get "${apt_wait[@]}" install -y -qq --no-install-recommends "${missing[@]}" ||
    { log "apt-get install failed (the dpkg lock still held after ${APT_LOCK_TIMEOUT}s?)"; exit 1; }
  log "installed apt packages: ${missing[*]}"
fi

# --- 2. Go tools ---
export PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null || { log "go not found (expected Go >= 1.26 in /usr/local/go)"; exit 1; }
# Only the proxy, no ",direct": a module the proxy lacks fails instead of going to GitHub.
export GOPROXY="${GOPROXY:-https://proxy.golang.org}"
bin=$(go env GOBIN); bin=${bin:-$(go env GOPATH | cut -d: -f1)/bin}
export PATH="$bin:$PATH" # gonb --install and the kernel look up go, goimports, gopls here

# have BINARY MODULE VERSION: is $bin/BINARY built from MODULE@VERSION?
have() {
  [[ -x $bin/$1 ]] && [[ $(go version -m "$bin/$1" | awk -v m="$2" '$1=="mod" && $2==m {print $3}') == "$3" ]]
}
if ! have goimports golang.org/x/tools "$XTOOLS_VERSION"; then
  go install "golang.org/x/tools/cmd/goimports@$XTOOLS_VERSION"
  log "installed goimports (golang.org/x/tools $XTOOLS_VERSION)"
fi
if ! have gopls golang.org/x/tools/gopls "$GOPLS_VERSION"; then
  go install "golang.org/x/tools/gopls@$GOPLS_VERSION"
  log "installed gopls $GOPLS_VERSION"
fi
# `go install github.com/janpfeifer/gonb@v0.11.1` fails: it asks the proxy for gonb's version
# list (to look for deprecations) and the proxy answers 403. `go get` in a throwaway module
# does not need that list.
if ! have gonb github.com/janpfeifer/gonb "$GONB_VERSION"; then
  (cd "$tmp" && go mod init gonbinstall >/dev/null 2>&1 &&
    go get "github.com/janpfeifer/gonb@$GONB_VERSION" && go install github.com/janpfeifer/gonb)
  log "installed gonb $GONB_VERSION"
fi

# --- 3. Kernel spec ---
# Written by `gonb --install` to $(jupyter --data-dir)/kernels/gonb (JUPYTER_DATA_DIR is honoured).
# --raw_error puts compile errors in the cell's error output as text (visible in nbconvert's log).
# We add env.PATH so the kernel finds go, goimports and gopls even when jupyter is started
# without them on PATH (jupyter_client expands ${PATH} from its own environment).
kdir="$(/usr/bin/jupyter --data-dir)/kernels/gonb"
kpath="$bin:$(go env GOROOT)/bin:\${PATH}"
if ! /usr/bin/python3 - "$kdir/kernel.json" "$bin/gonb" "$kpath" <<'EOF' 2>/dev/null; then
import json, sys
k = json.load(open(sys.argv[1]))
sys.exit(not (k["argv"][0] == sys.argv[2] and "--raw_error" in k["argv"]
              and k.get("env", {}).get("PATH") == sys.argv[3]))
EOF
  gonb --install --raw_error
  /usr/bin/python3 - "$kdir/kernel.json" "$kpath" <<'EOF'
import json, sys
k = json.load(open(sys.argv[1]))
k.setdefault("env", {})["PATH"] = sys.argv[2]
json.dump(k, open(sys.argv[1], "w"), indent=1)
EOF
  log "registered the gonb kernel in $kdir"
fi

# --- Summary ---
log "versions:"
dpkg-query -W -f='  ${Package} ${Version}\n' "${APT_PKGS[@]}"
for b in goimports gopls gonb; do
  go version -m "$bin/$b" | awk -v b="$bin/$b" '$1=="mod" {print "  " b, $2, $3; exit}'
done
echo "  $(go version)"
log "kernel gonb: $kdir"
log "done in ${SECONDS}s"
