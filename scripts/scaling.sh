#!/usr/bin/env bash
# scripts/scaling.sh --mode strong|weak (--ranks LIST [--nodes N] | --nodes LIST --ranks-per-node K)
#                    [--n N | --n-per-rank N] [--io LIST] [--repeat K] [--out DIR] [--launcher mpirun|srun]
#                    [--rankpool PATH] [--dtype D] [-- EXTRA ARGS]
# scripts/scaling.sh --collect --out DIR
#
# A strong- or weak-scaling study of `rankpool square`: for every io mode x rank count x repetition
# it runs `rankpool square --io IO --n N --dtype D --output DIR/scratch/... --report ...`
# (the scratch .h5 is deleted after each run) and keeps its JSON report as DIR/raw/<io>/p<ranks>/rep<k>.json,
# with rep<k>.meta.json (git revision, launcher, oversubscribed, command, wall time) and rep<k>.log.
# Then it writes DIR/results.csv (one row per run x phase), DIR/summary.csv and summary.md (medians,
# speedup, efficiency) and the plots (scripts/plot-scaling makes them again from any results.csv).
#
#   --mode strong     the same total --n (default 10000000) at every rank count
#   --mode weak       --n-per-rank (default 10000000) values per rank: n = ranks x that
#   --ranks LIST      rank counts, e.g. 1,2,4,8
#   --nodes N         with --ranks, inside a Slurm allocation: spread each rank count over N nodes (at most
#                     one per rank)
#   --nodes LIST --ranks-per-node K
#                     inside a Slurm allocation: for each node count N, N x K ranks, K on each of the
#                     allocation's first N nodes (srun -N N, or mpirun --host); results.csv, the summary
#                     and the plots carry each point's nodes and hosts
#   --io LIST         root, parallel or root,parallel (default root)
#   --repeat K        runs per point (default 3); the tables take medians over them
#   --out DIR         study folder (default runs/scaling-<mode>-<UTC time> in the repository)
#   --launcher L      srun (--mpi=pmix) inside a Slurm allocation (the default there), else mpirun
#                     (the default; $MPIEXEC if set, else mpirun on PATH)
#   --rankpool PATH   the binary (default build/rankpool in the repository)
#   --dtype D         the values' dtype (default int64)
#   -- ARGS           more `rankpool square` options for every run (--seed, --chunk, --compress, ...)
#   --collect         only (re)build the tables and plots from DIR's raw reports
#
# Interrupted and rerun with the same arguments and --out, it resumes: a point whose report exists
# is skipped. Rerun into the same DIR with other --ranks, --io or a larger --repeat, it adds points
# (several jobs may do so at once: one Slurm job per rank count); another mode, size, dtype or extra
# arguments is refused. Points with more ranks than cores run oversubscribed (mpirun --oversubscribe;
# never under srun) and are marked as such, never shown as scaling. RANKPOOL_CORES=N counts N cores
# per node instead of the physical cores this process may use.
# Exit codes: 0 done, 1 a run (or the tables) failed (points done so far are kept), 2 bad command
# line or DIR holds another study, 130/143 interrupted.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

collect=0
for arg in "$@"; do
  [[ $arg == -- ]] && break  # what follows goes to rankpool
  case $arg in
    -h|--help) usage; exit 0 ;;
    --collect) collect=1 ;;
  esac
done
if ((collect == 0)); then  # --collect starts no MPI job
  allow_mpi_as_root
  use_shared_memory_pml
fi
exec "$python" "$repo/scripts/scaling/sweep.py" "$@"
