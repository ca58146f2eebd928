#!/usr/bin/env bash
# scripts/run.sh [ARGS...]
# The main job on a fresh machine: install what is missing, build (Release), then run
#   mpirun build/rankpool square ARGS
# on all cores (one rank per core; RANKPOOL_RANKS=N picks N ranks, more than the cores if you
# ask for it). Outputs land in the current folder (squares.h5 by default).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

"$repo/scripts/setup.sh"
(cd "$repo" && cmake --preset release >/dev/null && cmake --build --preset release --parallel --target rankpool)

if ((EUID == 0)); then
  # Containers and CI run as root; Open MPI refuses that unless told otherwise.
  echo "run.sh: running as root, so allowing Open MPI to run as root (OMPI_ALLOW_RUN_AS_ROOT=1)" >&2
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
if [[ -z "${OMPI_MCA_pml:-}" && -z "${SLURM_JOB_ID:-}" ]]; then
  # One machine: ranks talk through shared memory (ob1 + vader). Left to itself, Open MPI first
  # probes UCX for a fast network, which costs ~0.3 s of start-up on a machine without one.
  export OMPI_MCA_pml=ob1
fi
ranks=()
if [[ -n "${RANKPOOL_RANKS:-}" ]]; then
  ranks=(-np "$RANKPOOL_RANKS")
  if ((RANKPOOL_RANKS > $(nproc))); then
    echo "run.sh: $RANKPOOL_RANKS ranks on $(nproc) cores: oversubscribing (timings will not show scaling)" >&2
    ranks+=(--oversubscribe)
  fi
fi
exec mpirun -q "${ranks[@]}" "$repo/build/rankpool" square "$@"
