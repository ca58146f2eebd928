#!/usr/bin/env bash
# scripts/setup.sh [--bench]
# Installs the Debian packages that rankpool's build and tests need -- only those missing.
# --bench adds the benchmark's peers (pandas for the tutorial's Python, mpi4py).
# Does nothing else: no build, no environment changes.
set -euo pipefail

packages=(
  cmake g++ make
  libopenmpi-dev openmpi-bin            # MPI
  libhdf5-openmpi-dev hdf5-tools        # parallel HDF5 1.10 + h5dump for cross-checks
  libcli11-dev nlohmann-json3-dev       # CLI parsing, JSON reports
  libcurl4-openssl-dev libssl-dev       # fetch: HTTP(S) transfers, SHA-256
  curl                                  # fetch benchmark peer (curl --parallel)
  catch2                                # unit and MPI tests
  python3 python3-numpy python3-h5py    # independent reader in the tests
  python3-fuse                          # a FUSE file system without byte-range locks (tests)
  python3-matplotlib                    # scaling plots (scripts/scaling.sh, scripts/plot-scaling)
  slurm-wlm munge                       # a single-node Slurm for the batch-script tests (scripts/slurm-local.sh)
  clang libclang-rt-14-dev              # libFuzzer targets (tests/fuzz/)
  llvm                                  # llvm-symbolizer: fast stack traces for the sanitizers
)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(python3-pandas python3-mpi4py)  # scripts/bench.sh: the tutorial's Python, mpi4py + h5py
elif [[ $# -gt 0 ]]; then
  echo "usage: scripts/setup.sh [--bench]" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo=()
if ((EUID != 0)); then
  command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
