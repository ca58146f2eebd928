# shellcheck shell=bash
# scripts/lib/cluster.sh: the nodes of the local cluster (scripts/slurm-local.sh --nodes N), each a
# set of Linux namespaces on this machine; sourced by slurm-local.sh and node-agent, never run.
#
#   node K          the network namespace rankpool-nodeK, with the address $subnet.K on the bridge
#                   rankpool0 (the host side is $subnet.254); no default route, so a node reaches
#                   nothing but the other nodes and the host's bridge address
#   holder          one process per node (scripts/lib/node-holder.sh) that owns the node's hostname
#                   (nodeK) and mount namespace: private /tmp and /dev/shm, its own /etc/hosts
#   shared folders  everything outside /tmp, plus $state and $state/shared (the scratch folder every
#                   node sees at the same path), plus the repository when it lives below /tmp
#
# Needs $state (the state folder) and, for nodes_up, $repo.

subnet=10.211.0  # a /24 used only between these namespaces and the bridge
bridge=rankpool0

namespace_of() { echo "rankpool-$1"; }  # NODE -> its network namespace
holder_of() {                          # NODE -> the pid of its holder, if alive
  local pid
  pid=$(cat "$state/run/$1.holder" 2>/dev/null) && [[ $pid =~ ^[0-9]+$ ]] && [[ -d /proc/$pid ]] &&
    [[ $(cat "/proc/$pid/stat" 2>/dev/null | awk '{print $3}') != Z ]] && echo "$pid"
}
cluster_nodes() { cat "$state/nodes" 2>/dev/null; }  # node1 node2 ... of the cluster that is up

# The memory cgroup that holds NODE's processes when the cluster has a memory size per node
# (up --node-memory); nothing otherwise.
node_cgroup() { cat "$state/run/$1.cgroup" 2>/dev/null; }

# Moves the calling (sub)shell into NODE's memory cgroup, if it has one: its children, the node's
# daemons and ranks, then count against the node's memory as on a machine of that size.
join_node_cgroup() {
  local cgroup
  cgroup=$(node_cgroup "$1") || return 0
  echo "$BASHPID" >"$cgroup/cgroup.procs"
}

# Makes a memory cgroup of BYTES for NODE below this process's own (cgroup v1 or v2).
make_node_cgroup() {
  local node=$1 bytes=$2 own folder
  if [[ -d /sys/fs/cgroup/memory ]]; then  # v1 (or hybrid): the memory controller's own tree
    own=$(sed -n 's/^[0-9]*:memory:\(.*\)/\1/p' /proc/self/cgroup)
    folder=/sys/fs/cgroup/memory${own%/}/rankpool-$node
    mkdir -p "$folder" && echo "$bytes" >"$folder/memory.limit_in_bytes"
  else  # v2: the parent must hand the memory controller down
    own=$(sed -n 's/^0::\(.*\)/\1/p' /proc/self/cgroup)
    folder=/sys/fs/cgroup${own%/}/rankpool-$node
    echo +memory >"/sys/fs/cgroup${own%/}/cgroup.subtree_control" 2>/dev/null || true
    mkdir -p "$folder" && echo "$bytes" >"$folder/memory.max"
  fi || return 1
  echo "$folder" >"$state/run/$node.cgroup"
}

# Runs COMMAND... inside NODE (its network, hostname and mount namespaces, and memory cgroup), in
# the folder it was started from when the node sees it.
in_node() {
  local node=$1 pid
  shift
  pid=$(holder_of "$node") || die "node $node is not up (scripts/slurm-local.sh status)"
  (join_node_cgroup "$node" && exec nsenter -t "$pid" -n -u -m --wd="$PWD" -- "$@")
}

# True when this process may make namespaces, links and mounts.
can_make_namespaces() { ((EUID == 0)) && unshare --net --mount --uts true 2>/dev/null; }

# Starts the holder of node K in its network namespace; its pid goes to $state/run/nodeK.holder.
start_holder() {
  local node=node$1 shared=("$state")
  [[ $repo == /tmp/* && $state != "$repo"* ]] && shared+=("$repo")
  rm -f "$state/run/$node.ready"
  join_node_cgroup "$node" &&
    exec setsid nsenter --net="/run/netns/$(namespace_of "$node")" unshare --uts --mount --propagation private \
      "$repo/scripts/lib/node-holder.sh" "$node" "$state" "${shared[@]}" \
      </dev/null >"$state/log/$node-holder.log" 2>&1 &
  echo $! >"$state/run/$node.holder"
  local i
  for ((i = 0; i < 100; i++)); do [[ -f $state/run/$node.ready ]] && return 0; sleep 0.05; done
  tail_log "$state/log/$node-holder.log"
  return 1
}

# Creates N nodes (node1..nodeN), each with MEMORY bytes if given, and records their names in $state/nodes.
nodes_up() {
  local count=$1 memory=${2:-} k ns
  mkdir -p "$state"/{run,mnt,shared,log}
  {
    echo "127.0.0.1 localhost"
    echo "$subnet.254 $(hostname -s) head"
    for ((k = 1; k <= count; k++)); do echo "$subnet.$k node$k"; done
  } >"$state/hosts"
  ip link add "$bridge" type bridge
  ip addr add "$subnet.254/24" dev "$bridge"
  ip link set "$bridge" up
  for ((k = 1; k <= count; k++)); do
    ns=$(namespace_of "node$k")
    ip netns add "$ns"
    ip link add "rankpool-v$k" type veth peer name eth0 netns "$ns"
    ip link set "rankpool-v$k" master "$bridge" up
    ip -n "$ns" addr add "$subnet.$k/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
  done
  for ((k = 1; k <= count; k++)); do
    if [[ -n $memory ]]; then make_node_cgroup "node$k" "$memory" || return 1; fi
    start_holder "$k" || return 1
  done
  seq -f 'node%g' 1 "$count" | tr '\n' ' ' | sed 's/ $//' >"$state/nodes"
}

# Brings a killed NODE back: a new holder in its network namespace, which kill_node left in place.
revive_node() { start_holder "${1#node}"; }

# Ends every process of NODE at once (SIGKILL): what a node failure does. Its namespace stays.
kill_node() {
  local ns pids
  ns=$(namespace_of "$1")
  pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
  [[ -n $pids ]] && kill -KILL $pids 2>/dev/null
  rm -f "$state/run/$1.holder" "$state/run/$1.ready"
  return 0
}

# Removes every node, link and mount nodes_up made; safe to call on a half-made cluster.
nodes_down() {
  local ns node
  for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^rankpool-node[0-9]+$/ {print $1}'); do
    node=${ns#rankpool-}
    kill_node "$node"
    ip netns delete "$ns" 2>/dev/null || true
  done
  ip link delete "$bridge" 2>/dev/null || true
  # `ip netns add` bind-mounts /run/netns on itself; undo that when no namespace is left.
  if [[ -d /run/netns && -z $(ls -A /run/netns 2>/dev/null) ]]; then
    while mountpoint -q /run/netns; do umount /run/netns 2>/dev/null || break; done
    rmdir /run/netns 2>/dev/null || true
  fi
  local cgroup
  for cgroup in "$state"/run/*.cgroup; do
    [[ -f $cgroup ]] && rmdir "$(cat "$cgroup")" 2>/dev/null
    rm -f "$cgroup"
  done
  rm -rf "$state/mnt" "$state/nodes"
}
