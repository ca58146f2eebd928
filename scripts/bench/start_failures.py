#!/usr/bin/env python3
"""start_failures.py --runs N [--variant NAME=VAR=VALUE,VAR2=VALUE ...] [--csv FILE] -- LAUNCH...

Starts LAUNCH (a launcher with a small job, e.g. `srun -N 3 -n 6 --mpi=pmix build/rankpool square --n 1000`)
N times per variant, the variants alternating (ABAB, then BABA), and counts the starts that failed, those
with a rank's SIGSEGV among them, and the median time of the good ones. A variant is a name and the
environment it adds ("ring=SLURM_PMIX_FENCE=ring"; "default=" adds nothing); without --variant, one
variant "as is". Prints a Markdown table; --csv FILE keeps every start (variant, exit code, seconds,
segv), and the output of each failed start goes to FILE.fail-ROUND-VARIANT.log beside it.

Used for docs/testing.md's start-up crash figures; run it after the exports of `scripts/slurm-local.sh up`.
"""
import argparse
import csv
import os
import statistics
import subprocess
import sys
import time

from rankpool_scripts import markdown_table


def parse_variant(text):
    name, _, settings = text.partition("=")
    if not name:
        raise argparse.ArgumentTypeError(f"{text!r}: say NAME=VAR=VALUE,... (or NAME= for nothing added)")
    added = {}
    for pair in filter(None, settings.split(",")):
        key, equals, value = pair.partition("=")
        if not equals:
            raise argparse.ArgumentTypeError(f"{pair!r}: not VAR=VALUE")
        added[key] = value
    return name, added


def start(launch, added):
    """(exit code, seconds, output) of one start; a start past 120 s counts as failed (code 'timeout')."""
    began = time.monotonic()
    try:
        done = subprocess.run(launch, env={**os.environ, **added}, capture_output=True, text=True, timeout=120)
        code, output = done.returncode, done.stdout + done.stderr
    except subprocess.TimeoutExpired as expired:
        code, output = "timeout", f"{expired.stdout or ''}{expired.stderr or ''}"
    return code, time.monotonic() - began, output


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1], usage=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, required=True, help="starts per variant")
    parser.add_argument("--variant", type=parse_variant, action="append", help="NAME=VAR=VALUE,...")
    parser.add_argument("--csv", help="every start, one row each")
    parser.add_argument("launch", nargs="+", help="the launcher and its job (after --)")
    args = parser.parse_args()
    variants = args.variant or [("as is", {})]
    rows = []
    for round_ in range(args.runs):
        for name, added in variants if round_ % 2 == 0 else variants[::-1]:
            code, seconds, output = start(args.launch, added)
            segv = "Segmentation fault" in output or "signal 11" in output
            rows.append({"round": round_, "variant": name, "code": code, "seconds": f"{seconds:.3f}",
                         "segv": int(segv)})
            if code != 0 and args.csv:
                with open(f"{args.csv}.fail-{round_}-{name}.log", "w") as log:
                    log.write(output)
    if args.csv:
        with open(args.csv, "w", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    table = []
    for name, _ in variants:
        mine = [r for r in rows if r["variant"] == name]
        good = [float(r["seconds"]) for r in mine if r["code"] == 0]
        failed = sum(r["code"] != 0 for r in mine)
        median = f"{statistics.median(good):.3f}" if good else "-"
        table.append([name, len(mine), failed, sum(r["segv"] for r in mine), median])
    print("\n".join(markdown_table(["variant", "starts", "failed", "of which SIGSEGV", "median s (good starts)"],
                                   table)))
    return 1 if any(row[2] for row in table) else 0


if __name__ == "__main__":
    sys.exit(main())
