#!/usr/bin/env python3
"""The fetch benchmark's table; run by scripts/bench-fetch.sh with its settings and timings.

    fetch_report.py URLS RANKS DELAY SIZE OUT_DIR "RANKPOOL SECONDS..." "CURL SECONDS..."

Prints the medians, min and max of each tool, each against the ideal ceil(URLS/RANKS) x DELAY, and
rankpool / curl; writes that to OUT_DIR/fetch.md and every run to OUT_DIR/fetch.csv.
"""
import math
import os
import platform
import statistics
import sys

from rankpool_scripts import markdown_table


def main(urls, ranks, delay, size, out, rankpool_times, curl_times):
    urls, ranks, delay, size = int(urls), int(ranks), float(delay), int(size)
    rp, cu = [float(x) for x in rankpool_times.split()], [float(x) for x in curl_times.split()]
    ideal = math.ceil(urls / ranks) * delay
    rows = [("rankpool fetch", rp), ("curl --parallel", cu)]
    lines = [f"{urls} URLs x {size} B, server delay {delay} s, {ranks} ranks / parallel transfers, "
             f"{len(rp)} runs each, {os.cpu_count()} cores ({platform.node()})", ""]
    lines += markdown_table(["tool", "median s", "min s", "max s", "/ ideal"],
                            [[name, f"{statistics.median(t):.3f}", f"{min(t):.3f}", f"{max(t):.3f}",
                              f"{statistics.median(t) / ideal:.2f}"] for name, t in rows])
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


if __name__ == "__main__":
    main(*sys.argv[1:])
