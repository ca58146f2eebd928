#!/usr/bin/env bash
# scripts/run.sh [ARGS...]
# The main job on a fresh machine: install what is missing to build and run (scripts/setup.sh run),
# build (Release), then run
#   mpirun build/rankpool square ARGS
# on all cores (one rank per core; RANKPOOL_RANKS=N picks N ranks, more than the cores if you
# ask for it). Outputs land in the current folder (squares.h5 by default). Every argument goes to
# rankpool square: scripts/run.sh --help shows its options.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

setup run
build_release rankpool
allow_mpi_as_root
use_shared_memory_pml

ranks=()
if [[ -n ${RANKPOOL_RANKS:-} ]]; then
  ranks=(-np "$RANKPOOL_RANKS")
  oversubscribed "$RANKPOOL_RANKS" && ranks+=(--oversubscribe)
fi
exec mpirun -q "${ranks[@]}" "$repo/build/rankpool" square "$@"
