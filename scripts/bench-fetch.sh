#!/usr/bin/env bash
# scripts/bench-fetch.sh [--urls N] [--ranks P] [--delay S] [--size BYTES] [--repeat R]
#
# The fetch speed check: N slow URLs, each answered by a local fault server after S seconds,
# downloaded by `rankpool fetch` on P ranks and by `curl --parallel --parallel-max P`, in
# alternating runs, R times each. Prints the medians, the ideal ceil(N/P) x S, and the ratio
# rankpool / curl; writes the table to bench/results/fetch.{csv,md}.
# Defaults: 20 URLs, 4 ranks, 0.5 s delay, 100 kB bodies, 5 repetitions.
# Installs what is missing first (scripts/setup.sh bench) and builds build/rankpool.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

urls=20 ranks=4 delay=0.5 size=100000 repeat=5
while (($#)); do
  case $1 in
    --urls) urls=$2 ;; --ranks) ranks=$2 ;; --delay) delay=$2 ;; --size) size=$2 ;; --repeat) repeat=$2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown option $1 (see --help)" 2 ;;
  esac
  shift 2
done

setup bench
build_release rankpool

work=$(mktemp -d)
server_log="$work/server.log"
cleanup() { [[ -n "${server:-}" ]] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$python" -u "$repo/tests/helpers/fault_server.py" --port 0 --delay "$delay" >"$server_log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q "serving on" "$server_log" && break; sleep 0.1; done
base=$(sed -n 's/^serving on \(http:[^ ]*\)\/ .*/\1/p' "$server_log")
[[ -n "$base" ]] || die "the fault server did not start:
$(cat "$server_log")"

for i in $(seq 0 $((urls - 1))); do echo "$base/bench/$i?size=$size name=f$i"; done >"$work/urls.txt"
for i in $(seq 0 $((urls - 1))); do printf 'url = "%s/bench/%d?size=%d"\noutput = "%s/curl/f%d"\n' \
  "$base" "$i" "$size" "$work" "$i"; done >"$work/curl.cfg"

mpi_flags=(-q -np "$ranks")
oversubscribed "$ranks" && mpi_flags+=(--oversubscribe)
allow_mpi_as_root
use_shared_memory_pml

seconds() {
  local start=$EPOCHREALTIME
  "$@" >/dev/null 2>&1 || die "failed: $*"
  awk "BEGIN { print $EPOCHREALTIME - $start }"
}
rankpool_times=() curl_times=()
for r in $(seq "$repeat"); do
  rm -rf "$work/rp" "$work/curl"; mkdir -p "$work/curl"
  rankpool_times+=("$(seconds mpirun "${mpi_flags[@]}" "$repo/build/rankpool" fetch "$work/urls.txt" --out "$work/rp" --quiet)")
  curl_times+=("$(seconds curl --silent --fail --parallel --parallel-max "$ranks" --config "$work/curl.cfg")")
  echo "run $r/$repeat: rankpool ${rankpool_times[-1]} s, curl ${curl_times[-1]} s" >&2
done
cmp -s "$work/rp/f0" "$work/curl/f0" || die "rankpool and curl downloaded different bytes"

"$python" "$repo/scripts/bench/fetch_report.py" "$urls" "$ranks" "$delay" "$size" "$repo/bench/results" \
  "${rankpool_times[*]}" "${curl_times[*]}"
