#!/usr/bin/env bash
# scripts/slurm/submit-scaling.sh (--ranks LIST [--nodes N] | --nodes LIST --ranks-per-node K)
#                                  [--time T] [--partition P] [--out DIR] [--sbatch OPTION]... [--wait]
#                                  [scaling.sh ARGS...]
#
# The scaling study (scripts/scaling.sh) on a Slurm cluster: one batch job per point, each with
# exactly its tasks (and nodes), running
#   scripts/scaling.sh --ranks P [--nodes N] --launcher srun --out DIR [scaling.sh ARGS...]
# (or --nodes N --ranks-per-node K) and adding its points to DIR, then one job that waits for all
# of them (afterok) and runs
#   scripts/scaling.sh --collect --out DIR
# to build the tables and plots. (Not a job array: the jobs need different sizes.) The point jobs
# run one after another (--dependency=afterany on the previous one) and --exclusive: points that
# shared nodes, memory or disks with each other, or with other jobs, would not be measurements.
# Prints the job ids and DIR, and returns once everything is submitted.
#
#   --ranks LIST     rank counts, e.g. 1,2,4,8: one job per rank count
#   --nodes N        with --ranks: spread each job over N nodes (at most one node per rank); default: Slurm's
#   --nodes LIST --ranks-per-node K
#                    scaling over nodes: one job per node count N, with N x K ranks, K on each node
#                    (e.g. --nodes 1,2,4,8 --ranks-per-node 32); the tables and plots show the node counts
#   --time T         time limit of each point job (sbatch --time, e.g. 00:30:00); default: the partition's
#   --partition P    submit to partition P
#   --out DIR        output folder (default runs/scaling-<date>-<time> in the current folder)
#   --sbatch OPTION  one more sbatch option for every job, e.g. --sbatch --exclusive --sbatch --account=abc
#   --wait           block until the collect job ends; print every job's state; exit 0 only when the
#                    collect job COMPLETED (a failed point cancels it: sbatch --kill-on-invalid-dep)
# Everything else goes to scripts/scaling.sh, e.g.:
#   scripts/slurm/submit-scaling.sh --ranks 1,2,4,8,16,32 --time 00:20:00 --mode strong --n 400000000 --repeat 5
#   scripts/slurm/submit-scaling.sh --ranks 1,2,4,8 --mode weak --n-per-rank 50000000 --io root,parallel
#   scripts/slurm/submit-scaling.sh --nodes 1,2,3 --ranks-per-node 2 --mode strong --n 100000000 --io root,parallel
#   scripts/slurm/submit-scaling.sh --ranks 2,4 --mode strong --n 100000000 -- --chunk 1000000 --compress 4
#
# The jobs run build/rankpool of $RANKPOOL_ROOT if set, else of this repository (give scaling.sh
# --rankpool PATH for another binary); every job's log is in DIR/slurm/. They use srun --mpi=pmix,
# so the cluster's Slurm needs the pmix plugin (`srun --mpi=list`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

ranks='' nodes='' per_node='' time='' partition='' out='' wait=0 extra=() pass=() own_binary=0
while (($#)); do
  case $1 in
    --ranks|--nodes|--ranks-per-node|--time|--partition|--out|--sbatch)
      (($# >= 2)) || die "$1 needs a value" 2
      case $1 in
        --ranks) ranks=$2 ;; --nodes) nodes=$2 ;; --ranks-per-node) per_node=$2 ;; --time) time=$2 ;;
        --partition) partition=$2 ;; --out) out=$2 ;; --sbatch) extra+=("$2") ;;
      esac
      shift 2 ;;
    --wait) wait=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) pass+=("$@"); break ;;  # rankpool square options for scaling.sh: passed on untouched
    --launcher|--launcher=*|--collect|--ranks=*|--out=*)
      die "$1: set by $me itself (see --help)" 2 ;;
    --rankpool|--rankpool=*) own_binary=1; pass+=("$1"); shift ;;
    *) pass+=("$1"); shift ;;
  esac
done
# positive_list NAME LIST: the numbers of a comma-separated LIST into the array `numbers`.
positive_list() {
  IFS=, read -r -a numbers <<<"$2"
  ((${#numbers[@]})) || die "$1: empty list" 2
  local v
  for v in "${numbers[@]}"; do [[ $v =~ ^[1-9][0-9]*$ ]] || die "$1: '$v' is not a positive number" 2; done
}
# Each point: "ranks nodes" (nodes empty: Slurm's choice), and the scaling.sh options that make it.
points_todo=()
if [[ -n $per_node ]]; then
  [[ -z $ranks ]] || die "give --ranks LIST or --nodes LIST --ranks-per-node K, not both" 2
  [[ -n $nodes ]] || die "--ranks-per-node needs --nodes LIST, e.g. --nodes 1,2,4 --ranks-per-node 8" 2
  positive_list --ranks-per-node "$per_node"
  ((${#numbers[@]} == 1)) || die "--ranks-per-node: one number, e.g. 8" 2
  positive_list --nodes "$nodes"
  for n in "${numbers[@]}"; do points_todo+=("$((n * per_node)) $n"); done
else
  [[ -n $ranks ]] || die "--ranks LIST (or --nodes LIST --ranks-per-node K) is required, e.g. --ranks 1,2,4,8 (see --help)" 2
  [[ -z $nodes || $nodes =~ ^[1-9][0-9]*$ ]] ||
    die "--nodes: '$nodes' is not a positive number (a list of node counts goes with --ranks-per-node K)" 2
  positive_list --ranks "$ranks"
  for p in "${numbers[@]}"; do points_todo+=("$p ${nodes:+$((p < nodes ? p : nodes))}"); done
fi

scaling=$repo/scripts/scaling.sh
[[ -x $scaling ]] || die "$scaling is missing"
command -v sbatch >/dev/null || die "sbatch is missing: run this on a Slurm login node"
root=${RANKPOOL_ROOT:-$repo}
if ((!own_binary)); then
  root=$(cd "$root" 2>/dev/null && pwd) || die "RANKPOOL_ROOT=$RANKPOOL_ROOT: no such folder"
  require_rankpool "$root"
  pass=(--rankpool "$root/build/rankpool" "${pass[@]}")
fi

if [[ -z $out ]]; then
  out=runs/scaling-$(date +%Y%m%d-%H%M%S)
  base=$out suffix=1
  while [[ -e $out ]]; do suffix=$((suffix + 1)); out=$base-$suffix; done
fi
mkdir -p "$out/slurm" || die "cannot create $out/slurm"
out=$(cd "$out" && pwd)

common=(--parsable --chdir "$PWD" "${extra[@]}")
[[ -n $partition ]] && common+=(--partition "$partition")
submitted=()
cancel_submitted() { ((${#submitted[@]})) && scancel "${submitted[@]}" 2>/dev/null; true; }

# submit OPTIONS... -- COMMAND...: submits a job that runs COMMAND; its id goes to $job_id.
submit() {
  local options=() script id
  while [[ $1 != -- ]]; do options+=("$1"); shift; done
  shift
  printf -v script '#!/bin/bash\nexec %s\n' "$(printf '%q ' "$@")"
  if ! id=$(sbatch "${common[@]}" "${options[@]}" <<<"$script"); then
    cancel_submitted
    die "sbatch failed (jobs submitted so far cancelled: ${submitted[*]:-none})"
  fi
  job_id=${id%%;*}  # --parsable: id[;cluster]
  submitted+=("$job_id")
}

echo "$me: output folder $out"
points=()
for point in "${points_todo[@]}"; do
  read -r p n <<<"$point"
  options=(--job-name "rankpool-scaling-p$p" --ntasks "$p" --output "$out/slurm/ranks-$p-%j.out")
  which=(--ranks "$p")
  if [[ -n $per_node ]]; then
    options+=(--nodes "$n" --ntasks-per-node "$per_node")
    which=(--nodes "$n" --ranks-per-node "$per_node")
  elif [[ -n $n ]]; then
    options+=(--nodes "$n")
    which+=(--nodes "$n")
  fi
  [[ -n $time ]] && options+=(--time "$time")
  # One point at a time, on nodes of its own: points sharing memory, disks or nodes would time each other.
  options+=(--exclusive)
  ((${#points[@]})) && options+=(--dependency "afterany:${points[-1]}")
  submit "${options[@]}" -- "$scaling" "${which[@]}" --launcher srun --out "$out" "${pass[@]}"
  points+=("$job_id")
  echo "$me: ranks $p${n:+ on $n node(s)}: job $job_id"
done
dependency=afterok:$(IFS=:; echo "${points[*]}")
submit --job-name rankpool-scaling-collect --ntasks 1 --time 00:10:00 --dependency "$dependency" \
  --kill-on-invalid-dep=yes --output "$out/slurm/collect-%j.out" -- "$scaling" --collect --out "$out"
collect=$job_id
echo "$me: collect: job $collect (after ${points[*]})"
echo "$me: logs in $out/slurm/; results in $out once job $collect is done"
((wait)) || exit 0

# --wait: poll until the collect job has ended, noting each job's last state while Slurm still
# knows it (a finished job is forgotten after the cluster's MinJobAge).
# (Empty, never a failure, for a job Slurm no longer knows.)
job_field() { { scontrol show job "$1" 2>/dev/null || true; } | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1; }
terminal='^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE)$'
declare -A last_seen
while true; do
  for id in "${points[@]}" "$collect"; do
    seen="$(job_field "$id" JobName): $(job_field "$id" JobState) exit $(job_field "$id" ExitCode)"
    [[ $seen == ': exit ' ]] || last_seen[$id]=$seen
  done
  state=$(job_field "$collect" JobState)
  [[ -z $state || $state =~ $terminal ]] && break
  sleep 2
done
for id in "${points[@]}" "$collect"; do
  echo "$me: job $id ${last_seen[$id]:-(ended; no longer known to Slurm)}"
done
if [[ $state == COMPLETED ]]; then
  echo "$me: done: results in $out"
  exit 0
fi
echo "$me: the collect job ended ${state:-(no longer known to Slurm)}; see the logs in $out/slurm/" >&2
exit 1
