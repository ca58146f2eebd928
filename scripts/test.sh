#!/usr/bin/env bash
# scripts/test.sh [--sanitize] [CTEST ARGS...]
# Every test on a fresh machine: install what is missing (scripts/setup.sh test), build, run ctest
# (unit tests, MPI tests at 1-4 ranks, whole-program tests, the Slurm batch scripts, the fuzz corpora).
#   (default)   the Release build in build/ -- what users run
#   --sanitize  the same tests against the Debug build with AddressSanitizer and
#               UndefinedBehaviorSanitizer in build-sanitize/ (about twice as long; also installs
#               the dev tier, for llvm-symbolizer)
# Extra arguments go to ctest, e.g. scripts/test.sh -L unit
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$repo"

preset=release tiers=(test)
case ${1:-} in
  -h|--help) usage; exit 0 ;;
  --sanitize) preset=sanitize tiers+=(dev); shift ;;
esac

setup "${tiers[@]}"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" --parallel "$(build_jobs)"

# The tests start mpirun as whoever runs them; in containers and CI that is root.
allow_mpi_as_root
ctest --preset "$preset" "$@"
