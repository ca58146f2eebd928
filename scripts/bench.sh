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
# Installs what is missing first (scripts/setup.sh bench).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

build="" args=()
while (($#)); do
  case $1 in
    --build) build=$(realpath -m "${2:?--build needs a folder}") ;;
    --runs|--n|--ranks|--out) args+=("$1" "${2:?$1 needs a value}") ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" 2 ;;
  esac
  shift 2
done

setup bench
targets=(rankpool rankpool-limits)
if [[ -z "$build" ]]; then
  build_release "${targets[@]}"
  build=$repo/build
else
  [[ -f "$build/CMakeCache.txt" ]] || cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" --parallel "$(build_jobs)" --target "${targets[@]}"
fi

# Every MPI contender alike: shared memory, no UCX probe.
allow_mpi_as_root
use_shared_memory_pml
exec "$python" "$repo/scripts/bench/bench.py" --build "$build" "${args[@]}"
