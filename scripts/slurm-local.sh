#!/usr/bin/env bash
# scripts/slurm-local.sh up|down|status [--nodes N] [--state DIR] [--cpus N] [--port P]
# scripts/slurm-local.sh kill-node|revive-node NODE [--state DIR]
#
# A real Slurm on this machine, for trying the batch scripts in scripts/slurm/ and for their tests:
# Debian's slurm-wlm and munge (scripts/setup.sh test installs them), run as root.
#   (no --nodes)  one node: this machine itself, named after `hostname -s`
#   --nodes N     a cluster of N nodes, node1..nodeN, each a set of Linux namespaces: its own network
#                 (an address 10.211.0.K on a bridge this script makes; the range is used only
#                 between these namespaces), hostname, private /tmp and /dev/shm. Everything outside
#                 /tmp is shared, as a cluster's parallel file system is, and so is DIR/shared, a
#                 scratch folder every node sees at the same path. One slurmd runs in each node.
#
#   up (or start)  starts munged (unless one already answers), writes DIR/slurm.conf, makes the
#                  nodes, starts slurmctld and the slurmds, and waits until every node is idle;
#                  prints the lines to give the Slurm tools (and, with --nodes, Open MPI). Up twice
#                  is safe: a cluster that is up is left as it is.
#   down (or stop) cancels the jobs still there, stops the slurmds and slurmctld (and munged if up
#                  started it) and removes the nodes: no namespace, link, mount or daemon is left
#   status         says what runs; exit code 0 when the cluster is up, 3 when not
#   kill-node NODE     kills every process of NODE at once (SIGKILL), as a node failure does
#   revive-node NODE   brings a killed NODE back (its slurmd returns it to service)
#
# Options:
#   --nodes N    the cluster's size (up only; later commands read it from DIR)
#   --node-memory SIZE   each node's memory, e.g. 512M or 2G (up --nodes only): a memory cgroup per
#                node holds its daemons and ranks, so a node runs out as a machine of that size would
#   --state DIR  configuration, state, spool, logs and pid files (default: $RANKPOOL_SLURM_STATE,
#                else /tmp/rankpool-slurm)
#   --cpus N     CPUs each node declares (default 4, or 2 with --nodes; more than the machine's cores
#                is fine: jobs then run oversubscribed, right for tests and wrong for timings)
#   --port P     slurmctld listens on P, slurmd on P+1 (default 16817; not Slurm's 6817, so a real
#                Slurm on this machine is left alone)
#
# It never touches /etc/slurm: the tools read DIR/slurm.conf through SLURM_CONF. The cluster is
# called rankpool-local and has one partition, "local". Without Slurm, mpirun reaches the nodes
# through scripts/lib/node-agent: mpirun --host node1:2,node2:2,node3:2 ... (after the exports that
# up prints).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

action=${1:-}
[[ $action == -h || $action == --help ]] && { usage; exit 0; }
case $action in
  up | start) action=up ;;
  down | stop) action=down ;;
  status) ;;
  kill-node | revive-node) target=${2:-}; [[ $target == node[0-9]* ]] || die "$action needs a node (node1, ...)" 2; shift ;;
  *) die "say up, down, status, kill-node or revive-node (see --help)" 2 ;;
esac
shift
state=${RANKPOOL_SLURM_STATE:-/tmp/rankpool-slurm} cpus= port=16817 nodes=0 node_memory=
while (($#)); do
  case $1 in
    --nodes) nodes=${2:?--nodes needs a number} ;;
    --node-memory) node_memory=${2:?--node-memory needs a size} ;;
    --state) state=${2:?--state needs a folder} ;;
    --cpus) cpus=${2:?--cpus needs a number} ;;
    --port) port=${2:?--port needs a number} ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" 2 ;;
  esac
  shift 2
done
[[ $nodes =~ ^[0-9]+$ ]] && ((nodes <= 200)) || die "--nodes: not a number from 1 to 200: $nodes" 2
[[ -z $cpus || $cpus =~ ^[1-9][0-9]*$ ]] || die "--cpus: not a positive number: $cpus" 2
if [[ -n $node_memory ]]; then
  ((nodes > 0)) || die "--node-memory needs --nodes" 2
  size_text=$node_memory
  node_memory=$(numfmt --from=iec "${node_memory%B}" 2>/dev/null) || die "--node-memory: not a size (512M, 2G): $size_text" 2
fi
cpus=${cpus:-$((nodes > 0 ? 2 : 4))}
if ! [[ $port =~ ^[1-9][0-9]*$ ]] || ((port >= 65535)); then die "--port: not a port number: $port" 2; fi
[[ $action == status ]] || ((EUID == 0)) ||
  die "needs root (it starts and stops munged, slurmctld and slurmd as root); run it with sudo or as root"
mkdir -p "$state"
state=$(cd "$state" && pwd)
conf=$state/slurm.conf
export SLURM_CONF=$conf
host=$(hostname -s)
source "$repo/scripts/lib/cluster.sh"
# A cluster that is up says its size in $state/nodes; down and status need no --nodes.
if [[ $action != up ]] && [[ -s $state/nodes ]]; then nodes=$(wc -w <"$state/nodes"); fi
if ((nodes > 0)); then node_names=$(seq -f 'node%g' 1 "$nodes" | tr '\n' ' '); else node_names=$host; fi
node_names=${node_names% }
slurmd_pidfile() { if ((nodes > 0)); then echo "$state/run/slurmd-$1.pid"; else echo "$state/run/slurmd.pid"; fi; }

# The pid in FILE if that process is alive (a zombie, which this machine's init reaps late, is not).
alive() {
  local pid
  pid=$(cat "$1" 2>/dev/null) && [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] && echo "$pid"
}
munge_ok() { command -v munge >/dev/null && munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }
# Waits up to $2 tenths of a second for process $1 to end; true if it did.
gone() {
  local i
  for ((i = 0; i < $2; i++)); do
    [[ -d /proc/$1 && $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) != Z ]] || return 0
    sleep 0.1
  done
  return 1
}
tail_log() { if [[ -s $1 ]]; then { echo "--- last lines of $1:"; tail -n "${2:-20}" "$1"; } >&2; fi; }
node_state() { sinfo -h -n "$1" -o %T 2>/dev/null | head -n 1; }
all_idle() {
  local node
  for node in $node_names; do [[ $(node_state "$node") == idle ]] || return 1; done
}

stop_daemon() {  # NAME PIDFILE
  local pid
  if pid=$(alive "$2"); then
    kill -TERM "$pid" 2>/dev/null || true
    if ! gone "$pid" 150; then
      note "$1 (pid $pid) did not stop within 15 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      gone "$pid" 50 || die "$1 (pid $pid) does not die"
    fi
    echo "slurm-local.sh: stopped $1 (pid $pid)"
  fi
  rm -f "$2"
}

# What the Slurm tools, and with --nodes Open MPI, need in the environment.
print_exports() {
  echo "export SLURM_CONF=$conf"
  ((nodes > 0)) || return 0
  echo "export RANKPOOL_SLURM_STATE=$state"
  echo "export OMPI_MCA_plm_rsh_agent=$repo/scripts/lib/node-agent"
  echo "export OMPI_MCA_btl=tcp,self,vader OMPI_MCA_pml=ob1"
  echo "export OMPI_MCA_btl_tcp_if_include=$subnet.0/24 OMPI_MCA_oob_tcp_if_include=$subnet.0/24"
  # Slurm 22.05's PMIx plugin runs a fence without data (Open MPI's second one in MPI_Init) as a
  # tree, which can release some nodes before every node has joined: a rank then gets MPI messages
  # before its MPI library can take them and dies of SIGSEGV in MPI_Init (docs/cluster.md). The
  # ring, Slurm's choice for fences with data, always waits for every node.
  echo "export SLURM_PMIX_FENCE=ring"
}

do_status() {
  local up=0 pid node
  if munge_ok; then echo "munge:      answers (munge -n | unmunge)"; else echo "munge:      not answering"; up=3; fi
  if pid=$(alive "$state/run/slurmctld.pid"); then echo "slurmctld:  running, pid $pid"
  else echo "slurmctld:  not running"; up=3; fi
  for node in $node_names; do
    if pid=$(alive "$(slurmd_pidfile "$node")"); then printf 'slurmd:     %s running, pid %s\n' "$node" "$pid"
    else printf 'slurmd:     %s not running\n' "$node"; up=3; fi
  done
  echo "config:     $conf$([[ -f $conf ]] || echo ' (not written yet)')"
  ((nodes > 0)) && echo "shared:     $state/shared (the same on every node)"
  if ((up == 0)); then
    echo "nodes:"
    sinfo -N -h -o '  %N %T' 2>&1 || true
    echo "jobs:"
    squeue -o '  %.8i %.20j %.8T %.10M %.6D %R' 2>&1 || true
    print_exports
  fi
  return $up
}

do_down() {
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
  local node
  for node in $node_names; do stop_daemon "slurmd ($node)" "$(slurmd_pidfile "$node")"; done
  stop_daemon slurmctld "$state/run/slurmctld.pid"
  if ((nodes > 0)); then
    nodes_down
    echo "slurm-local.sh: removed nodes $node_names, their namespaces, links and mounts"
  fi
  if [[ -f $state/run/munged.started ]]; then
    stop_daemon munged "$(cat "$state/run/munged.started")"
    rm -f "$state/run/munged.started"
  fi
  echo "slurm-local.sh: down (state in $state)"
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
  local address=127.0.0.1 node_lines k
  if ((nodes > 0)); then
    address=$subnet.254  # the host's end of the bridge
    node_lines=$(for ((k = 1; k <= nodes; k++)); do
      echo "NodeName=node$k NodeAddr=$subnet.$k CPUs=$cpus Boards=1 SocketsPerBoard=1 CoresPerSocket=$cpus ThreadsPerCore=1 State=UNKNOWN"
    done
    # srun started on this host, which is no node, would otherwise never hear that a node died.
    echo "NodeName=$host NodeAddr=$address State=FUTURE")
  else
    node_lines="NodeName=$host NodeAddr=$address CPUs=$cpus Boards=1 SocketsPerBoard=1 CoresPerSocket=$cpus ThreadsPerCore=1 State=UNKNOWN"
  fi
  cat >"$conf" <<CONF
# Written by scripts/slurm-local.sh: a Slurm for tests, $([[ $nodes -gt 0 ]] && echo "$nodes nodes in namespaces" || echo "one node"). Use it with
#   export SLURM_CONF=$conf
ClusterName=rankpool-local
SlurmctldHost=$host($address)
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
# A dead node is marked down within about 20 s; a job it ends is not requeued (sbatch --wait would
# wait for good).
SlurmdTimeout=10
JobRequeue=0
# Slurm retries a refused connection for up to this long (at most 10 s, the default) before it
# reaches a job's other nodes another way; a killed node refuses, so a lost node's job held its
# other nodes for 10 s after it ended (test_lost_node: 163 -> 104 s).
MessageTimeout=3
$([[ $nodes -gt 0 ]] && printf '%s\n%s' "# The cluster's tests wait for many short jobs: sbatch --wait returns in 2-4 s, not 10 s." "MinJobAge=4")
# Let a node declare more CPUs than it has, so jobs with more tasks than cores run.
SlurmdParameters=config_overrides
KillWait=5
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool/%n
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd-%n.log
SlurmctldPidFile=$state/run/slurmctld.pid
SlurmdPidFile=$([[ $nodes -gt 0 ]] && echo "$state/run/slurmd-%n.pid" || echo "$state/run/slurmd.pid")
$node_lines
PartitionName=local Nodes=${node_names// /,} Default=YES MaxTime=INFINITE State=UP
CONF
}

start_slurmd() {  # NODE
  local node=$1
  mkdir -p "$state/spool/$node"
  : >"$state/log/slurmd-$node.log"
  if ((nodes > 0)); then
    in_node "$node" slurmd -f "$conf" || { tail_log "$state/log/slurmd-$node.log"; return 1; }
  else
    slurmd -f "$conf" || { tail_log "$state/log/slurmd-$node.log"; return 1; }
  fi
}

wait_idle() {  # tenths of a second
  local i
  for ((i = 0; i < $1; i++)); do
    all_idle && return 0
    sleep 0.1
  done
  return 1
}

do_up() {
  local tool
  for tool in slurmctld slurmd sbatch srun sinfo squeue scontrol munge unmunge munged; do
    command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] ||
      die "$tool is missing (Debian: apt-get install slurm-wlm munge, or scripts/setup.sh test)"
  done
  export PATH=$PATH:/usr/sbin
  if ((nodes > 0)) && ! can_make_namespaces; then
    die "cannot make network, mount and UTS namespaces here (needs root with CAP_SYS_ADMIN); a local cluster of nodes cannot run on this machine"
  fi
  mkdir -p "$state"/{ctld,spool,log,run}
  if [[ -n $(alive "$state/run/slurmctld.pid") ]]; then
    local running
    running=$(cat "$state/nodes" 2>/dev/null || echo "$host")
    if [[ $running == "$node_names" ]] && all_idle; then
      echo "slurm-local.sh: already up ($state): $node_names"
      print_exports
      return
    fi
    note "a different or half-running cluster in $state ($running); taking it down first"
    local wanted=$node_names wanted_count=$nodes
    node_names=$running nodes=$([[ -s $state/nodes ]] && wc -w <"$state/nodes" || echo 0)
    do_down >/dev/null
    node_names=$wanted nodes=$wanted_count
  fi
  ((nodes == 0)) || [[ -z $(ip link show "$bridge" 2>/dev/null) ]] ||
    die "another local cluster is up on this machine (link $bridge exists); take it down first (slurm-local.sh down --state ITS_DIR)"
  start_munge
  write_conf
  rm -f "$state"/run/slurm*.pid
  : >"$state/log/slurmctld.log"
  if ((nodes > 0)); then
    nodes_up "$nodes" "$node_memory" || { do_down >/dev/null 2>&1; die "the nodes did not come up (their logs are in $state/log)"; }
  fi
  slurmctld -f "$conf" -i || { tail_log "$state/log/slurmctld.log"; do_down >/dev/null; die "slurmctld did not start"; }
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
    do_down >/dev/null
    die "slurmctld $([[ -n $(alive "$state/run/slurmctld.pid") ]] && echo "does not answer (scontrol ping)" || echo exited) (its log above)"
  fi
  local node
  for node in $node_names; do
    start_slurmd "$node" || { do_down >/dev/null; die "slurmd did not start on $node"; }
  done
  if ! wait_idle 300; then
    sinfo -N >&2 || true
    tail_log "$state/log/slurmctld.log"
    for node in $node_names; do tail_log "$state/log/slurmd-$node.log" 5; done
    do_down >/dev/null
    die "the nodes are not idle 30 s after starting slurmd (the logs above); taken down again"
  fi
  echo "slurm-local.sh: Slurm is up: $node_names ($cpus CPUs each) idle in partition local; state in $state"
  print_exports
}

do_kill_node() {
  ((nodes > 0)) || die "kill-node needs a cluster of nodes (up --nodes N)" 2
  [[ " $node_names " == *" $target "* ]] || die "no node $target in this cluster ($node_names)" 2
  kill_node "$target"
  rm -f "$(slurmd_pidfile "$target")"
  echo "slurm-local.sh: killed every process of $target"
}

do_revive_node() {
  ((nodes > 0)) || die "revive-node needs a cluster of nodes (up --nodes N)" 2
  [[ " $node_names " == *" $target "* ]] || die "no node $target in this cluster ($node_names)" 2
  [[ -z $(holder_of "$target") ]] || die "$target is alive"
  revive_node "$target"
  start_slurmd "$target" || die "slurmd did not start on $target"
  local i
  for ((i = 0; i < 100; i++)); do [[ $(node_state "$target") == idle ]] && break; sleep 0.1; done
  echo "slurm-local.sh: $target is back: $(node_state "$target")"
}

case $action in
  up) do_up ;;
  down) do_down ;;
  status) do_status ;;
  kill-node) do_kill_node ;;
  revive-node) do_revive_node ;;
esac
