#!/usr/bin/env bash
# scripts/slurm/submit-scaling.sh --ranks LIST [--nodes N] [--time T] [--partition P] [--out DIR]
#                                  [--sbatch OPTION]... [--wait] [scaling.sh ARGS...]
#
# The scaling study (scripts/scaling.sh) on a Slurm cluster: one batch job per rank count, each
# with exactly that many tasks, running
#   scripts/scaling.sh --ranks P --launcher srun --out DIR [scaling.sh ARGS...]
# and adding its points to DIR, then one job that waits for all of them (afterok) and runs
#   scripts/scaling.sh --collect --out DIR
# to build the tables and plots. (Not a job array: the jobs need different sizes.) The point jobs
# run one after another (--dependency=afterany on the previous one) and --exclusive: points that
# shared nodes, memory or disks with each other, or with other jobs, would not be measurements.
# Prints the job ids and DIR, and returns once everything is submitted.
#
#   --ranks LIST     rank counts, e.g. 1,2,4,8 (required)
#   --nodes N        spread each job over N nodes (at most one node per rank); default: Slurm's choice
#   --time T         time limit of each point job (sbatch --time, e.g. 00:30:00); default: the partition's
#   --partition P    submit to partition P
#   --out DIR        output folder (default runs/scaling-<date>-<time> in the current folder)
#   --sbatch OPTION  one more sbatch option for every job, e.g. --sbatch --exclusive --sbatch --account=abc
#   --wait           block until the collect job ends; print every job's state; exit 0 only when the
#                    collect job COMPLETED (a failed point cancels it: sbatch --kill-on-invalid-dep)
# Everything else goes to scripts/scaling.sh, e.g.:
#   scripts/slurm/submit-scaling.sh --ranks 1,2,4,8,16,32 --time 00:20:00 --mode strong --n 400000000 --repeat 5
#   scripts/slurm/submit-scaling.sh --ranks 1,2,4,8 --mode weak --n-per-rank 50000000 --io root,parallel
#   scripts/slurm/submit-scaling.sh --ranks 2,4 --mode strong --n 100000000 -- --chunk 1000000 --compress 4
#
# The jobs run build/rankpool of $RANKPOOL_ROOT if set, else of this repository (give scaling.sh
# --rankpool PATH for another binary); every job's log is in DIR/slurm/. They use srun --mpi=pmix,
# so the cluster's Slurm needs the pmix plugin (`srun --mpi=list`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

ranks='' nodes='' time='' partition='' out='' wait=0 extra=() pass=() own_binary=0
while (($#)); do
  case $1 in
    --ranks|--nodes|--time|--partition|--out|--sbatch)
      (($# >= 2)) || die "$1 needs a value" 2
      case $1 in
        --ranks) ranks=$2 ;; --nodes) nodes=$2 ;; --time) time=$2 ;; --partition) partition=$2 ;;
        --out) out=$2 ;; --sbatch) extra+=("$2") ;;
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
[[ -n $ranks ]] || die "--ranks LIST is required, e.g. --ranks 1,2,4,8 (see --help)" 2
IFS=, read -r -a counts <<<"$ranks"
((${#counts[@]})) || die "--ranks: empty list" 2
for p in "${counts[@]}"; do [[ $p =~ ^[1-9][0-9]*$ ]] || die "--ranks: '$p' is not a positive number" 2; done
[[ -z $nodes || $nodes =~ ^[1-9][0-9]*$ ]] || die "--nodes: '$nodes' is not a positive number" 2

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
for p in "${counts[@]}"; do
  options=(--job-name "rankpool-scaling-p$p" --ntasks "$p" --output "$out/slurm/ranks-$p-%j.out")
  [[ -n $nodes ]] && options+=(--nodes "$((p < nodes ? p : nodes))")
  [[ -n $time ]] && options+=(--time "$time")
  # One point at a time, on nodes of its own: points sharing memory, disks or nodes would time each other.
  options+=(--exclusive)
  ((${#points[@]})) && options+=(--dependency "afterany:${points[-1]}")
  submit "${options[@]}" -- "$scaling" --ranks "$p" --launcher srun --out "$out" "${pass[@]}"
  points+=("$job_id")
  echo "$me: ranks $p: job $job_id"
done
dependency=afterok:$(IFS=:; echo "${points[*]}")
submit --job-name rankpool-scaling-collect --ntasks 1 --time 00:10:00 --dependency "$dependency" \
  --kill-on-invalid-dep=yes --output "$out/slurm/collect-%j.out" -- "$scaling" --collect --out "$out"
collect=$job_id
echo "$me: collect: job $collect (after ${points[*]})"
echo "$me: logs in $out/slurm/; results in $out once job $collect is done"
((wait)) || exit 0

# --wait: poll until the collect job has ended.
job_field() { scontrol show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1; }
terminal='^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE)$'
while true; do
  state=$(job_field "$collect" JobState)
  [[ -z $state || $state =~ $terminal ]] && break
  sleep 2
done
for id in "${points[@]}" "$collect"; do
  echo "$me: job $id $(job_field "$id" JobName): $(job_field "$id" JobState) exit $(job_field "$id" ExitCode)"
done
if [[ $state == COMPLETED ]]; then
  echo "$me: done: results in $out"
  exit 0
fi
echo "$me: the collect job ended ${state:-(no longer known to Slurm)}; see the logs in $out/slurm/" >&2
exit 1
