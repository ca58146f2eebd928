#!/usr/bin/env python3
"""The square benchmark driver; run it through scripts/bench.sh (which installs and builds first).

    bench.py --build DIR [--runs K] [--n N] [--ranks P] [--seed S] [--out DIR]

Runs six contenders round-robin (one uncounted warm-up round, then K counted rounds), each run
in a fresh scratch folder that is deleted afterwards:

    tutorial   the tutorial's pandas + multiprocessing.Pool code, plus h5py output
    mpi4py     the same MPI job as rankpool --io root, in mpi4py + numpy + h5py
    root       rankpool square --io root      (rank 0 generates, Scatterv/Gatherv, rank 0 writes)
    parallel   rankpool square --io parallel  (every rank generates and writes its own slice)
    limits     rankpool-limits: the best each phase could cost on this machine
    hello      rankpool-limits --hello: an empty MPI program, the cost of starting one

Every run is measured from outside by measure.py (fork/exec + os.wait4: wall time, and the peak
RSS of the largest process of the command's tree) and from inside (the program's JSON report:
per-phase seconds, slowest rank). Prints one table and writes it as Markdown and CSV, plus a CSV
of every run.
A contender that fails, or writes no report, stops the benchmark with a non-zero exit.
"""
import argparse
import csv
import datetime
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile

import h5py
import numpy as np
from rankpool_scripts import REPO, markdown_table, mpirun, oversubscribed, usable_cores

HERE = os.path.dirname(os.path.abspath(__file__))
PHASES = ["generate", "write_input", "scatter", "square", "gather", "write_output"]
GOALS = {"tutorial": 8.0, "mpi4py": 2.0, "whole": 1.3, "phase": 1.5}
MB = 1e6


class BenchError(Exception):
    """A contender failed or produced wrong results: the benchmark must not go on."""


def contenders(a):
    """(key, label, argv for a run folder, writes a report?) for each contender, in run order."""
    py, launch = a.python, mpirun(a.ranks)
    rankpool, limits = os.path.join(a.build, "rankpool"), os.path.join(a.build, "rankpool-limits")
    n, seed = str(a.n), str(a.seed)

    def square(io):
        return lambda d: launch + [rankpool, "square", "--io", io, "--n", n, "--seed", seed,
                                   "--output", f"{d}/out.h5", "--report", f"{d}/report.json"]
    return [
        ("tutorial", "tutorial (pandas + Pool)", lambda d: [
            py, f"{HERE}/tutorial_square.py", "--n", n, "--processes", str(a.ranks),
            "--output", f"{d}/out.h5", "--report", f"{d}/report.json"], True),
        ("mpi4py", "mpi4py + h5py", lambda d: launch + [
            py, f"{HERE}/mpi4py_square.py", "--n", n, "--seed", seed,
            "--output", f"{d}/out.h5", "--report", f"{d}/report.json"], True),
        ("root", "rankpool --io root", square("root"), True),
        ("parallel", "rankpool --io parallel", square("parallel"), True),
        ("limits", "limits (best case)", lambda d: launch + [
            limits, "--n", n, "--dir", d, "--report", f"{d}/report.json"], True),
        ("hello", "hello (MPI start-up)", lambda d: launch + [limits, "--hello"], False),
    ]


def spawn(argv, log_path, python):
    """Runs argv (output to log_path) under measure.py; returns (wall seconds, exit code, peak RSS bytes)."""
    done = subprocess.run([python, "-S", f"{HERE}/measure.py", log_path, "--"] + argv,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"measure.py failed: {done.stderr.strip()}")
    m = json.loads(done.stdout)
    return m["wall_s"], m["exit_code"], m["peak_rss_bytes"]


def run_once(key, label, argv_for, has_report, run_dir, round_no, python):
    """One measured run: a record with wall time, peak RSS and per-phase seconds (max over ranks)."""
    os.makedirs(run_dir)
    argv = argv_for(run_dir)
    log = os.path.join(run_dir, "log.txt")
    os.sync()  # so that no earlier run's pending disk work lands inside this one's timing
    wall, code, rss = spawn(argv, log, python)
    with open(log, errors="replace") as f:
        tail = "".join(f.readlines()[-20:]) or "(it printed nothing)\n"
    if code != 0:
        raise BenchError(f"{label} failed (exit code {code}):\n  {' '.join(argv)}\n{tail}")
    record = {"round": round_no, "contender": key, "wall_s": wall, "peak_rss_bytes": rss}
    if has_report:
        path = os.path.join(run_dir, "report.json")
        try:
            with open(path) as f:
                report = json.load(f)
            record.update({p: s["max"] for p, s in report["phases"].items()})
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise BenchError(f"{label}: no usable report ({e}):\n  {' '.join(argv)}\n{tail}")
        if "peak_rss_bytes" in report:  # the ranks' own getrusage: to check wait4's figure against
            record["ranks_peak_rss_bytes"] = report["peak_rss_bytes"]["max"]
    return record


def check_outputs(scratch, a):
    """Once per benchmark: the MPI contenders must produce bit-identical files; the tutorial's must be right."""
    def load(key):
        with h5py.File(os.path.join(scratch, key, "out.h5"), "r") as f:
            return f["numbers"][:], f["squared"][:]
    ref_numbers, ref_squared = load("root")
    if ref_squared.shape != (a.n,) or not np.array_equal(ref_squared, ref_numbers * ref_numbers):
        raise BenchError("rankpool --io root: /squared is not /numbers squared")
    for key in ("mpi4py", "parallel"):
        numbers, squared = load(key)
        for name, mine, ref in (("numbers", numbers, ref_numbers), ("squared", squared, ref_squared)):
            if mine.dtype != ref.dtype or not np.array_equal(mine, ref):
                bad = np.flatnonzero(mine != ref)[:1] if mine.shape == ref.shape else "shape"
                raise BenchError(f"{key}: /{name} differs from rankpool --io root's "
                                 f"({mine.dtype} {mine.shape} vs {ref.dtype} {ref.shape}; first difference: {bad})")
    numbers, squared = load("tutorial")  # its own random values: check the arithmetic only
    if squared.shape != (a.n,) or not np.array_equal(squared, numbers * numbers) or numbers.min() < 1 or numbers.max() > 99:
        raise BenchError("tutorial: /squared is not /numbers squared, or /numbers is not in [1, 99]")
    print(f"check: /numbers and /squared identical for mpi4py, --io root and --io parallel "
          f"(n={a.n}, seed {a.seed}); tutorial's squares correct", file=sys.stderr)


def machine(a):
    """One line about the machine and the libraries, for the table's heading."""
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(next(l for l in f if l.startswith("MemTotal")).split()[1])
    version = subprocess.run([os.path.join(a.build, "rankpool"), "--version"], capture_output=True, text=True)
    libs = {k.strip(): v.strip() for k, _, v in (l.partition(":") for l in version.stdout.splitlines()) if v}
    import mpi4py, pandas  # noqa: E401 (versions only; importing mpi4py itself does not start MPI)
    return (f"{socket.gethostname()}: {cpu}, {os.cpu_count()} cores, {mem_kib / 2**20:.1f} GiB, "
            f"Linux {platform.release()}; {libs.get('MPI', 'MPI ?')}, HDF5 {libs.get('HDF5', '?')}; "
            f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pandas.__version__}, "
            f"h5py {h5py.__version__}, mpi4py {mpi4py.__version__}")


def summarise(records, specs):
    """Medians per contender: whole time (and its min, max), peak RSS, and every reported phase."""
    out = {}
    for key, label, _, _ in specs:
        rs = [r for r in records if r["contender"] == key]
        walls = [r["wall_s"] for r in rs]
        s = {"label": label, "whole": statistics.median(walls), "min": min(walls), "max": max(walls),
             "rss_mb": statistics.median(r["peak_rss_bytes"] for r in rs) / MB}
        for p in PHASES + ["write", "total"]:
            if all(p in r for r in rs):
                s[p] = statistics.median(r[p] for r in rs)
        out[key] = s
    return out


def ratios(s):
    """The ratio rows and the goals: rows of (what, goal text, {rankpool mode: (ratio, passed)})."""
    lim, hello = s["limits"], s["hello"]["whole"]
    rows = []
    for peer in ("tutorial", "mpi4py"):
        rows.append((f"{peer} / rankpool, whole process", f">= {GOALS[peer]:g}",
                     {m: (s[peer]["whole"] / s[m]["whole"], s[peer]["whole"] / s[m]["whole"] >= GOALS[peer])
                      for m in ("root", "parallel")}))
    for peer in ("tutorial", "mpi4py"):
        # The same ratio without interpreter and MPI start-up: each program's own "total" phase
        # (generate to the end of the last write). For information; the goals are on whole processes.
        rows.append((f"{peer} / rankpool, the job's own work (total phase)", "info",
                     {m: (s[peer]["total"] / s[m]["total"], None) for m in ("root", "parallel")}))
    bound = {m: hello + sum(lim[p] for p in PHASES if p in s[m]) for m in ("root", "parallel")}
    rows.append(("rankpool whole / (hello + sum of limits)", f"<= {GOALS['whole']:g}",
                 {m: (s[m]["whole"] / bound[m], s[m]["whole"] / bound[m] <= GOALS["whole"]) for m in bound}))
    for p in PHASES:
        rows.append((f"rankpool {p} / limit", f"<= {GOALS['phase']:g}",
                     {m: (s[m][p] / lim[p], s[m][p] / lim[p] <= GOALS["phase"]) for m in ("root", "parallel") if p in s[m]}))
    return rows, bound


def report_text(s, rows, bound, records, a, host_line, specs):
    f3, f4 = (lambda x: f"{x:.3f}"), (lambda x: f"{x:.4f}")
    lines = [f"# rankpool square benchmark: {a.n:,} int64 values, {a.ranks} ranks (or Pool processes), "
             f"{a.runs} runs each", "", host_line, "",
             f"`scripts/bench.sh --runs {a.runs} --n {a.n} --ranks {a.ranks}` (seed {a.seed}). Seconds, medians "
             "over the runs, contenders alternating round-robin after one uncounted warm-up round. "
             "Whole: wall time of the whole command, mpirun start-up included, measured from outside. "
             "Peak RSS: the largest single process of the command (wait4), not the sum over ranks. "
             "Phases: from each program's own report, slowest rank.", ""]
    header = ["contender", "whole s", "min–max", "peak RSS MB"] + PHASES
    body = []
    for key, *_ in specs:
        c = s[key]
        cells = [c["label"], f3(c["whole"]), f"{f3(c['min'])}–{f3(c['max'])}", f"{c['rss_mb']:.0f}"]
        for p in PHASES:
            if p == "write_output" and "write" in c:
                cells.append(f4(c["write"]) + " *")
            else:
                cells.append(f4(c[p]) if p in c else "–")
        body.append(cells)
    lines += markdown_table(header, body)
    lines += ["", "\\* the tutorial writes /numbers and /squared together, after squaring; its `square` is "
              "np.array_split + Pool(P).map + pd.concat, pool start-up included.", "",
              "## Ratios and goals (medians; PASS/MISS against the goal)", ""]
    verdict = {True: " PASS", False: " MISS", None: ""}
    mode = lambda m, rs: f"{rs[m][0]:.2f}{verdict[rs[m][1]]}" if m in rs else "–"
    lines += markdown_table(["ratio", "goal", "rankpool --io root", "rankpool --io parallel"],
                            [[what, goal, mode("root", rs), mode("parallel", rs)] for what, goal, rs in rows])
    lines += ["", "The limits follow the root layout: rank 0 alone generates and writes every byte. --io parallel "
              "shares that work among the ranks, so its ratios are context, not a bound."]
    lines += ["", f"hello + sum of limits = {f3(bound['root'])} s for --io root (all six phases), "
              f"{f3(bound['parallel'])} s for --io parallel (its phases only); hello alone {f3(s['hello']['whole'])} s."]
    checked = [r for r in records if "ranks_peak_rss_bytes" in r]
    if checked:
        # wait4 on mpirun must see the ranks: its figure must be at least the largest rank's own.
        covered = sum(r["peak_rss_bytes"] >= r["ranks_peak_rss_bytes"] for r in checked)
        equal = sum(r["peak_rss_bytes"] == r["ranks_peak_rss_bytes"] for r in checked)
        lines += [f"Peak RSS check: in {covered} of {len(checked)} MPI runs whose report gives the ranks' own "
                  f"peak RSS, wait4's figure for the whole mpirun is at least the largest rank's "
                  f"(exactly equal in {equal}: the largest rank is the largest process)."]
    return "\n".join(lines) + "\n"


def write_files(s, rows, records, text, a):
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    base = os.path.join(a.out, f"square-{socket.gethostname()}-{stamp}")
    with open(base + ".md", "w") as f:
        f.write(text)
    cols = ["whole", "min", "max", "rss_mb"] + PHASES + ["write"]
    with open(base + ".csv", "w", newline="") as f:  # the table; ratio rows carry unit "ratio"
        w = csv.writer(f)
        w.writerow(["row", "unit", "whole_median", "whole_min", "whole_max", "peak_rss_mb_median"] + PHASES
                   + ["write"])
        for c in s.values():
            w.writerow([c["label"], "s"] + [f"{c[k]:.6g}" if k in c else "" for k in cols])
        for m in ("root", "parallel"):
            vals = {what: rs[m][0] for what, _, rs in rows if m in rs}
            w.writerow([f"rankpool --io {m} / limits", "ratio",
                        f"{vals['rankpool whole / (hello + sum of limits)']:.4g}", "", "", ""]
                       + [f"{vals[f'rankpool {p} / limit']:.4g}" if f"rankpool {p} / limit" in vals else ""
                          for p in PHASES] + [""])
            for peer in ("tutorial", "mpi4py"):
                w.writerow([f"{peer} / rankpool --io {m}", "ratio",
                            f"{vals[f'{peer} / rankpool, whole process']:.4g}"] + [""] * 10)
    with open(base + "-runs.csv", "w", newline="") as f:  # every counted run, for your own statistics
        keys = ["round", "contender", "wall_s", "peak_rss_bytes", "ranks_peak_rss_bytes"] + PHASES + ["write", "total"]
        w = csv.DictWriter(f, fieldnames=keys, extrasaction="ignore")
        w.writeheader()
        w.writerows(records)
    return [base + ".md", base + ".csv", base + "-runs.csv"]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", required=True, help="folder with rankpool and rankpool-limits")
    p.add_argument("--runs", type=int, default=10, help="counted rounds (default 10)")
    p.add_argument("--n", type=int, default=10_000_000, help="values (default 10000000)")
    p.add_argument("--ranks", type=int, default=2, help="MPI ranks and Pool processes (default 2)")
    p.add_argument("--seed", type=int, default=20240601)
    p.add_argument("--out", default=os.path.join(REPO, "bench", "results"), help="results folder")
    a = p.parse_args()
    if a.runs < 1 or a.n < 1 or a.ranks < 1:
        p.error("--runs, --n and --ranks must be at least 1")
    a.build, a.out, a.python = os.path.abspath(a.build), os.path.abspath(a.out), sys.executable
    if oversubscribed(a.ranks):
        print(f"bench: {a.ranks} ranks on {usable_cores()[0]} cores: oversubscribing; timings will not mean much",
              file=sys.stderr)
    for exe in ("rankpool", "rankpool-limits"):  # mpirun's own message for a missing program is poor
        if not os.access(os.path.join(a.build, exe), os.X_OK):
            p.error(f"{a.build}/{exe} is missing: build it (scripts/bench.sh builds it)")
    specs = contenders(a)
    os.makedirs(a.out, exist_ok=True)
    # Scratch next to the results: the same file system for every contender.
    scratch = tempfile.mkdtemp(prefix=".scratch-", dir=a.out)
    records = []
    try:
        host_line = machine(a)
        for round_no in range(a.runs + 1):  # round 0 is the warm-up: caches, page tables, disk
            for key, label, argv_for, has_report in specs:
                r = run_once(key, label, argv_for, has_report, os.path.join(scratch, key), round_no, a.python)
                if round_no > 0:  # the warm-up's outputs stay for check_outputs
                    records.append(r)
                    shutil.rmtree(os.path.join(scratch, key))
            if round_no == 0:
                check_outputs(scratch, a)
                for key, *_ in specs:
                    shutil.rmtree(os.path.join(scratch, key))
                print("warm-up round done (not counted)", file=sys.stderr)
            else:
                print(f"round {round_no}/{a.runs}: " + ", ".join(
                    f"{r['contender']} {r['wall_s']:.2f}" for r in records[-len(specs):]) + " s", file=sys.stderr)
        s = summarise(records, specs)
        rows, bound = ratios(s)
        text = report_text(s, rows, bound, records, a, host_line, specs)
        print(text)
        for path in write_files(s, rows, records, text, a):
            print(f"wrote {path}", file=sys.stderr)
    except BenchError as e:
        print(f"bench: FAILED: {e}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
