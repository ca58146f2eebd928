# shellcheck shell=bash
# scripts/lib/batch-job.sh: the body of scripts/slurm/square.sbatch and fetch.sbatch, sourced by
# them; their headers say what the job does.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

say() { echo "$me: $*"; }  # to the job's log

# True when ARGS give OPTION, as "OPTION VALUE" or "OPTION=VALUE".
given() {
  local option=$1 arg
  shift
  for arg; do [[ $arg == "$option" || $arg == "$option"=* ]] && return 0; done
  return 1
}

# What Slurm knows of this job: FIELD=value from scontrol.
job_field() { scontrol show job "$SLURM_JOB_ID" 2>/dev/null | sed -n "s/^ *$1=//p" | head -n 1; }

# shellcheck disable=SC2317  # called by the trap
copy_logs() {
  [[ -f $stdout_log ]] && cp -f -- "$stdout_log" "$out/slurm.out"
  [[ -f $stderr_log && $stderr_log != "$stdout_log" ]] && cp -f -- "$stderr_log" "$out/slurm.err"
} 2>/dev/null

# To the ranks: srun would take a SIGTERM as an order to kill its step (SIGKILL, no clean-up), so
# Slurm signals the job's steps instead; mpirun passes a signal on itself.
# shellcheck disable=SC2317  # called by the traps
pass_on() {
  say "SIG$1 received ($(date -u +%Y-%m-%dT%H:%M:%SZ)): passing it on to rankpool, which stops and removes its temporary files"
  if [[ $launcher == srun ]]; then
    scancel --signal="$1" "$SLURM_JOB_ID" 2>/dev/null || true
  else
    kill -s "$1" "$launcher_pid" 2>/dev/null || true
  fi
}

# batch_job square|fetch [--launcher srun|mpirun] [ARGS...]: `rankpool SUBCOMMAND` on every task of
# this job, in the folder it was submitted from, outputs under runs/<job id>/ unless ARGS say
# otherwise; exits with rankpool's exit code.
batch_job() {
  local subcommand=$1
  shift
  me=rankpool-$subcommand
  if [[ ${1:-} == -h || ${1:-} == --help ]] && ! in_slurm_job; then
    usage
    exit 0
  fi

  launcher=${RANKPOOL_LAUNCHER:-srun}
  local args=() launch=()
  while (($#)); do
    case $1 in
      --launcher) (($# >= 2)) || die "--launcher needs srun or mpirun" 2; launcher=$2; shift 2 ;;
      --launcher=*) launcher=${1#*=}; shift ;;
      *) args+=("$1"); shift ;;
    esac
  done
  case $launcher in
    srun) launch=(srun --mpi=pmix --kill-on-bad-exit=1) ;;
    mpirun) launch=(mpirun -q) ;;
    *) die "--launcher: '$launcher' is neither srun nor mpirun" 2 ;;
  esac
  # fetch's URL list comes first, before the outputs this job adds.
  local first=()
  if [[ $subcommand == fetch ]]; then
    if ((${#args[@]} == 0)) || [[ ${args[0]} == -* ]]; then
      die "the first argument must be the URL list: sbatch scripts/slurm/fetch.sbatch URL_LIST [ARGS...]" 2
    fi
    first=("${args[0]}")
    args=("${args[@]:1}")
  fi
  in_slurm_job || die "not inside a Slurm job: submit it with sbatch $0 [ARGS...]" 2

  # build/rankpool of $RANKPOOL_ROOT, else of the repository this file is in.
  local root=${RANKPOOL_ROOT:-$repo}
  root=$(cd -- "$root" 2>/dev/null && pwd) || die "RANKPOOL_ROOT=$RANKPOOL_ROOT: no such folder"
  require_rankpool "$root"

  out=runs/$SLURM_JOB_ID
  mkdir -p "$out" || die "cannot create $PWD/$out"
  local output=(--output "$out/squares.h5") defaults=()
  [[ $subcommand == fetch ]] && output=(--out "$out/downloads")
  given "${output[0]}" "${args[@]}" || defaults+=("${output[@]}")
  given --report "${args[@]}" || defaults+=(--report "$out/report.json")

  # A copy of the log goes to runs/<job id>/ when the job ends.
  stdout_log=$(job_field StdOut) stderr_log=$(job_field StdErr)
  trap copy_logs EXIT

  say "job $SLURM_JOB_ID on ${SLURM_JOB_NUM_NODES:-1} node(s) (${SLURM_JOB_NODELIST:-?}), ${SLURM_NTASKS:-?} tasks, in $PWD"
  say "started $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  local command=("${launch[@]}" "$root/build/rankpool" "$subcommand" "${first[@]}" "${defaults[@]}" "${args[@]}")
  say "running: ${command[*]}"
  # In the background, so that this shell can pass a SIGTERM or SIGINT on (pass_on): with sbatch
  # --signal=B:TERM@SECONDS Slurm warns this shell alone before the time limit. Every rank then
  # stops cleanly, and the job ends before the limit instead of being killed at it.
  "${command[@]}" &
  launcher_pid=$!
  trap 'pass_on TERM' TERM
  trap 'pass_on INT' INT
  local code=0
  while :; do  # a trapped signal cuts the wait short: wait again until the launcher has ended
    code=0
    wait "$launcher_pid" || code=$?
    ((code > 128)) && kill -0 "$launcher_pid" 2>/dev/null || break
  done
  if ((code == 0)); then
    say "done $(date -u +%Y-%m-%dT%H:%M:%SZ); outputs in $PWD/$out/"
  elif ((code == 130 || code == 143)); then
    say "rankpool $subcommand was interrupted (exit code $code, $(date -u +%Y-%m-%dT%H:%M:%SZ)): by the time limit, its --signal warning, scancel or Ctrl-C"
  else
    say "rankpool $subcommand failed with exit code $code ($(date -u +%Y-%m-%dT%H:%M:%SZ)); see the messages above"
  fi
  exit "$code"
}
