# Sourced by scripts/bench/run.sh and sweep.sh: makes the peers' Python packages ready and sets
# peers_site (pytorch-minimize, beside Debian's PyTorch, numpy, SciPy and statsmodels) and
# jax_site (JAX with the numpy and SciPy it needs, kept apart: JAX 0.10 needs numpy >= 2, under
# which Debian's statsmodels (pandas) fails to import and PyTorch 1.13's numpy bridge fails to
# initialise, so JAX runs in a process of its own).
#
# Debian packages: installed with apt-get when missing and we are root; otherwise it stops and
# says what to install. libopenblas0-pthread matters most: without it numpy and Debian's PyTorch
# run on the reference BLAS and every peer's matrix product is several times slower.
# Python packages: pip install --target, pinned, once (the folders are reused between runs).
debs=(python3-torch python3-scipy python3-statsmodels libopenblas0-pthread)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    # Wait for another apt or dpkg process's lock, at most APT_LOCK_TIMEOUT seconds, rather
    # than fail at once with "Could not get lock /var/lib/dpkg/lock-frontend": install waits
    # by itself (DPkg::Lock::Timeout); update ignores that option for the lists lock (apt
    # 2.6), so it is retried every 5 s, as in scripts/install-notebooks.sh.
    apt_timeout=${APT_LOCK_TIMEOUT:-600}
    echo "peers-setup: installing ${missing[*]}; apt-get waits up to ${apt_timeout}s (APT_LOCK_TIMEOUT) if another apt or dpkg process holds the lock" >&2
    apt_deadline=$((SECONDS + apt_timeout))
    until apt_out=$(apt-get update -qq 2>&1); do
      if ! grep -q 'Could not get lock' <<< "$apt_out" || ((SECONDS >= apt_deadline)); then
        echo "$apt_out" >&2
        echo "peers-setup: apt-get update failed" >&2
        exit 1
      fi
      sleep 5
    done
    DEBIAN_FRONTEND=noninteractive apt-get -o "DPkg::Lock::Timeout=$apt_timeout" install -y -qq "${missing[@]}" > /dev/null
  else
    echo "peers-setup: install the Debian packages ${missing[*]} (sudo apt-get install ${missing[*]}), then rerun" >&2
    exit 1
  fi
fi

peers_site=${PEERS_SITE:-/tmp/gomle-peers-site}
[ -d "$peers_site/torchmin" ] ||
  /usr/bin/python3 -m pip install -q --no-deps --target "$peers_site" pytorch-minimize==0.1.0

# JAX 0.10.2 is the newest that supports Python 3.11, Debian 12's; the rest are what pip chose
# for it on 2026-12-04, pinned so that reruns time the same code.
jax_site=${JAX_SITE:-/tmp/gomle-jax-site}
jax_pins=(jax==0.10.2 jaxlib==0.10.2 numpy==2.4.6 scipy==1.17.1 ml_dtypes==0.7.0 opt_einsum==3.4.0)
[ -d "$jax_site/jax-0.10.2.dist-info" ] ||
  /usr/bin/python3 -m pip install -q --no-deps --target "$jax_site" "${jax_pins[@]}"
