#!/usr/bin/env bash
# scripts/bench.sh [--runs K] [--n N] [--ranks P] [--out DIR] [--build DIR]
#
# The square benchmark: the tutorial's pandas + multiprocessing code, the same MPI job in
# mpi4py + h5py, rankpool square --io root and --io parallel, rankpool-limits (the best each
# phase could cost) and an empty MPI program, alternating round-robin, K runs each after one
# warm-up round. Prints the table (medians, spread, peak memory, phases, ratios, goals) and
# writes it to DIR/square-<host>-<UTC time>.{md,csv} plus every run to ...-runs.csv.
# Defaults: 10 runs, N=10000000, 2 ranks, bench/results, build/ (cmake --preset release).
# --build DIR builds (or configures, if new) a Release build in DIR instead of build/.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-/usr/bin/python3}  # Debian's, with numpy, pandas, h5py and mpi4py
build="" args=()
while (($#)); do
  case $1 in
    --build) build=$(realpath -m "${2:?--build needs a folder}") ;;
    --runs|--n|--ranks|--out) args+=("$1" "${2:?$1 needs a value}") ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift 2
done

"$repo/scripts/setup.sh" --bench
targets=(--target rankpool rankpool-limits)
if [[ -z "$build" ]]; then
  (cd "$repo" && cmake --preset release >/dev/null && cmake --build --preset release --parallel "${targets[@]}")
  build=$repo/build
else
  [[ -f "$build/CMakeCache.txt" ]] || cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" --parallel "${targets[@]}"
fi

if ((EUID == 0)); then
  # Containers and CI run as root; Open MPI refuses that unless told otherwise.
  echo "bench.sh: running as root, so allowing Open MPI to run as root (OMPI_ALLOW_RUN_AS_ROOT=1)" >&2
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
if [[ -z "${OMPI_MCA_pml:-}" ]]; then
  # One machine: shared memory (ob1 + vader) for every MPI contender alike. Open MPI's default
  # first probes UCX for a fast network, ~0.3 s of start-up here that no program can avoid.
  echo "bench.sh: OMPI_MCA_pml=ob1 (shared memory; set OMPI_MCA_pml to choose otherwise)" >&2
  export OMPI_MCA_pml=ob1
fi
exec "$python" "$repo/scripts/bench/bench.py" --build "$build" "${args[@]}"
