#!/usr/bin/env bash
# scripts/setup.sh [TIER...]
# scripts/setup.sh --list [TIER...]
#
# Installs the Debian packages a purpose needs -- only those missing; nothing else (no build, no
# environment changes). Every tier includes run; name several for all of them (setup.sh test dev).
#   run    (the default) build and run rankpool: CMake, g++, Open MPI, parallel HDF5, CLI11,
#          nlohmann-json, libcurl and OpenSSL (scripts/run.sh)
#   test   + what the tests use: Catch2, h5dump, Python with numpy, h5py, FUSE and matplotlib,
#          a local Slurm (slurm-wlm, munge), pgrep, and for the HTTPS tests nginx, the openssl
#          command and tinyproxy (scripts/test.sh)
#   bench  + the peers and tools of the benchmarks and scaling studies: pandas, mpi4py, h5py,
#          matplotlib, curl, wget2, aria2, nginx with its echo module (scripts/bench.sh,
#          scripts/bench-fetch.sh, scripts/scaling.sh)
#   dev    + clang and libFuzzer, llvm-symbolizer for the sanitizers' stack traces, clang-format 14
#          (scripts/fuzz.sh, scripts/test.sh --sanitize, scripts/check-format.sh)
# --list prints the packages of the tiers, one a line, and installs nothing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

run=(
  cmake g++ make
  libopenmpi-dev openmpi-bin          # MPI
  libhdf5-openmpi-dev                 # parallel HDF5 1.10
  libcli11-dev nlohmann-json3-dev     # command line, JSON reports
  libcurl4-openssl-dev libssl-dev     # fetch: HTTP(S) transfers, SHA-256
)
test=(
  catch2                              # unit and MPI tests
  hdf5-tools                          # h5dump: a second reader of the outputs
  python3 python3-numpy python3-h5py  # the whole-program tests
  python3-fuse                        # a FUSE file system without byte-range locks
  python3-matplotlib                  # the scaling study's plots
  slurm-wlm munge                     # a single-node Slurm for the batch scripts (scripts/slurm-local.sh)
  procps                              # pgrep (tests/helpers/job_control.py)
  nginx-light openssl tinyproxy       # a real TLS server with HTTP/2 and a real proxy for the HTTPS tests
)
bench=(
  python3 python3-numpy python3-h5py  # the Python contenders and their HDF5 output
  python3-pandas                      # the tutorial's code
  python3-mpi4py                      # the same MPI job in mpi4py
  python3-matplotlib                  # the scaling study's plots
  curl                                # curl --parallel, the fetch benchmark's peer
  wget2 aria2                         # the fetch benchmark's peers
  nginx-light libnginx-mod-http-echo  # and its server; the echo module answers after a delay
)
dev=(
  clang libclang-rt-14-dev            # libFuzzer targets (tests/fuzz/)
  llvm                                # llvm-symbolizer: fast stack traces for the sanitizers
  clang-format-14                     # scripts/check-format.sh (the format is clang-format 14's)
)

packages=("${run[@]}") named=() list=0
for arg in "$@"; do
  case $arg in
    run) ;;
    test) packages+=("${test[@]}") ;;
    bench | --bench) packages+=("${bench[@]}") ;;  # --bench: the old spelling
    dev) packages+=("${dev[@]}") ;;
    --list) list=1; continue ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown tier or option '$arg': say run, test, bench or dev (see --help)" 2 ;;
  esac
  named+=("${arg#--}")
done
mapfile -t packages < <(printf '%s\n' "${packages[@]}" | awk '!seen[$0]++')

if ((list)); then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "$me: all ${#packages[@]} packages of '${named[*]:-run}' present"
  exit 0
fi

echo "$me: installing ${missing[*]}"
sudo=()
if ((EUID != 0)); then
  command -v sudo >/dev/null || die "need root (or sudo) to install: ${missing[*]}"
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
