"""The tables of a scaling study: raw reports -> results.csv -> summary.csv and summary.md.

Used by sweep.py (the collect step) and by plots.py (which needs only results.csv). Standard
library only, so that the tables never depend on the plotting stack.

A study folder holds
    sweep.json                        mode, size, dtype, extra rankpool arguments (identity of the study)
    raw/<io>/p<ranks>/rep<k>.json     rankpool square's own --report of one run
    raw/<io>/p<ranks>/rep<k>.meta.json  what the report cannot know: git revision, launcher, oversubscribed, ...
    raw/<io>/p<ranks>/rep<k>.log      what the run printed
and, built from them, results.csv, summary.csv and summary.md.
"""
import csv
from io import StringIO
import json
import math
import os
import re
import statistics
import tempfile

from rankpool_scripts import markdown_table

# Phases in pipeline order; a phase this list does not know goes before "total".
PHASE_ORDER = ["generate", "read", "write_input", "scatter", "square", "gather", "write_output", "total"]
IO_ORDER = ["root", "parallel"]
DTYPE_BYTES = {"int8": 1, "uint8": 1, "int16": 2, "uint16": 2, "int32": 4, "uint32": 4, "float32": 4,
               "int64": 8, "uint64": 8, "float64": 8}

# The first 16 columns are the documented interface (scripts/scaling.sh --help); later ones are extras.
RESULT_COLUMNS = ["mode", "io", "ranks", "n", "n_per_rank", "repeat", "phase", "min_s", "mean_s", "max_s",
                  "peak_rss_max_bytes", "host", "date", "git_revision", "launcher", "oversubscribed",
                  "dtype", "wall_s", "nodes", "hosts"]
SUMMARY_COLUMNS = ["mode", "io", "ranks", "n", "n_per_rank", "phase", "repeats", "median_max_s", "min_max_s",
                   "max_max_s", "baseline_ranks", "speedup", "efficiency", "oversubscribed", "nodes", "hosts"]
OVERSUBSCRIBED_NOTE = "oversubscribed: more ranks than cores; not a scaling measurement"

RAW_REPORT = re.compile(r"^rep([1-9][0-9]*)\.json$")  # not rankpool's temporary rep<k>.json.rankpool-<pid>.tmp
RANKS_DIR = re.compile(r"^p([1-9][0-9]*)$")


class StudyError(Exception):
    """Something in a study folder or a results.csv is missing or inconsistent: say what, stop."""


# ---------------------------------------------------------------------------------------------- files

def write_atomic(path, text):
    """Writes `text` to `path` through a temporary file in the same folder and a rename, so that a reader
    (or a concurrent collect step of another Slurm job) never sees half a file."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", newline="") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def csv_text(columns, rows):
    text = StringIO()
    writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: csv_value(row.get(c)) for c in columns})
    return text.getvalue()


def csv_value(v):
    """Floats in full (repr: they read back to the same number), booleans as 1/0, None as empty."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, bool):
        return int(v)
    return v


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise StudyError(f"{path}: cannot read it ({e})") from None


def phase_key(phase):
    return (PHASE_ORDER.index(phase) if phase in PHASE_ORDER else PHASE_ORDER.index("total") - 0.5, phase)


def io_key(io):
    return (IO_ORDER.index(io) if io in IO_ORDER else len(IO_ORDER), io)


def n_per_rank(n, ranks):
    """n / ranks: an integer when it divides evenly (weak scaling always does), else to 3 decimals."""
    return n // ranks if n % ranks == 0 else round(n / ranks, 3)


# ---------------------------------------------------------------------------------------------- collect

def collect_rows(out_dir):
    """One row per run x phase from the raw reports under out_dir/raw, checked against sweep.json."""
    sweep = read_json(os.path.join(out_dir, "sweep.json"))
    mode = sweep.get("mode")
    raw = os.path.join(out_dir, "raw")
    rows = []
    for io in sorted(os.listdir(raw) if os.path.isdir(raw) else [], key=io_key):
        io_dir = os.path.join(raw, io)
        if not os.path.isdir(io_dir):
            continue
        for ranks_name in os.listdir(io_dir):
            m = RANKS_DIR.match(ranks_name)
            if not m:
                continue
            ranks = int(m.group(1))
            for name in os.listdir(os.path.join(io_dir, ranks_name)):
                r = RAW_REPORT.match(name)
                if r:
                    rows += run_rows(os.path.join(io_dir, ranks_name, name), sweep, mode, io, ranks, int(r.group(1)))
    if not rows:
        raise StudyError(f"{raw}: no raw reports (raw/<io>/p<ranks>/rep<k>.json) to build tables from")
    rows.sort(key=lambda row: (io_key(row["io"]), row["ranks"], row["repeat"], phase_key(row["phase"])))
    return rows


def run_rows(path, sweep, mode, io, ranks, repeat):
    report = read_json(path)
    meta_path = path[:-len(".json")] + ".meta.json"
    meta = read_json(meta_path) if os.path.exists(meta_path) else {}
    expected_n = sweep["n"] if mode == "strong" else sweep["n_per_rank"] * ranks
    got = (report.get("io"), report.get("ranks"), report.get("n"))
    if got != (io, ranks, expected_n):
        raise StudyError(f"{path}: the report is of io={got[0]} ranks={got[1]} n={got[2]}, but its place in "
                         f"the study says io={io} ranks={ranks} n={expected_n}")
    try:
        phases = report["phases"]
        peak = report["peak_rss_bytes"]["max"]
    except (KeyError, TypeError):
        raise StudyError(f"{path}: not a rankpool square report (no phases or peak_rss_bytes)") from None
    common = {
        "mode": mode, "io": io, "ranks": ranks, "n": expected_n, "n_per_rank": n_per_rank(expected_n, ranks),
        "repeat": repeat, "peak_rss_max_bytes": peak,
        # Reports of older rankpools lack host and started; the sidecar recorded them too.
        "host": report.get("host") or meta.get("host", "unknown"),
        "date": report.get("started") or meta.get("started", "unknown"),
        "git_revision": meta.get("git_revision", "unknown"),
        "launcher": meta.get("launcher", "unknown"),
        "oversubscribed": bool(meta.get("oversubscribed", False)),
        "dtype": report.get("dtype_in", sweep.get("dtype")),
        "wall_s": meta.get("wall_s"),
        **where_ranks_ran(report),
    }
    return [dict(common, phase=phase, min_s=s["min"], mean_s=s["mean"], max_s=s["max"]) for phase, s in phases.items()]


def where_ranks_ran(report):
    """nodes, and hosts as "node1:2 node2:2" (ranks on each, in rank order); older reports: rank 0's host only."""
    per_node = report.get("ranks_per_node") or {report.get("host", "unknown"): report.get("ranks")}
    return {"nodes": len(per_node), "hosts": " ".join(f"{h}:{k}" for h, k in per_node.items())}


def host_names(hosts):
    """"node1:2 node2:2" -> ["node1", "node2"]."""
    return [h.rsplit(":", 1)[0] for h in hosts.split()]


def load_results(path):
    """results.csv back into typed rows (as collect_rows makes them)."""
    try:
        with open(path, newline="") as f:
            reader = csv.DictReader(f)
            missing = [c for c in RESULT_COLUMNS[:16] if c not in (reader.fieldnames or [])]
            if missing:
                raise StudyError(f"{path}: not a scaling results.csv (no column {', '.join(missing)})")
            rows = list(reader)
    except OSError as e:
        raise StudyError(f"{path}: cannot read it ({e})") from None
    if not rows:
        raise StudyError(f"{path}: no rows")
    typed = []
    for i, row in enumerate(rows, start=2):
        try:
            t = dict(row)
            for c in ("ranks", "n", "repeat", "peak_rss_max_bytes"):
                t[c] = int(row[c])
            npr = float(row["n_per_rank"])
            t["n_per_rank"] = int(npr) if npr.is_integer() else npr
            for c in ("min_s", "mean_s", "max_s"):
                t[c] = float(row[c])
            t["wall_s"] = float(row["wall_s"]) if row.get("wall_s") else None
            t["oversubscribed"] = row["oversubscribed"].strip().lower() in ("1", "true", "yes")
            t.setdefault("dtype", "")
            # Studies from before rankpool knew nodes: everything ran on the launching host.
            t["nodes"] = int(row["nodes"]) if row.get("nodes") else 1
            t["hosts"] = row.get("hosts") or f"{row['host']}:{row['ranks']}"
        except (KeyError, ValueError) as e:
            raise StudyError(f"{path}, line {i}: bad value ({e})") from None
        typed.append(t)
    modes = {r["mode"] for r in typed}
    if len(modes) != 1 or not modes <= {"strong", "weak"}:
        raise StudyError(f"{path}: one study (mode strong or weak) per file, found mode {', '.join(sorted(modes))}")
    return typed


# ---------------------------------------------------------------------------------------------- summary

def summarise(rows):
    """Per io, ranks and phase: the median over repeats of the slowest rank's time, its range, and the
    speedup and efficiency against the smallest rank count of that io.

    strong: speedup T0/Tp, efficiency (p0*T0)/(p*Tp) (T1/(p*Tp) when p0 = 1);
    weak:   efficiency T0/Tp, speedup the scaled one, (p/p0)*T0/Tp (work done per second, relative).
    """
    mode = rows[0]["mode"]
    runs = {}
    for r in rows:
        runs.setdefault((r["io"], r["ranks"], r["phase"]), []).append(r)
    out = []
    for io in sorted({r["io"] for r in rows}, key=io_key):
        ranks_here = sorted({r["ranks"] for r in rows if r["io"] == io})
        p0 = ranks_here[0]
        phases = sorted({r["phase"] for r in rows if r["io"] == io}, key=phase_key)
        for p in ranks_here:
            for phase in phases:
                these = runs.get((io, p, phase))
                if not these:
                    continue
                times = [r["max_s"] for r in these]
                tp = statistics.median(times)
                base = runs.get((io, p0, phase))
                t0 = statistics.median(r["max_s"] for r in base) if base else None
                speedup = efficiency = None
                oversubscribed = any(r["oversubscribed"] for r in these)
                if t0 is not None and tp > 0 and not oversubscribed:  # oversubscribed: not a scaling point
                    if mode == "strong":
                        speedup, efficiency = t0 / tp, (p0 * t0) / (p * tp)
                    else:
                        speedup, efficiency = (p / p0) * t0 / tp, t0 / tp
                nodes = sorted({r["nodes"] for r in these})
                out.append({"nodes": nodes[0] if len(nodes) == 1 else "/".join(map(str, nodes)),
                            "hosts": " ".join(sorted({r["hosts"] for r in these})),
                            "mode": mode, "io": io, "ranks": p, "n": these[0]["n"],
                            "n_per_rank": these[0]["n_per_rank"], "phase": phase, "repeats": len(these),
                            "median_max_s": tp, "min_max_s": min(times), "max_max_s": max(times),
                            "baseline_ranks": p0, "speedup": speedup, "efficiency": efficiency,
                            "oversubscribed": oversubscribed})
    return out


def seconds(x):
    """Four significant digits, never in e-notation above 0.1 ms."""
    if x is None:
        return "—"
    if x == 0:
        return "0"
    if abs(x) < 1e-4:
        return f"{x:.2e}"
    return f"{x:.{max(0, 3 - math.floor(math.log10(abs(x))))}f}"


def ratio(x):
    return "—" if x is None else f"{x:.2f}"


def describe(rows):
    """What the study is, in words: ("strong", "n = 100,000,000 int64 values (800 MB) in total")."""
    r0, mode = rows[0], rows[0]["mode"]
    dtype = r0.get("dtype") or ""  # a results.csv cut down to the documented columns has none
    size = DTYPE_BYTES.get(dtype)
    values = f"{dtype} values" if dtype else "values"
    if mode == "strong":
        n = r0["n"]
        text = f"n = {n:,} {values}" + (f" ({human_bytes(n * size)})" if size else "") + " at every rank count"
    else:
        npr = r0["n_per_rank"]
        text = f"{npr:,} {values} per rank" + (f" ({human_bytes(npr * size)})" if size else "") + ", n = ranks × that"
    return mode, text


def human_bytes(b):
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if b < 1000 or unit == "TB":
            return f"{b:.0f} {unit}" if unit == "B" else f"{b:.3g} {unit}"
        b /= 1000


def facts(rows):
    """Hosts, git revisions, launchers and the date range of the runs, for headings."""
    def uniq(key):
        return sorted({str(r[key]) for r in rows})
    dates = sorted(r["date"] for r in rows if r["date"] != "unknown")
    nodes = sorted({h for r in rows for h in host_names(r["hosts"])})
    return {"hosts": uniq("host"), "nodes": nodes, "git": uniq("git_revision"), "launchers": uniq("launcher"),
            "first": dates[0] if dates else "unknown", "last": dates[-1] if dates else "unknown"}


def summary_markdown(rows, summary):
    mode, size_text = describe(rows)
    f = facts(rows)
    p_word = "scaled speedup" if mode == "weak" else "speedup"
    lines = [f"# {mode.capitalize()} scaling of rankpool square: {size_text}", ""]
    where = f"Host {', '.join(f['hosts'])}"
    if multi_node(rows):
        where = f"Ranks on {', '.join(f['nodes'])} (the `hosts` column of results.csv: ranks per node); rank 0 on " \
                f"{', '.join(f['hosts'])}"
    lines.append(f"{where}; git {', '.join(f['git'])}; launcher {', '.join(f['launchers'])}; "
                 f"runs from {f['first']} to {f['last']}.")
    if (len(f["hosts"]) > 1 and not multi_node(rows)) or len(f["git"]) > 1:
        lines.append("")
        lines.append("**Mixed study**: the runs come from more than one host or git revision (see results.csv).")
    lines += ["", "Seconds: for each run, the slowest rank's time of each phase (the report's max over ranks); "
              "then the median over the repeats (`total min–max`: the spread of the total over the repeats). `whole` is the wall time of the whole command, launcher start-up "
              "included. Speedup and efficiency are of the `total` phase, against the smallest rank count p0 of "
              "each I/O mode: " + ("speedup T0/Tp, efficiency (p0·T0)/(p·Tp)." if mode == "strong" else
                                   "efficiency T0/Tp (1 = the time stayed flat), scaled speedup (p/p0)·T0/Tp."), ""]
    by = {(s["io"], s["ranks"], s["phase"]): s for s in summary}
    wall = {}
    for r in rows:
        if r["wall_s"] is not None and r["phase"] == "total":
            wall.setdefault((r["io"], r["ranks"]), []).append(r["wall_s"])
    any_over = False
    nodes_column = multi_node(rows)
    ios = sorted({s["io"] for s in summary}, key=io_key)
    for io in ios:
        phases = sorted({s["phase"] for s in summary if s["io"] == io}, key=phase_key)
        ranks_here = sorted({s["ranks"] for s in summary if s["io"] == io})
        lines += [f"## --io {io}", ""]
        body, eff_body = [], []
        for p in ranks_here:
            total = by.get((io, p, "total")) or by[(io, p, phases[-1])]
            over = total["oversubscribed"]
            any_over |= over
            label = f"{p}†" if over else str(p)
            w = wall.get((io, p))
            row = [label] + ([total["nodes"]] if nodes_column else []) + [f"{total['n']:,}", total["repeats"]] + [seconds(by[(io, p, ph)]["median_max_s"]) if (io, p, ph) in by else "—" for ph in phases]
            row += [f"{seconds(total['min_max_s'])}–{seconds(total['max_max_s'])}", seconds(statistics.median(w)) if w else "—"]
            # Oversubscribed points are timed but never shown as scaling.
            row += ["—", "—"] if over else [ratio(total["speedup"]), ratio(total["efficiency"])]
            body.append(row)
            eff_body.append([label] + ([total["nodes"]] if nodes_column else []) + ["—" if over or (io, p, ph) not in by else ratio(by[(io, p, ph)]["efficiency"])
                                       for ph in phases])
        header = ["ranks"] + (["nodes"] if nodes_column else []) + ["n", "repeats"] + phases + ["total min–max", "whole", p_word, "efficiency"]
        lines += markdown_table(header, body)
        lines += ["", f"Efficiency per phase (--io {io}):", ""]
        lines += markdown_table(["ranks"] + (["nodes"] if nodes_column else []) + phases, eff_body)
        lines.append("")
    if {"root", "parallel"} <= set(ios):
        both = sorted({s["ranks"] for s in summary if s["io"] == "root"} & {s["ranks"] for s in summary if s["io"] == "parallel"})
        if both:
            lines += ["## --io root against --io parallel (total, s)", ""]
            body = []
            for p in both:
                a, b = by.get(("root", p, "total")), by.get(("parallel", p, "total"))
                if not a or not b:
                    continue
                over = a["oversubscribed"] or b["oversubscribed"]
                body.append([f"{p}†" if over else str(p), seconds(a["median_max_s"]), seconds(b["median_max_s"]),
                             ratio(a["median_max_s"] / b["median_max_s"]) if b["median_max_s"] > 0 else "—"])
            lines += markdown_table(["ranks", "root", "parallel", "root / parallel"], body) + [""]
    if any_over:
        lines += [f"† {OVERSUBSCRIBED_NOTE}. Its times are listed; its speedup and efficiency are not.", ""]
    return "\n".join(lines)


def multi_node(rows):
    return any(r["nodes"] > 1 for r in rows)


def write_tables(out_dir, rows):
    """results.csv, summary.csv and summary.md in out_dir; returns the summary."""
    summary = summarise(rows)
    write_atomic(os.path.join(out_dir, "results.csv"), csv_text(RESULT_COLUMNS, rows))
    write_atomic(os.path.join(out_dir, "summary.csv"), csv_text(SUMMARY_COLUMNS, summary))
    write_atomic(os.path.join(out_dir, "summary.md"), summary_markdown(rows, summary))
    return summary
