#!/usr/bin/env python3
"""The scaling sweep; run it through scripts/scaling.sh (which sets up Open MPI's environment).

    sweep.py --mode strong|weak (--ranks LIST [--nodes N] | --nodes LIST --ranks-per-node K)
             [--n N | --n-per-rank N] [--io LIST] [--repeat K] [--out DIR] [--launcher mpirun|srun]
             [--rankpool PATH] [--dtype D] [-- EXTRA ARGS]
    sweep.py --collect --out DIR

Runs `rankpool square` once per io mode x rank count x repetition, keeps each run's own JSON report
under DIR/raw/<io>/p<ranks>/rep<k>.json (with a .meta.json sidecar and a .log), skips the points
whose report already exists (so an interrupted sweep resumes), then builds DIR/results.csv,
summary.csv, summary.md and the plots. See scripts/scaling.sh --help.
"""
import argparse
import datetime
import glob
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time

import tables
from rankpool_scripts import REPO, in_slurm_job, mpirun, oversubscribed, usable_cores

PROG = "scaling.sh"
IO_MODES = ["root", "parallel"]
DTYPES = list(tables.DTYPE_BYTES)
# rankpool square options the sweep sets itself (or that would make it another study).
OWNED = {"--io": "--io", "--n": "--n / --n-per-rank", "--output": "the sweep's scratch file",
         "--report": "the raw report", "--dtype": "--dtype before the --", "--input": "nothing: a sweep generates its input"}
USAGE, FAILED = 2, 1


class UsageError(Exception):
    """Bad command line, or a study folder that holds another study: nothing ran."""


class Interrupted(BaseException):
    """SIGTERM (a cancelled Slurm job, kill): stop like Ctrl-C does."""


def say(text, stream=sys.stdout):
    print(f"{PROG}: {text}", file=stream, flush=True)


# ------------------------------------------------------------------------------------ command line

def int_list(text, what):
    try:
        values = [int(v) for v in text.replace(",", " ").split()]
    except ValueError:
        raise UsageError(f"{what}: not a list of whole numbers: '{text}' (e.g. 1,2,4)") from None
    if not values or min(values) < 1:
        raise UsageError(f"{what}: give one or more positive numbers, e.g. 1,2,4 (got '{text}')")
    return sorted(set(values))


def positive(what):
    def parse(text):
        try:
            v = int(text.replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: '{text}'") from None
        if v < 1:
            raise argparse.ArgumentTypeError(f"must be at least 1, got {v}")
        return v
    parse.__name__ = what
    return parse


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def parse(argv):
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    p = Parser(prog=PROG, add_help=False)
    p.add_argument("--mode", choices=["strong", "weak"])
    p.add_argument("--ranks")
    p.add_argument("--nodes")
    p.add_argument("--ranks-per-node", type=positive("--ranks-per-node"))
    p.add_argument("--n", type=positive("--n"))
    p.add_argument("--n-per-rank", type=positive("--n-per-rank"))
    p.add_argument("--io", default="root")
    p.add_argument("--repeat", type=positive("--repeat"), default=3)
    p.add_argument("--out")
    p.add_argument("--launcher", choices=["mpirun", "srun"])
    p.add_argument("--rankpool", default=os.path.join(REPO, "build", "rankpool"))
    p.add_argument("--dtype", default="int64")
    p.add_argument("--collect", action="store_true")
    a = p.parse_args(argv)
    a.extra = extra
    if a.collect:
        if not a.out:
            raise UsageError("--collect needs --out DIR (the study folder)")
        stray = [o for o, v in (("--mode", a.mode), ("--ranks", a.ranks), ("--nodes", a.nodes),
                                ("--ranks-per-node", a.ranks_per_node), ("--n", a.n), ("--n-per-rank", a.n_per_rank))
                 if v is not None] + (["--"] if extra else [])
        if stray:
            raise UsageError(f"--collect only rebuilds the tables and plots of --out DIR; drop {', '.join(stray)}")
        return a
    if not a.mode:
        raise UsageError("say --mode strong or --mode weak (or --collect --out DIR)")
    a.ranks, a.nodes_at = plan_points(a)
    if a.mode == "strong":
        if a.n_per_rank is not None:
            raise UsageError("--n-per-rank is for --mode weak; a strong sweep keeps --n (the total) fixed")
        a.n = a.n or 10_000_000
    else:
        if a.n is not None:
            raise UsageError("--n is for --mode strong; a weak sweep takes --n-per-rank (n = ranks x that)")
        a.n_per_rank = a.n_per_rank or 10_000_000
    ios = [v for v in a.io.replace(",", " ").split()]
    bad = [v for v in ios if v not in IO_MODES]
    if not ios or bad:
        raise UsageError(f"--io: {', '.join(bad) or 'empty'}: say root, parallel or root,parallel")
    a.io = list(dict.fromkeys(ios))
    if a.dtype not in DTYPES:
        raise UsageError(f"--dtype: unknown dtype '{a.dtype}'; choose one of {', '.join(DTYPES)}")
    for arg in extra:
        name = arg.split("=", 1)[0]
        if name in OWNED:
            raise UsageError(f"{arg} after --: the sweep sets that itself (use {OWNED[name]})")
    if not a.launcher:
        a.launcher = "srun" if in_slurm_job() else "mpirun"
    if a.launcher == "srun" and not in_slurm_job():
        raise UsageError("--launcher srun: not inside a Slurm allocation (SLURM_JOB_ID is not set); "
                         "run it under sbatch or salloc, or use --launcher mpirun")
    check_nodes_available(a.nodes_at)
    if not a.out:
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        a.out = os.path.join(REPO, "runs", f"scaling-{a.mode}-{stamp}")
    a.out = os.path.abspath(a.out)
    return a


def plan_points(a):
    """(rank counts, {ranks: nodes or None}) from --ranks [--nodes N] or --nodes LIST --ranks-per-node K.

    A study runs each rank count on one node count (nodes are a property of the point, like being
    oversubscribed): other node counts at the same rank count are another study, in another folder."""
    if a.ranks_per_node is not None:
        if a.ranks:
            raise UsageError("give --ranks LIST or --nodes LIST --ranks-per-node K, not both")
        if not a.nodes:
            raise UsageError("--ranks-per-node needs --nodes LIST (e.g. --nodes 1,2,4 --ranks-per-node 8)")
        nodes = int_list(a.nodes, "--nodes")
        return [n * a.ranks_per_node for n in nodes], {n * a.ranks_per_node: n for n in nodes}
    if not a.ranks:
        raise UsageError("say which rank counts to run, e.g. --ranks 1,2,4 (or --nodes 1,2,3 --ranks-per-node 2)")
    ranks = int_list(a.ranks, "--ranks")
    if a.nodes is None:
        return ranks, {p: None for p in ranks}  # where the launcher puts them
    nodes = int_list(a.nodes, "--nodes")
    if len(nodes) > 1:
        raise UsageError(f"--nodes {a.nodes} with --ranks: give one node count to spread every rank count over, "
                         "or a list of node counts with --ranks-per-node K")
    return ranks, {p: min(p, nodes[0]) for p in ranks}  # at most one node per rank


def check_nodes_available(nodes_at):
    """More than one node needs an allocation that has them (the nodes come from Slurm)."""
    most = max((n for n in nodes_at.values() if n), default=1)
    if most == 1:
        return
    if not in_slurm_job():
        raise UsageError(f"--nodes: {most} nodes need a Slurm allocation to take them from; run the sweep inside "
                         "sbatch or salloc (or with scripts/slurm/submit-scaling.sh)")
    have = len(allocation_hosts())
    if most > have:
        raise UsageError(f"--nodes: a point needs {most} nodes, but this allocation has {have}; "
                         f"ask sbatch/salloc for --nodes {most}")


def allocation_hosts():
    """The allocation's node names, in Slurm's order (the first is where the batch script runs)."""
    nodelist = os.environ.get("SLURM_JOB_NODELIST") or os.environ.get("SLURM_NODELIST") or ""
    try:
        out = subprocess.run(["scontrol", "show", "hostnames", nodelist], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        raise UsageError(f"cannot list the allocation's nodes (scontrol show hostnames '{nodelist}': {e})") from None
    return out.stdout.split()


def split_evenly(total, parts):
    """numpy.array_split's sizes: the first total % parts parts get one more."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


# ------------------------------------------------------------------------------------ the study folder

def identity(a):
    """What makes two sweeps the same study, so that their points may share one folder."""
    size = {"n": a.n} if a.mode == "strong" else {"n_per_rank": a.n_per_rank}
    return {"mode": a.mode, **size, "dtype": a.dtype, "extra_args": a.extra}


def claim_study(out, a):
    """Creates out/sweep.json, or accepts an existing one of the same study; refuses another study.

    Several Slurm jobs (one per rank count) may start on one folder at once: the file is written
    under a private name and hard-linked to sweep.json, which fails if it exists, so exactly one
    job creates it and every other one reads a complete file and compares."""
    mine = identity(a)
    path = os.path.join(out, "sweep.json")
    record = dict(mine, format=1, created=utc_now(), created_by=" ".join([PROG] + sys.argv[1:]))
    tmp = os.path.join(out, f".sweep.json.{socket.gethostname()}.{os.getpid()}.tmp")
    with open(tmp, "w") as f:
        json.dump(record, f, indent=2)
        f.write("\n")
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    except OSError:
        # A file system without hard links: create it exclusively and write it in one go instead.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            with open(tmp) as f, os.fdopen(fd, "w") as out_file:
                out_file.write(f.read())
        except FileExistsError:
            pass
    finally:
        os.unlink(tmp)
    for attempt in range(20):  # (only without hard links can another job's file be seen half-written)
        try:
            with open(path) as f:
                theirs = json.load(f)
            break
        except ValueError:
            time.sleep(0.1)
    else:
        raise tables.StudyError(f"{path}: not a sweep record (invalid JSON); remove it or use another --out")
    theirs_id = {k: theirs.get(k) for k in mine}
    if theirs_id != mine:
        def words(d):
            size = f"n={d.get('n')}" if d.get("mode") == "strong" else f"n-per-rank={d.get('n_per_rank')}"
            extra = " ".join(d.get("extra_args") or []) or "none"
            return f"a {d.get('mode')} sweep with {size}, dtype {d.get('dtype')}, extra arguments: {extra}"
        raise UsageError(f"{out} holds {words(theirs)} (its sweep.json); this command asks for {words(mine)}. "
                         "Points of different studies cannot share a folder: give another --out, or the same "
                         "--mode, size, --dtype and extra arguments to add rank counts, io modes or repeats")


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def git_revision():
    """Short HEAD of the repository, "-dirty" when tracked files changed; "unknown" without git."""
    try:
        head = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        if head.returncode != 0:
            return "unknown"
        status = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True)
        return head.stdout.strip() + ("-dirty" if status.returncode != 0 or status.stdout.strip() else "")
    except OSError:
        return "unknown"


# ------------------------------------------------------------------------------------ running

class Runner:
    def __init__(self, a):
        self.a = a
        try:
            self.cores, self.core_kind = usable_cores()
        except ValueError as e:
            raise UsageError(str(e)) from None
        self.in_slurm = in_slurm_job()
        self.nodes = int(os.environ.get("SLURM_JOB_NUM_NODES") or 1) if self.in_slurm else 1
        self.git = git_revision()
        self.child = None

    def nodes_of(self, ranks):
        """The nodes the point asks for, or None: wherever the launcher puts the ranks."""
        return self.a.nodes_at.get(ranks)

    def oversubscribed(self, ranks):
        return oversubscribed(ranks, self.nodes_of(ranks) or self.nodes)

    def command(self, io, ranks, n, scratch, report):
        nodes = self.nodes_of(ranks)
        if self.a.launcher == "srun":
            # Never --overcommit: inside an allocation Slurm decides where ranks go.
            launch = ["srun", "--mpi=pmix", "--kill-on-bad-exit=1", "-n", str(ranks)]
            if nodes:
                launch += ["-N", str(nodes)]
                if ranks % nodes == 0:
                    launch.append(f"--ntasks-per-node={ranks // nodes}")
        else:
            launch = mpirun(ranks)
            if nodes and self.in_slurm:
                # The allocation's first `nodes` nodes, the ranks split over them as evenly as they go.
                hosts = allocation_hosts()[:nodes]
                launch += ["--host", ",".join(f"{h}:{k}" for h, k in zip(hosts, split_evenly(ranks, nodes)))]
        return launch + [os.path.abspath(self.a.rankpool), "square", "--io", io, "--n", str(n),
                         "--dtype", self.a.dtype, "--output", scratch, "--report", report, *self.a.extra]

    def run(self, point, scratch_dir):
        """One run; returns (wall seconds, report). Raises RuntimeError on failure."""
        io, ranks, k = point
        n = self.a.n if self.a.mode == "strong" else self.a.n_per_rank * ranks
        folder = os.path.join(self.a.out, "raw", io, f"p{ranks}")
        os.makedirs(folder, exist_ok=True)
        report = os.path.join(folder, f"rep{k}.json")
        # The scratch file lives in the study folder, not /tmp: with --io parallel on several nodes
        # every rank must see it, and the file system under it is part of what is measured.
        scratch = os.path.join(scratch_dir, f"{socket.gethostname()}-{os.getpid()}-{io}-p{ranks}-rep{k}.h5")
        argv = self.command(io, ranks, n, scratch, report)
        meta = {"git_revision": self.git, "launcher": self.a.launcher, "oversubscribed": self.oversubscribed(ranks),
                "cores_per_node": self.cores, "cores_counted": self.core_kind, "allocation_nodes": self.nodes,
                "nodes_requested": self.nodes_of(ranks),
                "host": socket.gethostname(), "started": utc_now(), "rankpool": os.path.abspath(self.a.rankpool),
                "slurm_job_id": os.environ.get("SLURM_JOB_ID"), "command": argv, "wall_s": None}
        meta_path = os.path.join(folder, f"rep{k}.meta.json")
        # Written before the run: a run killed just after rankpool renamed its report still has one.
        tables.write_atomic(meta_path, json.dumps(meta, indent=2) + "\n")
        log = os.path.join(folder, f"rep{k}.log")
        # Untimed: the previous run's files still being written back to disk would otherwise slow
        # this run's writes (the kernel throttles writers past its dirty-page limits).
        os.sync()
        t0 = time.monotonic()
        try:
            with open(log, "w") as out:
                self.start_child(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
                code = self.child.wait()
        finally:
            self.stop_child()
            remove_scratch(scratch)
            # rankpool's report is complete once renamed into place; a killed run leaves its temp name.
            for leftover in glob.glob(glob.escape(report) + ".rankpool-*.tmp"):
                os.remove(leftover)
        wall = time.monotonic() - t0
        if code != 0 or not os.path.exists(report):
            with open(log, errors="replace") as f:
                tail = "".join(f.readlines()[-20:]) or "(it printed nothing)\n"
            why = f"exit code {code}" if code != 0 else "exit code 0 but no report"
            raise RuntimeError(f"io={io} ranks={ranks} rep {k} failed ({why}):\n  {shlex.join(argv)}\n"
                               f"--- last lines of {log}:\n{tail}")
        meta["wall_s"] = wall
        tables.write_atomic(meta_path, json.dumps(meta, indent=2) + "\n")
        return wall, tables.read_json(report)

    def warm_up(self, point, scratch_dir):
        """One unrecorded run, so that the first recorded one does not pay for a cold page cache
        (binary, MPI and HDF5 libraries) and a cold launcher."""
        io, ranks, _ = point
        n = self.a.n if self.a.mode == "strong" else self.a.n_per_rank * ranks
        tmp = os.path.join(scratch_dir, f"{socket.gethostname()}-{os.getpid()}-warm-up")
        argv = self.command(io, ranks, n, tmp + ".h5", tmp + ".json")
        t0 = time.monotonic()
        try:
            self.start_child(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             text=True, errors="replace")
            output, _ = self.child.communicate()
            code = self.child.returncode
        finally:
            self.stop_child()
            remove_scratch(tmp + ".h5")
            remove_scratch(tmp + ".json")
        if code != 0:
            raise RuntimeError(f"the warm-up run (io={io} ranks={ranks}) failed (exit code {code}):\n"
                               f"  {shlex.join(argv)}\n{output[-3000:] or '(it printed nothing)'}")
        return time.monotonic() - t0

    def start_child(self, argv, **popen_args):
        """Popen into self.child with SIGINT and SIGTERM held until it is set: raised in between,
        Interrupted left a launcher running that stop_child did not know of, which then finished
        its point after the sweep had said how many were done. The child starts unblocked."""
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            self.child = subprocess.Popen(argv, preexec_fn=lambda: signal.pthread_sigmask(signal.SIG_SETMASK, held),
                                          **popen_args)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a signal held meanwhile is handled now

    def stop_child(self):
        """After an interruption: give the launcher a moment to stop its ranks, then kill it."""
        child, self.child = self.child, None
        if child is None or child.poll() is not None:
            return
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def remove_scratch(path):
    """The scratch file, and rankpool's temporary file for it if a killed run left one."""
    folder, name = os.path.split(path)
    for entry in os.listdir(folder) if os.path.isdir(folder) else []:
        if entry == name or (entry.startswith(name + ".rankpool-") and entry.endswith(".tmp")):
            try:
                os.unlink(os.path.join(folder, entry))
            except OSError:
                pass


def sweep(a):
    if not (os.path.isfile(a.rankpool) and os.access(a.rankpool, os.X_OK)):
        raise UsageError(f"no rankpool binary at {a.rankpool}; build it first "
                         f"(cd {REPO} && cmake --preset release && cmake --build --preset release --target rankpool), "
                         "or point --rankpool at one")
    import plots  # noqa: F401  (now, not after an hour of runs: fails loudly without matplotlib)
    runner = Runner(a)
    os.makedirs(a.out, exist_ok=True)
    claim_study(a.out, a)
    # Repetition outermost, io innermost: slow drifts of the machine (other jobs, page cache, a
    # VM's memory) spread over every point instead of landing on one rank count or mode.
    points = [(io, p, k) for k in range(1, a.repeat + 1) for p in a.ranks for io in a.io]
    done = [pt for pt in points if os.path.exists(raw_report(a.out, pt))]
    check_same_nodes(a, done)
    todo = [pt for pt in points if pt not in done]
    size = f"n={a.n}" if a.mode == "strong" else f"n-per-rank={a.n_per_rank}"
    nodes = sorted({n for n in a.nodes_at.values() if n})
    on = f" on {','.join(map(str, nodes))} node{'s' if nodes != [1] else ''}" if nodes else ""
    say(f"{a.mode} sweep of rankpool square: {size} {a.dtype}, ranks {','.join(map(str, a.ranks))}{on}, "
        f"io {','.join(a.io)}, {a.repeat} repeat{'s' if a.repeat > 1 else ''}, launcher {a.launcher}"
        + (f", extra arguments: {shlex.join(a.extra)}" if a.extra else "") + f" -> {a.out}")
    where = f"{runner.nodes} nodes x " if runner.nodes > 1 else ""
    say(f"{where}{runner.cores} {runner.core_kind}; git {runner.git}")
    over = [p for p in a.ranks if runner.oversubscribed(p)]
    if over:
        how = " (mpirun --oversubscribe)" if a.launcher == "mpirun" and not runner.in_slurm else ""
        say(f"ranks {','.join(map(str, over))}: more ranks than cores, oversubscribed{how}; "
            "marked so in the tables and plots: not scaling measurements")
    say(f"{len(points)} points, {len(done)} already done (skipped), {len(todo)} to run")
    if todo:
        scratch_dir = os.path.join(a.out, "scratch")
        os.makedirs(scratch_dir, exist_ok=True)
        try:
            print(f"warm-up io={todo[0][0]} ranks={todo[0][1]} (not recorded) ...", end=" ", flush=True)
            print(f"{runner.warm_up(todo[0], scratch_dir):.2f} s", flush=True)
            for i, pt in enumerate(todo, start=1):
                io, p, k = pt
                mark = " [oversubscribed]" if runner.oversubscribed(p) else ""
                where = f" nodes={runner.nodes_of(p)}" if runner.nodes_of(p) else ""
                print(f"[{i}/{len(todo)}] {a.mode} io={io} ranks={p}{where} rep {k}/{a.repeat}{mark} ...", end=" ",
                      flush=True)
                wall, report = runner.run(pt, scratch_dir)
                print(f"{wall:.2f} s (total phase {tables.seconds(report['phases']['total']['max'])} s)", flush=True)
        except (KeyboardInterrupt, Interrupted) as e:
            runner.stop_child()
            finished = sum(os.path.exists(raw_report(a.out, pt)) for pt in points)
            print(flush=True)
            say(f"interrupted: {finished} of {len(points)} points done; rerun the same command to go on "
                "where it stopped", sys.stderr)
            raise SystemExit(143 if isinstance(e, Interrupted) else 130)
        except RuntimeError as e:
            print(flush=True)
            say(f"error: {e}", sys.stderr)
            say("the points done so far are kept; rerun the same command to go on where it stopped", sys.stderr)
            raise SystemExit(FAILED)
        finally:
            try:
                os.rmdir(scratch_dir)  # only when empty: a concurrent job may still use it
            except OSError:
                pass
    collect(a.out)


def check_same_nodes(a, done):
    """A point already run on another node count than this command asks for: another study."""
    for io, p, k in done:
        meta = raw_report(a.out, (io, p, k))[:-len(".json")] + ".meta.json"
        had = tables.read_json(meta).get("nodes_requested") if os.path.exists(meta) else None
        if had != a.nodes_at.get(p):
            def words(n):
                return f"{n} node{'s' if n != 1 else ''}" if n else "the launcher's choice of nodes"
            raise UsageError(f"{a.out} has ranks={p} run on {words(had)} ({meta}); this command asks for "
                             f"{words(a.nodes_at.get(p))}. A study runs each rank count on one node count: "
                             "give another --out to compare node counts at the same rank count")


def raw_report(out, point):
    io, p, k = point
    return os.path.join(out, "raw", io, f"p{p}", f"rep{k}.json")


def collect(out):
    import plots
    if not os.path.exists(os.path.join(out, "sweep.json")):
        raise tables.StudyError(f"{out}: no sweep.json; is this a scaling study folder?")
    rows = tables.collect_rows(out)
    tables.write_tables(out, rows)
    pngs = plots.plot_all(rows, out)
    runs = len({(r["io"], r["ranks"], r["repeat"]) for r in rows})
    say(f"{runs} run{'' if runs == 1 else 's'}: tables {', '.join(os.path.join(out, f) for f in ('results.csv', 'summary.csv', 'summary.md'))}")
    say(f"plots {', '.join(pngs)}")
    print()
    with open(os.path.join(out, "summary.md")) as f:
        print(f.read(), end="")


def main(argv):
    def on_term(signum, frame):
        raise Interrupted()
    signal.signal(signal.SIGTERM, on_term)
    try:
        a = parse(argv)
        if a.collect:
            collect(a.out)
        else:
            sweep(a)
    except UsageError as e:
        say(f"error: {e}", sys.stderr)
        if "--help" not in str(e):
            print(f"Run {PROG} --help for more information.", file=sys.stderr)
        return USAGE
    except tables.StudyError as e:
        say(f"error: {e}", sys.stderr)
        return FAILED
    except ImportError as e:
        say(f"error: the plots need matplotlib ({e}); install python3-matplotlib (scripts/setup.sh bench does) "
            "or set PYTHON to a Python that has it", sys.stderr)
        return FAILED
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
