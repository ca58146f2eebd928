#!/usr/bin/env bash
# scripts/test.sh [--sanitize] [CTEST ARGS...]
# Every test on a fresh machine: install what is missing, build, run ctest (unit tests, MPI tests
# at 1-4 ranks, whole-program tests, the Slurm batch scripts, the fuzz corpora).
#   (default)   the Release build in build/ -- what users run
#   --sanitize  the same tests against the Debug build with AddressSanitizer and
#               UndefinedBehaviorSanitizer in build-sanitize/ (about twice as long)
# Extra arguments go to ctest, e.g. scripts/test.sh -L unit
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

preset=release
if [[ "${1:-}" == "--sanitize" ]]; then
  preset=sanitize
  shift
fi

scripts/setup.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --parallel

# The tests start mpirun as whoever runs them; in containers and CI that is root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ctest --preset "$preset" "$@"
