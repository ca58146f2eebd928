#!/bin/bash
# scripts/lib/node-holder.sh NODE STATE SHARED...: the process that holds one node of the local
# cluster (scripts/slurm-local.sh --nodes N). Started inside the node's network namespace with new
# UTS and mount namespaces (private propagation); it gives the node its hostname, its own /etc/hosts,
# a sysfs of its own network namespace, a private /tmp and /dev/shm, then sleeps: every process of
# the node enters its namespaces (nsenter -t PID). SHARED: folders below /tmp that every node sees
# at the same path (the cluster's state and shared scratch, the repository if it lives in /tmp).
set -euo pipefail
node=$1 state=$2
shift 2
hostname "$node"
mount --bind "$state/hosts" /etc/hosts
# A fresh sysfs shows this namespace's network devices. The cgroup tree is moved aside and back,
# or slurmd finds "No filesystem mounted on /sys/fs/cgroup".
aside=$state/mnt/$node-cgroup
mkdir -p "$aside"
mount --rbind /sys/fs/cgroup "$aside"
mount -t sysfs sysfs /sys
mount --move "$aside" /sys/fs/cgroup
# A private /tmp that still shows the shared folders: build it aside, then move it over /tmp.
staging=$state/mnt/$node-tmp
mkdir -p "$staging"
mount -t tmpfs -o mode=1777 "tmp-$node" "$staging"
for folder in "$@"; do
  mkdir -p "$staging/${folder#/tmp/}"
  mount --rbind "$folder" "$staging/${folder#/tmp/}"
done
mount --move "$staging" /tmp
mount -t tmpfs -o mode=1777 "shm-$node" /dev/shm
: >"$state/run/$node.ready"
exec sleep infinity
