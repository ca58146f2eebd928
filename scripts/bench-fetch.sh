#!/usr/bin/env bash
# scripts/bench-fetch.sh [--scenario NAME]... [--repeat R] [--ranks P] [--parallel K] [--scale F]
#                        [--out-dir DIR]
#
# The fetch benchmark: `rankpool fetch` side by side with curl --parallel, wget2 and aria2c, every
# tool at the same number of transfers in flight (P ranks x K for rankpool), all downloading from
# Debian's nginx on 127.0.0.1, which the script starts with its own configuration and stops on exit.
# Scenarios (--scenario, repeatable; default all three, in this order):
#   big    4 files x 200 MB                            P ranks x --parallel 1
#   slow   96 URLs, each answered after 0.4 s (nginx   P ranks x --parallel 16; with P=2 the ideal
#          echo module), 4 kB bodies                   is ceil(96/32) x 0.4 s = 1.2 s
#   small  2000 files x 16 kB                          P ranks x --parallel 1
# Each of the R repetitions (default 3, at least 3) runs every tool once, starting with a different
# tool each time, plus `mpirun -np P rankpool --version`: rankpool's own time is its whole time
# minus that start-up. After each run a `sync` is timed too: the files reach the disk (rankpool
# syncs each one before renaming it). Downloads of small and slow stay until the end (files
# deleted just before a run slow down that run's file creation on some file systems). Every tool
# must download every file, at the right size (one file is also compared byte for byte); a tool
# that fails stops the benchmark. Prints the medians as a table
# and writes it to bench/results/fetch-peers.md (with the machine and every command), every run to
# bench/results/fetch-peers.csv.
#   --ranks P      ranks of rankpool (default 2)
#   --parallel K   transfers in flight per rank in every scenario (default: as above)
#   --scale F      0 < F <= 1: F x the files of small and slow and the size of big's, for a quick try
#   --out-dir DIR  where the downloads go while the benchmark runs, in a new folder that is deleted
#                  at the end (default: under $TMPDIR or /tmp); big needs about 800 MB there,
#                  small 32 MB x R x 4
# The files nginx serves live in memory (a folder in /dev/shm, about 1 GB) where /dev/shm is a
# tmpfs with room, else next to the downloads: on the downloads' disk, nginx's reads of pages the
# kernel had dropped wait behind the cache flushes of the tools that sync (rankpool), which a
# remote server's reads never do.
# RANKPOOL_BIN=PATH measures that binary; otherwise build/rankpool is built (cmake --preset release).
# Installs what is missing first (scripts/setup.sh bench).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

slow_delay=0.4  # the slow URLs' delay: the nginx configuration below and the ideal in the table
args=() out_dir=${TMPDIR:-/tmp}
while (($#)); do
  case $1 in
    --scenario)
      [[ ${2:-} =~ ^(big|small|slow)$ ]] || die "--scenario takes big, small or slow, not '${2:-}'" 2 ;;
    --repeat)
      if ! [[ ${2:-} =~ ^[0-9]+$ ]] || (($2 < 3)); then
        die "--repeat takes a whole number of at least 3, not '${2:-}'" 2
      fi ;;
    --ranks|--parallel)
      [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die "$1 takes a positive whole number, not '${2:-}'" 2 ;;
    --scale)
      if ! [[ ${2:-} =~ ^(0?\.[0-9]+|1(\.0*)?)$ ]] || ! awk "BEGIN { exit !($2 > 0) }"; then
        die "--scale takes a number above 0 and at most 1, not '${2:-}'" 2
      fi ;;
    --out-dir)
      [[ -d ${2:-} ]] || die "--out-dir '${2:-}': no such folder" 2
      out_dir=$2; shift 2; continue ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" 2 ;;
  esac
  args+=("$1" "$2")
  shift 2
done

setup bench
if [[ -n ${RANKPOOL_BIN:-} ]]; then
  [[ -x $RANKPOOL_BIN ]] || die "RANKPOOL_BIN=$RANKPOOL_BIN is not an executable file"
  bin=$(realpath "$RANKPOOL_BIN")
else
  build_release rankpool
  bin=$repo/build/rankpool
fi
allow_mpi_as_root
use_shared_memory_pml

work=$(mktemp -d "$out_dir/bench-fetch.XXXXXX")
served=""
nginx_pid=""
cleanup() {
  if [[ -n $nginx_pid ]]; then
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$work" ${served:+"$served"}
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if [[ $(stat -f -c %T /dev/shm 2>/dev/null) == tmpfs ]] &&
  (($(df -k --output=avail /dev/shm | tail -1) > 2 * 1024 * 1024)); then
  served=$(mktemp -d /dev/shm/bench-fetch-www.XXXXXX)
  ln -s "$served" "$work/www"
fi

# nginx in the foreground, everything in $work: a free port (retried if another process takes it
# first), static files with sendfile, no access log, and /slow/NAME answering after $slow_delay s with
# /body/slow.bin. echo_sleep waits on a timer, so the slow URLs do not hold up the worker.
mkdir -p "$work/www/body" "$work/nginx/tmp"
for _ in 1 2 3 4 5; do
  port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat >"$work/nginx/nginx.conf" <<EOF
load_module /usr/lib/nginx/modules/ngx_http_echo_module.so;
$( ((EUID == 0)) && echo "user root;  # the workers read \$work, which only root may enter")
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type application/octet-stream;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    root $work/www;
    location = /ready { return 200 "ready\n"; }
    location /slow/ { echo_sleep $slow_delay; echo_exec /body/slow.bin; }
  }
}
EOF
  : >"$work/nginx/error.log"
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' 2>>"$work/nginx/error.log" &
  nginx_pid=$!
  for _ in $(seq 100); do
    kill -0 "$nginx_pid" 2>/dev/null || break
    curl -q --silent --fail --output /dev/null "http://127.0.0.1:$port/ready" && break 2
    sleep 0.05
  done
  kill "$nginx_pid" 2>/dev/null || true  # it stopped, or never answered
  wait "$nginx_pid" 2>/dev/null || true
  nginx_pid=""
  grep -q "Address already in use" "$work/nginx/error.log" || break
done
[[ -n $nginx_pid ]] || die "nginx did not start:
$(cat "$work/nginx/error.log")"
note "nginx serving $(realpath "$work/www") on http://127.0.0.1:$port (pid $nginx_pid)"

"$python" "$repo/scripts/bench/fetch_peers.py" --bin "$bin" --base "http://127.0.0.1:$port" \
  --work "$work" --slow-delay "$slow_delay" --nginx-conf "$work/nginx/nginx.conf" \
  --results "$repo/bench/results" "${args[@]}"
