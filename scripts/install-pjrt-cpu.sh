#!/usr/bin/env bash
# Installs XLA's PJRT CPU plugin where go-xla (and so gomle's backend choice) looks for it,
# $HOME/.local/lib/go-xla, so that with GOMLX_BACKEND unset gomle runs on XLA CPU.
#   scripts/install-pjrt-cpu.sh [DIR]        (DIR defaults to $HOME/.local/lib/go-xla)
#
# Where GitHub is reachable, prefer go-xla's own installer (it fetches the plugin version go-xla
# was tested with): go run github.com/gomlx/go-xla/cmd/pjrt_installer@latest -autoinstall
# These machines reach only package registries, so this script takes the same plugin from PyPI:
# the wheel lammps-jax-pjrt-cpu ships pjrt_c_api_cpu_plugin.so, XLA's CPU PJRT plugin built from
# jaxlib 0.11.2's XLA (checked here: gomlx v0.26.0 / go-xla v0.1.4 load it and pass our tests).
# Idempotent: a second run only checks the installed version. Exits non-zero on failure.
set -euo pipefail
WHEEL=lammps-jax-pjrt-cpu
VERSION=0.11.2
dir=${1:-$HOME/.local/lib/go-xla}
plugin=$dir/pjrt_c_api_cpu_plugin.so
stamp=$dir/pjrt_c_api_cpu_plugin.version

if [ -f "$plugin" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$WHEEL==$VERSION" ]; then
  echo "install-pjrt-cpu: $plugin is $WHEEL==$VERSION already"
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$tmp" "$WHEEL==$VERSION"
mkdir -p "$dir"
python3 - "$tmp" "$plugin.tmp" <<'PY'
import glob, shutil, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/*.whl")[0]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith("/pjrt_c_api_cpu_plugin.so"))
    with z.open(name) as src, open(sys.argv[2], "wb") as dst:
        shutil.copyfileobj(src, dst)
PY
mv "$plugin.tmp" "$plugin"
echo "$WHEEL==$VERSION" > "$stamp"
echo "install-pjrt-cpu: installed $plugin ($WHEEL==$VERSION, $(du -h "$plugin" | cut -f1))"
