#!/usr/bin/env bash
# scripts/bench-fetch.sh [--urls N] [--ranks P] [--delay S] [--size BYTES] [--repeat R]
#
# The fetch speed check: N slow URLs, each answered by a local fault server after S seconds,
# downloaded by `rankpool fetch` on P ranks and by `curl --parallel --parallel-max P`, in
# alternating runs, R times each. Prints the medians, the ideal ceil(N/P) x S, and the ratio
# rankpool / curl; writes the table to bench/results/fetch.{csv,md}.
# Defaults: 20 URLs, 4 ranks, 0.5 s delay, 100 kB bodies, 5 repetitions.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
python=${PYTHON:-/usr/bin/python3}
urls=20 ranks=4 delay=0.5 size=100000 repeat=5
while (($#)); do
  case $1 in
    --urls) urls=$2 ;; --ranks) ranks=$2 ;; --delay) delay=$2 ;; --size) size=$2 ;; --repeat) repeat=$2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "bench-fetch.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift 2
done

[[ -x "$repo/build/rankpool" ]] || (cd "$repo" && cmake --preset release >/dev/null && cmake --build --preset release --target rankpool)
command -v curl >/dev/null || { echo "bench-fetch.sh: curl is missing; run scripts/setup.sh" >&2; exit 1; }

work=$(mktemp -d)
server_log="$work/server.log"
cleanup() { [[ -n "${server:-}" ]] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$python" -u "$repo/tests/helpers/fault_server.py" --port 0 --delay "$delay" >"$server_log" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q "serving on" "$server_log" && break; sleep 0.1; done
base=$(sed -n 's/^serving on \(http:[^ ]*\)\/ .*/\1/p' "$server_log")
[[ -n "$base" ]] || { echo "bench-fetch.sh: the fault server did not start:" >&2; cat "$server_log" >&2; exit 1; }

for i in $(seq 0 $((urls - 1))); do echo "$base/bench/$i?size=$size name=f$i"; done >"$work/urls.txt"
for i in $(seq 0 $((urls - 1))); do printf 'url = "%s/bench/%d?size=%d"\noutput = "%s/curl/f%d"\n' \
  "$base" "$i" "$size" "$work" "$i"; done >"$work/curl.cfg"

mpi_flags=(-q -np "$ranks")
((ranks > $(nproc))) && mpi_flags+=(--oversubscribe)
((EUID == 0)) && export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

seconds() { local start=$EPOCHREALTIME; "$@" >/dev/null 2>&1 || { echo "bench-fetch.sh: failed: $*" >&2; exit 1; }
            awk "BEGIN { print $EPOCHREALTIME - $start }"; }
rankpool_times=() curl_times=()
for r in $(seq "$repeat"); do
  rm -rf "$work/rp" "$work/curl"; mkdir -p "$work/curl"
  rankpool_times+=("$(seconds mpirun "${mpi_flags[@]}" "$repo/build/rankpool" fetch "$work/urls.txt" --out "$work/rp" --quiet)")
  curl_times+=("$(seconds curl --silent --fail --parallel --parallel-max "$ranks" --config "$work/curl.cfg")")
  echo "run $r/$repeat: rankpool ${rankpool_times[-1]} s, curl ${curl_times[-1]} s" >&2
done
cmp -s "$work/rp/f0" "$work/curl/f0" || { echo "bench-fetch.sh: rankpool and curl downloaded different bytes" >&2; exit 1; }

"$python" - "$urls" "$ranks" "$delay" "$size" "$repo/bench/results" "${rankpool_times[*]}" "${curl_times[*]}" <<'PY'
import math, os, platform, statistics, sys
urls, ranks, delay, size, out = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
rp, cu = [float(x) for x in sys.argv[6].split()], [float(x) for x in sys.argv[7].split()]
ideal = math.ceil(urls / ranks) * delay
rows = [("rankpool fetch", rp), ("curl --parallel", cu)]
lines = [f"{urls} URLs x {size} B, server delay {delay} s, {ranks} ranks / parallel transfers, "
         f"{len(rp)} runs each, {os.cpu_count()} cores ({platform.node()})",
         "", "| tool | median s | min s | max s | / ideal |", "| --- | --- | --- | --- | --- |"]
for name, t in rows:
    lines.append(f"| {name} | {statistics.median(t):.3f} | {min(t):.3f} | {max(t):.3f} | {statistics.median(t) / ideal:.2f} |")
lines += ["", f"ideal ceil(URLs/ranks) x delay = {ideal:.3f} s; "
          f"rankpool / curl (medians) = {statistics.median(rp) / statistics.median(cu):.2f}"]
print("\n".join(lines))
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "fetch.md"), "w") as f:
    f.write("\n".join(lines) + "\n")
with open(os.path.join(out, "fetch.csv"), "w") as f:
    f.write("tool,run,seconds,urls,ranks,delay,size\n")
    for name, t in rows:
        f.writelines(f"{name},{i},{s:.4f},{urls},{ranks},{delay},{size}\n" for i, s in enumerate(t))
PY
