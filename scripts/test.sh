#!/usr/bin/env bash
# scripts/test.sh [CTEST ARGS...]
# Every test on a fresh machine: install what is missing, build (Release, in build/), run ctest
# (unit tests, MPI tests at 1-4 ranks, whole-program tests). Extra arguments go to ctest,
# e.g. scripts/test.sh -L unit
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --parallel

# The tests start mpirun as whoever runs them; in containers and CI that is root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ctest --preset release "$@"
