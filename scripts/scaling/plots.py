#!/usr/bin/env python3
"""The plots of a scaling study, from its results.csv alone; run it as scripts/plot-scaling.

    plots.py RESULTS.csv [--out DIR]      (DIR: default the folder of RESULTS.csv)

Writes PNGs (matplotlib, Agg: no display needed):
    time-vs-ranks.png     per io mode: total and phase-group times vs ranks, log-log, with the ideal line
    efficiency.png        speedup (strong) or scaled speedup (weak) and parallel efficiency vs ranks
    phases.png            per io mode: stacked bars of where the time goes at each rank count
    root-vs-parallel.png  total time of both io modes side by side (only when both ran)
Oversubscribed points (more ranks than cores) are hollow markers, hatched bars and a dagger on the
rank count: they are shown, but are not scaling measurements. When ranks ran on more than one node,
every rank count is labelled with its node count ("6 / 3 nodes") and the axes say so.
"""
import argparse
import os
import statistics
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter, NullLocator  # noqa: E402

import tables  # noqa: E402

# Where the time goes, in four groups (the pipeline's phases, README "I/O modes").
GROUPS = [("generate / read", ("generate", "read"), "tab:green"),
          ("I/O (write_input + write_output)", ("write_input", "write_output"), "tab:orange"),
          ("communication (scatter + gather)", ("scatter", "gather"), "tab:purple"),
          ("square", ("square",), "tab:red")]
REST, REST_COLOR = "rest of total (between phases: barriers, file create/open/close)", "lightgray"
IO_COLORS = {"root": "tab:blue", "parallel": "tab:orange"}
DPI = 120


def io_color(io, i):
    return IO_COLORS.get(io, f"C{i + 2}")


class Study:
    """What the plots need from results.csv rows: per io and ranks, the medians of total and of each group."""

    def __init__(self, rows):
        self.rows = rows
        self.mode, self.size_text = tables.describe(rows)
        self.facts = tables.facts(rows)
        self.summary = tables.summarise(rows)
        self.ios = sorted({r["io"] for r in rows}, key=tables.io_key)
        self.total = {(s["io"], s["ranks"]): s for s in self.summary if s["phase"] == "total"}
        self.over = {(s["io"], s["ranks"]): s["oversubscribed"] for s in self.summary}
        self.nodes = {(s["io"], s["ranks"]): s["nodes"] for s in self.summary}
        self.multi_node = tables.multi_node(rows)
        self.repeats = sorted({s["repeats"] for s in self.total.values()})
        # Per run: the sum of each group's phases (each the slowest rank's), then medians over repeats.
        per_run = {}
        for r in rows:
            for name, members, _ in GROUPS:
                if r["phase"] in members:
                    key = (r["io"], r["ranks"], name)
                    per_run.setdefault(key, {}).setdefault(r["repeat"], 0.0)
                    per_run[key][r["repeat"]] += r["max_s"]
        self.groups = {k: statistics.median(v.values()) for k, v in per_run.items()}

    def ranks(self, io):
        return sorted(p for (i, p) in self.total if i == io)

    def any_over(self):
        return any(self.over.values())

    def title(self, what):
        repeats = "/".join(map(str, self.repeats))
        where = (f"nodes {', '.join(self.facts['nodes'])}" if self.multi_node
                 else f"host {', '.join(self.facts['hosts'])}")
        return (f"{what}: {self.mode} scaling of rankpool square, {self.size_text}\n"
                f"{where} · median of {repeats} repeat{'s' if self.repeats != [1] else ''}, "
                f"slowest rank · git {', '.join(self.facts['git'])} · {', '.join(self.facts['launchers'])}")

    def rank_label(self, io, p):
        return self.with_nodes(f"{p}†" if self.over.get((io, p)) else str(p), self.nodes.get((io, p)))

    def with_nodes(self, label, nodes):
        """"6" -> "6\n3 nodes" when the study spans nodes: the node count belongs to the point."""
        if not self.multi_node or nodes is None:
            return label
        return f"{label}\n{nodes} node{'' if nodes == 1 else 's'}"

    def ranks_title(self):
        return "MPI ranks / nodes" if self.multi_node else "MPI ranks"


def ranks_axis(ax, ranks, label=lambda p: str(p), title="MPI ranks"):
    """Log2 x axis with a tick at each rank count measured, labelled as plain numbers."""
    ax.set_xscale("log", base=2)
    ax.set_xticks(ranks)
    ax.set_xticklabels([label(p) for p in ranks])
    ax.xaxis.set_minor_locator(NullLocator())
    lo, hi = min(ranks), max(ranks)
    ax.set_xlim(lo / 1.35, hi * 1.35)
    ax.set_xlabel(title)


def plain_log_y(ax):
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))


def series(ax, xs, ys, over, color, label, lw=1.5, marker="o", yerr=None, ms=6, zorder=3):
    """A line through the points; hollow markers and a dotted line into oversubscribed points."""
    pts = [(x, y, o, e) for x, y, o, e in zip(xs, ys, over, yerr or [None] * len(xs)) if y is not None and y > 0]
    if not pts:
        return
    normal = [p for p in pts if not p[2]]
    if normal:
        ax.plot([p[0] for p in normal], [p[1] for p in normal], color=color, lw=lw, label=label, zorder=zorder)
    last = normal[-1:] if normal else []
    overs = [p for p in pts if p[2]]
    if overs:
        ax.plot([p[0] for p in last + overs], [p[1] for p in last + overs], color=color, lw=lw, ls=":",
                label=None if normal else label, zorder=zorder)
    for x, y, o, e in pts:
        if e is not None:
            ax.errorbar([x], [y], yerr=[[y - e[0]], [e[1] - y]], color=color, capsize=3, lw=1, zorder=zorder)
        ax.plot([x], [y], marker=marker, ms=ms, color=color, mfc="white" if o else color, mew=1.5, zorder=zorder + 1)


LINES_NOTE = "hollow markers, dotted lines and † : oversubscribed (more ranks than cores), not a scaling measurement"
BARS_NOTE = "hatched bars and † : oversubscribed (more ranks than cores), not a scaling measurement"


def finish(fig, study, title, path, note=LINES_NOTE, bottom=0.04, title_size=11):
    """Title, the oversubscription note (when a point is oversubscribed), layout, PNG file."""
    fig.suptitle(study.title(title), fontsize=title_size)
    if study.any_over():
        fig.text(0.5, 0.012, note, ha="center", va="bottom", fontsize=9, color="dimgray", style="italic")
    fig.tight_layout(rect=(0, bottom, 1, 1))
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def time_vs_ranks(study, path):
    n = len(study.ios)
    fig, axes = plt.subplots(1, n, figsize=(max(10.5, 6.2 * n), 6.2), sharey=True, squeeze=False)
    for ax, io in zip(axes[0], study.ios):
        ranks = study.ranks(io)
        over = [study.over[(io, p)] for p in ranks]
        tot = [study.total[(io, p)] for p in ranks]
        p0, t0 = ranks[0], tot[0]["median_max_s"]
        ideal = [t0 * p0 / p if study.mode == "strong" else t0 for p in ranks]
        ax.plot(ranks, ideal, color="gray", ls="--", lw=1.2,
                label="ideal total: T0·p0/p" if study.mode == "strong" else "ideal total: flat (T0)", zorder=2)
        for name, _, color in GROUPS:
            ys = [study.groups.get((io, p, name)) for p in ranks]
            if any(y is not None for y in ys):
                series(ax, ranks, ys, over, color, name, lw=1.1, marker="s", ms=4.5)
        series(ax, ranks, [t["median_max_s"] for t in tot], over, "black", "total (error bar: min–max of repeats)",
               lw=2.2, yerr=[(t["min_max_s"], t["max_max_s"]) for t in tot], ms=7, zorder=5)
        ranks_axis(ax, ranks, lambda p: study.rank_label(io, p), study.ranks_title())
        plain_log_y(ax)
        floor = min(t["median_max_s"] for t in study.total.values()) / 1000
        if any(v is not None and 0 < v < floor for (i, _, _), v in study.groups.items() if i == io):
            ax.text(0.01, 0.99, "phase times under 1/1000 of the smallest total: below the axis",
                    transform=ax.transAxes, fontsize=7.5, color="dimgray", va="top")
        ax.set_title(f"--io {io}")
        ax.grid(True, which="major", alpha=0.3)
    # One legend for all panels, below them: inside, it would hide points.
    labels = {}
    for ax in axes[0]:
        for h, label in zip(*ax.get_legend_handles_labels()):
            labels.setdefault(label, h)
    fig.legend(labels.values(), labels.keys(), loc="lower center", ncol=3, fontsize=8.5, frameon=False,
               bbox_to_anchor=(0.5, 0.045))
    axes[0][0].set_ylabel("time (s), slowest rank, median over repeats")
    values = [v for v in study.groups.values() if v and v > 0] + [t["max_max_s"] for t in study.total.values()]
    floor = min(t["median_max_s"] for t in study.total.values()) / 1000
    axes[0][0].set_ylim(max(min(values), floor) / 1.5, max(values) * 1.5)  # shared by the panels
    finish(fig, study, "Time vs ranks", path, bottom=0.14)


def efficiency(study, path):
    fig, (sp, ef) = plt.subplots(1, 2, figsize=(12.4, 5.2))
    all_ranks = sorted({p for (_, p) in study.total})
    word = "speedup" if study.mode == "strong" else "scaled speedup"
    ideal_drawn = False
    for i, io in enumerate(study.ios):
        ranks = study.ranks(io)
        over = [study.over[(io, p)] for p in ranks]
        tot = [study.total[(io, p)] for p in ranks]
        color = io_color(io, i)
        if not ideal_drawn:
            p0 = ranks[0]
            sp.plot(all_ranks, [p / p0 for p in all_ranks], color="gray", ls="--", lw=1.2, label="ideal: p/p0")
            ideal_drawn = True
        series(sp, ranks, [t["speedup"] for t in tot], over, color, f"--io {io}")
        series(ef, ranks, [t["efficiency"] for t in tot], over, color, f"--io {io}")
        for p, t, o in zip(ranks, tot, over):
            if t["efficiency"] is not None:
                ef.annotate(f"{t['efficiency']:.2f}" + ("†" if o else ""), (p, t["efficiency"]),
                            textcoords="offset points", xytext=(6, 6 if i == 0 else -14), fontsize=8, color=color)
    ef.axhline(1.0, color="gray", ls="--", lw=1.2, label="ideal: 1.0")
    top = max([1.0] + [t["efficiency"] for t in study.total.values() if t["efficiency"] is not None])
    ef.set_ylim(0, top * 1.15)
    for ax in (sp, ef):
        ranks_axis(ax, all_ranks, lambda p: study.with_nodes(
            f"{p}†" if any(study.over.get((io, p)) for io in study.ios) else str(p),
            next((study.nodes[(io, p)] for io in study.ios if (io, p) in study.nodes), None)), study.ranks_title())
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=9, loc="best")
    sp.set_yscale("log", base=2)
    sp.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    sp.set_ylabel(f"{word} of the total phase" + (" (T0/Tp)" if study.mode == "strong" else " ((p/p0)·T0/Tp)"))
    sp.set_title(word.capitalize())
    ef.set_ylabel("parallel efficiency" + (" (p0·T0)/(p·Tp)" if study.mode == "strong" else " T0/Tp"))
    ef.set_title("Parallel efficiency of the total phase")
    finish(fig, study, "Speedup and efficiency", path)


def phases(study, path):
    n = len(study.ios)
    fig, axes = plt.subplots(1, n, figsize=(max(10.5, 6.2 * n), 5.4), sharey=True, squeeze=False)
    used, ymax = set(), 0.0
    for ax, io in zip(axes[0], study.ios):
        ranks = study.ranks(io)
        xs = list(range(len(ranks)))
        bottom = [0.0] * len(ranks)
        for name, _, color in GROUPS:
            ys = [study.groups.get((io, p, name), 0.0) for p in ranks]
            if not any(ys):
                continue
            used.add(name)
            for x, y, b, p in zip(xs, ys, bottom, ranks):
                o = study.over[(io, p)]
                ax.bar(x, y, bottom=b, width=0.62, color=color, alpha=0.45 if o else 0.9,
                       hatch="///" if o else None, edgecolor="black" if o else "white", lw=0.6)
            bottom = [b + y for b, y in zip(bottom, ys)]
        totals = [study.total[(io, p)]["median_max_s"] for p in ranks]
        # The total also holds what lies between the phases (barriers, creating, opening and closing
        # files): shown when the phases' slowest ranks add up to less than it.
        rest = [max(0.0, t - b) for t, b in zip(totals, bottom)]
        if any(r > 0.02 * t for r, t in zip(rest, totals)):
            used.add(REST)
            for x, y, b, p in zip(xs, rest, bottom, ranks):
                o = study.over[(io, p)]
                ax.bar(x, y, bottom=b, width=0.62, color=REST_COLOR, alpha=0.45 if o else 0.9,
                       hatch="///" if o else None, edgecolor="black" if o else "white", lw=0.6)
            bottom = [b + y for b, y in zip(bottom, rest)]
        ax.scatter(xs, totals, marker="_", s=900, color="black", lw=2.2, zorder=5)
        for x, t, b in zip(xs, totals, bottom):
            ax.annotate(f"{tables.seconds(t)} s", (x, max(t, b)), textcoords="offset points", xytext=(0, 5),
                        ha="center", fontsize=8)
        ax.set_xticks(xs)
        ax.set_xticklabels([study.rank_label(io, p) for p in ranks])
        pad = max(0.0, (3 - len(ranks)) / 2)  # one or two bars: not as wide as the panel
        ax.set_xlim(-0.6 - pad, len(ranks) - 0.4 + pad)
        ax.set_xlabel(study.ranks_title())
        ax.set_title(f"--io {io}")
        ax.grid(True, axis="y", alpha=0.3)
        ymax = max(ymax, max(totals), max(bottom))
    axes[0][0].set_ylim(0, ymax * 1.12)  # shared by the panels
    axes[0][0].set_ylabel("time (s): each phase's slowest rank, median over repeats")
    handles = [Patch(color=c, label=name) for name, _, c in GROUPS + [(REST, (), REST_COLOR)] if name in used]
    handles.append(plt.Line2D([], [], color="black", marker="_", ms=18, mew=2.2, ls="",
                              label="total phase (start to end of write_output)"))
    if study.any_over():
        handles.append(Patch(facecolor="white", edgecolor="black", hatch="///", label="oversubscribed"))
    axes[0][-1].legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    finish(fig, study, "Where the time goes", path, BARS_NOTE)


def root_vs_parallel(study, path):
    ranks = sorted(set(study.ranks("root")) & set(study.ranks("parallel")))
    fig, ax = plt.subplots(figsize=(max(10.5, 1.6 * len(ranks) + 3), 5.4))
    width = 0.36
    for j, io in enumerate(("root", "parallel")):
        for x, p in enumerate(ranks):
            t, o = study.total[(io, p)], study.over[(io, p)]
            y = t["median_max_s"]
            ax.bar(x + (j - 0.5) * width, y, width=width * 0.95, color=IO_COLORS[io], alpha=0.45 if o else 0.9,
                   hatch="///" if o else None, edgecolor="black" if o else "white", lw=0.6,
                   label=f"--io {io}" if x == 0 else None)
            ax.errorbar(x + (j - 0.5) * width, y, yerr=[[y - t["min_max_s"]], [t["max_max_s"] - y]], color="black",
                        capsize=3, lw=1)
    for x, p in enumerate(ranks):
        a, b = study.total[("root", p)], study.total[("parallel", p)]
        if b["median_max_s"] > 0:
            top = max(a["max_max_s"], b["max_max_s"])
            ax.annotate(f"root / parallel\n= {a['median_max_s'] / b['median_max_s']:.2f}", (x, top),
                        textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
    ax.set_xticks(range(len(ranks)))
    ax.set_xticklabels([study.with_nodes(f"{p}†" if study.over[("root", p)] or study.over[("parallel", p)] else str(p),
                                         study.nodes[("root", p)]) for p in ranks])
    ax.set_xlabel(study.ranks_title())
    ax.set_ylabel("total phase (s), slowest rank, median\n(error bar: min–max of repeats)")
    ax.set_ylim(0, max(max(study.total[(io, p)]["max_max_s"] for io in ("root", "parallel")) for p in ranks) * 1.25)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(fontsize=9, loc="upper left")
    ax.set_title("--io root (rank 0 holds, scatters, gathers and writes) vs --io parallel (every rank its slice)",
                 fontsize=9)
    finish(fig, study, "Root vs parallel I/O", path, BARS_NOTE, title_size=10)


def plot_all(rows, out_dir):
    """Writes the PNGs into out_dir; returns their paths."""
    os.makedirs(out_dir, exist_ok=True)
    study = Study(rows)
    made = []
    jobs = [("time-vs-ranks.png", time_vs_ranks), ("efficiency.png", efficiency), ("phases.png", phases)]
    if {"root", "parallel"} <= set(study.ios) and set(study.ranks("root")) & set(study.ranks("parallel")):
        jobs.append(("root-vs-parallel.png", root_vs_parallel))
    for name, draw in jobs:
        path = os.path.join(out_dir, name)
        tmp = os.path.join(out_dir, f".{name}.{os.getpid()}.tmp.png")
        draw(study, tmp)
        os.replace(tmp, path)  # a concurrent collect step never leaves half a PNG
        made.append(path)
    return made


def main(argv):
    p = argparse.ArgumentParser(prog="plot-scaling", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("results", metavar="RESULTS.csv", help="a scaling study's results.csv")
    p.add_argument("--out", metavar="DIR", help="folder for the PNGs (default: the folder of RESULTS.csv)")
    a = p.parse_args(argv)
    try:
        rows = tables.load_results(a.results)
        for path in plot_all(rows, a.out or os.path.dirname(os.path.abspath(a.results))):
            print(path)
    except tables.StudyError as e:
        print(f"plot-scaling: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
