#!/usr/bin/env bash
# scripts/slurm-local.sh start|stop|status [--state DIR] [--cpus N] [--port P]
#
# A real single-node Slurm on this machine, for trying the batch scripts in scripts/slurm/ and for
# their tests: Debian's slurm-wlm and munge (scripts/setup.sh test installs them), run as root.
#
#   start   starts munged (unless one already answers), writes DIR/slurm.conf, starts slurmctld
#           and slurmd, and waits until the node is idle; prints the line to give the Slurm tools:
#             export SLURM_CONF=DIR/slurm.conf
#   stop    cancels the jobs still there, stops slurmd and slurmctld (and munged if start started
#           it) by their pid files and waits until they are gone
#   status  says what runs; exit code 0 when the cluster is up, 3 when not
#
# Options:
#   --state DIR  configuration, state, spool, logs and pid files (default: $RANKPOOL_SLURM_STATE,
#                else /tmp/rankpool-slurm)
#   --cpus N     CPUs the node declares (default 4; more than the machine's cores is fine: jobs
#                then run oversubscribed, which is right for tests and wrong for timings)
#   --port P     slurmctld listens on P, slurmd on P+1 (default 16817; not Slurm's 6817, so a real
#                Slurm on this machine is left alone)
#
# It never touches /etc/slurm: the tools read DIR/slurm.conf through SLURM_CONF. The cluster is
# called rankpool-local, has one node named after `hostname -s` and one partition, "local".
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

action=${1:-}
[[ $action == -h || $action == --help ]] && { usage; exit 0; }
[[ $action == start || $action == stop || $action == status ]] ||
  die "say start, stop or status (see --help)" 2
shift
state=${RANKPOOL_SLURM_STATE:-/tmp/rankpool-slurm} cpus=4 port=16817
while (($#)); do
  case $1 in
    --state) state=${2:?--state needs a folder} ;;
    --cpus) cpus=${2:?--cpus needs a number} ;;
    --port) port=${2:?--port needs a number} ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" 2 ;;
  esac
  shift 2
done
[[ $cpus =~ ^[1-9][0-9]*$ ]] || die "--cpus: not a positive number: $cpus"
if ! [[ $port =~ ^[1-9][0-9]*$ ]] || ((port >= 65535)); then die "--port: not a port number: $port"; fi
[[ $action == status ]] || ((EUID == 0)) ||
  die "needs root (it starts and stops munged, slurmctld and slurmd as root); run it with sudo or as root"
mkdir -p "$state"
state=$(cd "$state" && pwd)
conf=$state/slurm.conf
export SLURM_CONF=$conf
host=$(hostname -s)

# The pid in FILE if that process is alive.
alive() { local pid; pid=$(cat "$1" 2>/dev/null) && [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"; }
munge_ok() { command -v munge >/dev/null && munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }
# Waits up to $2 tenths of a second for process $1 to end; true if it did.
gone() { local i; for ((i = 0; i < $2; i++)); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done; ! kill -0 "$1" 2>/dev/null; }
tail_log() { if [[ -s $1 ]]; then { echo "--- last lines of $1:"; tail -n "${2:-20}" "$1"; } >&2; fi; }
node_state() { sinfo -h -n "$host" -o %T 2>/dev/null | head -n 1; }

stop_daemon() {  # NAME PIDFILE
  local pid
  if pid=$(alive "$2"); then
    kill -TERM "$pid" 2>/dev/null || true
    if ! gone "$pid" 150; then
      echo "slurm-local.sh: $1 (pid $pid) did not stop within 15 s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      gone "$pid" 50 || die "$1 (pid $pid) does not die"
    fi
    echo "slurm-local.sh: stopped $1 (pid $pid)"
  fi
  rm -f "$2"
}

do_status() {
  local up=0 pid
  if munge_ok; then echo "munge:      answers (munge -n | unmunge)"; else echo "munge:      not answering"; up=3; fi
  for daemon in slurmctld slurmd; do
    if pid=$(alive "$state/run/$daemon.pid"); then printf '%-11s running, pid %s\n' "$daemon:" "$pid"
    else printf '%-11s not running\n' "$daemon:"; up=3; fi
  done
  echo "config:     $conf$([[ -f $conf ]] || echo ' (not written yet)')"
  if ((up == 0)); then
    echo "node:       $host $(node_state)"
    echo "jobs:"
    squeue -o '  %.8i %.20j %.8T %.10M %.6D %R' 2>&1 || true
    echo "export SLURM_CONF=$conf"
  fi
  return $up
}

do_stop() {
  if [[ -n $(alive "$state/run/slurmctld.pid") ]]; then
    # Jobs left behind would leave their slurmstepd processes running.
    local jobs=()
    mapfile -t jobs < <(squeue -h -o %i 2>/dev/null || true)
    if ((${#jobs[@]})); then
      echo "slurm-local.sh: cancelling jobs ${jobs[*]}"
      scancel "${jobs[@]}" 2>/dev/null || true
      for _ in $(seq 100); do [[ -z $(squeue -h -t running,completing -o %i 2>/dev/null) ]] && break; sleep 0.1; done
    fi
  fi
  stop_daemon slurmd "$state/run/slurmd.pid"
  stop_daemon slurmctld "$state/run/slurmctld.pid"
  if [[ -f $state/run/munged.started ]]; then
    stop_daemon munged "$(cat "$state/run/munged.started")"
    rm -f "$state/run/munged.started"
  fi
  echo "slurm-local.sh: stopped (state in $state)"
}

start_munge() {
  if munge_ok; then return; fi
  command -v munged >/dev/null || die "munged is missing (Debian: apt-get install munge, or scripts/setup.sh test)"
  [[ -r /etc/munge/munge.key ]] || die "/etc/munge/munge.key is missing (Debian's munge package creates it; or: mungekey --create)"
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
  chmod 0755 /run/munge
  local pidfile=/run/munge/munged.pid
  # As Debian's service does: munged runs as the munge user, which owns its folders and key.
  runuser -u munge -- /usr/sbin/munged --pid-file="$pidfile" ||
    { tail_log /var/log/munge/munged.log; die "munged did not start"; }
  for _ in $(seq 50); do munge_ok && break; sleep 0.1; done
  munge_ok || { tail_log /var/log/munge/munged.log; die "munged started but 'munge -n | unmunge' fails"; }
  echo "$pidfile" >"$state/run/munged.started"
  echo "slurm-local.sh: started munged (pid $(cat "$pidfile"))"
}

write_conf() {
  cat >"$conf" <<EOF
# Written by scripts/slurm-local.sh: a single-node Slurm for tests. Use it with
#   export SLURM_CONF=$conf
ClusterName=rankpool-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# No systemd and no cgroups here: track processes by parent pid, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
# No mail from this test cluster.
MailProg=/bin/true
ReturnToService=2
# Let the node declare more CPUs than it has, so jobs with more tasks than cores run.
SlurmdParameters=config_overrides
KillWait=5
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
SlurmctldPidFile=$state/run/slurmctld.pid
SlurmdPidFile=$state/run/slurmd.pid
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus Boards=1 SocketsPerBoard=1 CoresPerSocket=$cpus ThreadsPerCore=1 State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}

do_start() {
  local tool
  for tool in slurmctld slurmd sbatch srun sinfo squeue scontrol munge unmunge munged; do
    command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] ||
      die "$tool is missing (Debian: apt-get install slurm-wlm munge, or scripts/setup.sh test)"
  done
  export PATH=$PATH:/usr/sbin
  mkdir -p "$state"/{ctld,spool,log,run}
  if [[ -n $(alive "$state/run/slurmctld.pid") || -n $(alive "$state/run/slurmd.pid") ]]; then
    if [[ $(node_state) == idle* || $(node_state) == mixed* || $(node_state) == alloc* ]]; then
      echo "slurm-local.sh: already running ($state)"
      echo "export SLURM_CONF=$conf"
      return
    fi
    echo "slurm-local.sh: half-running cluster in $state; stopping it first" >&2
    do_stop >/dev/null
  fi
  start_munge
  write_conf
  rm -f "$state"/run/slurm{ctld,d}.pid
  : >"$state/log/slurmctld.log"
  : >"$state/log/slurmd.log"
  slurmctld -f "$conf" -i || { tail_log "$state/log/slurmctld.log"; die "slurmctld did not start"; }
  local i up=0
  for ((i = 0; i < 100; i++)); do
    if [[ -n $(alive "$state/run/slurmctld.pid") ]]; then
      timeout 5 scontrol ping 2>/dev/null | grep -q UP && { up=1; break; }
    elif ((i >= 20)); then
      break  # no slurmctld process 2 s after the start: it died (a used port, a bad folder, ...)
    fi
    sleep 0.1
  done
  if ((!up)); then
    tail_log "$state/log/slurmctld.log"
    do_stop >/dev/null
    die "slurmctld $([[ -n $(alive "$state/run/slurmctld.pid") ]] && echo "does not answer (scontrol ping)" || echo exited) (its log above)"
  fi
  slurmd -f "$conf" || { tail_log "$state/log/slurmd.log"; do_stop >/dev/null; die "slurmd did not start"; }
  local node=
  for ((i = 0; i < 300; i++)); do
    node=$(node_state)
    [[ $node == idle ]] && break
    if ((i >= 20)) && [[ -z $(alive "$state/run/slurmd.pid") ]]; then break; fi  # slurmd died
    sleep 0.1
  done
  if [[ $node != idle ]]; then
    tail_log "$state/log/slurmctld.log"
    tail_log "$state/log/slurmd.log"
    do_stop >/dev/null
    die "node $host is '${node:-unknown}', not idle, after starting slurmd (the logs above); stopped again"
  fi
  echo "slurm-local.sh: Slurm is up: node $host ($cpus CPUs) idle in partition local; state in $state"
  echo "export SLURM_CONF=$conf"
}

case $action in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
esac
