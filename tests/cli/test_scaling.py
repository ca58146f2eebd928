"""scripts/scaling.sh and scripts/plot-scaling as a user runs them: a small strong sweep and a small weak
one (with an oversubscribed point) of the real binary, checked against the raw reports they keep;
tables recomputed here from results.csv; PNGs parsed; resume, added points, interruption, refusal
of another study in the same folder, --collect and plot-scaling on their own."""
import csv
import json
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import zlib
from pathlib import Path

import numpy as np

from rankpool_testing import BINARY, GENERATE_PHASES, PARALLEL_GENERATE_PHASES, REPO

SCALING = REPO / "scripts" / "scaling.sh"
PLOT = REPO / "scripts" / "plot-scaling"
RESULT_COLUMNS = ["mode", "io", "ranks", "n", "n_per_rank", "repeat", "phase", "min_s", "mean_s", "max_s",
                  "peak_rss_max_bytes", "host", "date", "git_revision", "launcher", "oversubscribed"]
PNGS = ["time-vs-ranks.png", "efficiency.png", "phases.png", "root-vs-parallel.png"]
PHASES = {"root": GENERATE_PHASES, "parallel": PARALLEL_GENERATE_PHASES}
CORES = 2  # RANKPOOL_CORES: the same oversubscription on every machine (here: 2 real cores)
PROGRESS = re.compile(r"^\[(\d+)/(\d+)\] (strong|weak) io=(\w+) ranks=(\d+) rep (\d+)/(\d+)( \[oversubscribed\])? \.\.\. "
                      r"\d+\.\d\d s \(total phase [\d.e+-]+ s\)$", re.M)

STRONG = ["--mode", "strong", "--ranks", "1,2", "--io", "root,parallel", "--n", "100000", "--repeat", "2"]
WEAK = ["--mode", "weak", "--ranks", "1,2,3", "--io", "root,parallel", "--n-per-rank", "50000", "--repeat", "1"]


def env():
    # PYTHON: the interpreter running the tests (it has what the scripts need). MPIEXEC passes through.
    return dict(os.environ, RANKPOOL_CORES=str(CORES), PYTHON=sys.executable,
                OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")


def scaling(*args, out=None, timeout=180):
    """Runs `scripts/scaling.sh ARGS [--out OUT]` with the tested binary (unless ARGS name one or say
    --collect); arguments after a "--" in ARGS stay last. Returns the CompletedProcess."""
    args = [str(a) for a in args]
    extra = args[args.index("--"):] if "--" in args else []
    argv = [str(SCALING), *args[:len(args) - len(extra)]]
    if out is not None:
        argv += ["--out", str(out)]
    if "--collect" not in args and "--rankpool" not in args:
        argv += ["--rankpool", BINARY]
    return subprocess.run(argv + extra, env=env(), capture_output=True, text=True, timeout=timeout)


def progress(stdout):
    """(io, ranks, rep, oversubscribed) of every point the run printed as run, checking the [i/N] numbering."""
    found = PROGRESS.findall(stdout)
    for i, m in enumerate(found, start=1):
        assert (int(m[0]), int(m[1])) == (i, len(found)), (m, stdout)
    return [(m[3], int(m[4]), int(m[5]), bool(m[7])) for m in found]


def read_csv(path):
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def png_size(path):
    """(width, height) from the IHDR chunk of a PNG, whose signature and CRC must be right."""
    data = Path(path).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13, f"{path}: first chunk is {kind}"
    body = data[16:16 + 13]
    (crc,) = struct.unpack(">I", data[29:33])
    assert zlib.crc32(kind + body) == crc, f"{path}: IHDR CRC mismatch"
    assert data.endswith(b"IEND\xaeB`\x82"), f"{path}: no IEND chunk"
    return struct.unpack(">II", body[:8])


def tree(folder):
    """{relative path: (size, mtime_ns)} of every file under folder."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in Path(folder).rglob("*") if p.is_file()}


def git_head():
    done = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


class SweepTestCase(unittest.TestCase):
    """Runs one sweep (ARGS) per class into a temporary folder, shared by the class's tests."""
    ARGS = []
    MODE = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="rankpool-scaling-")
        cls.out = Path(cls.tmp.name) / "study"
        cls.result = scaling(*cls.ARGS, out=cls.out)
        if cls.result.returncode != 0:
            cls.tmp.cleanup()
            raise AssertionError(f"scaling.sh failed ({cls.result.returncode}):\n{cls.result.stdout}{cls.result.stderr}")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def copy(self):
        """A private copy of the study folder, for tests that change it."""
        tmp = tempfile.TemporaryDirectory(prefix="rankpool-scaling-")
        self.addCleanup(tmp.cleanup)
        target = Path(tmp.name) / "study"
        shutil.copytree(self.out, target)
        return target

    def runs(self):
        """{(io, ranks, rep): (report, meta)} from the raw folder."""
        found = {}
        for report in self.out.glob("raw/*/p*/rep*.json"):
            m = re.fullmatch(r"rep(\d+)\.json", report.name)
            if m:
                meta = report.with_name(f"rep{m.group(1)}.meta.json")
                found[(report.parent.parent.name, int(report.parent.name[1:]), int(m.group(1)))] = (
                    json.loads(report.read_text()), json.loads(meta.read_text()))
        return found

    def n_of(self, ranks):
        raise NotImplementedError

    # ---- checks shared by both sweeps

    def check_raw_reports(self, expected_points, oversubscribed):
        runs = self.runs()
        self.assertEqual(sorted(runs), sorted(expected_points))
        head = git_head()
        for (io, ranks, rep), (report, meta) in runs.items():
            self.assertEqual((report["io"], report["ranks"], report["n"]), (io, ranks, self.n_of(ranks)))
            self.assertEqual(list(report["phases"]), PHASES[io])
            self.assertEqual(meta["launcher"], "mpirun")
            self.assertEqual(meta["oversubscribed"], ranks in oversubscribed)
            self.assertEqual("--oversubscribe" in meta["command"], ranks > CORES, meta["command"])
            self.assertGreater(meta["wall_s"], 0)
            if head:
                self.assertRegex(meta["git_revision"], rf"^{head}(-dirty)?$")
            else:
                self.assertEqual(meta["git_revision"], "unknown")
        # The scratch HDF5 files are gone, and so is their folder.
        self.assertEqual(list(self.out.rglob("*.h5")), [])
        self.assertFalse((self.out / "scratch").exists())
        return runs

    def check_results_csv(self, runs):
        columns, rows = read_csv(self.out / "results.csv")
        self.assertEqual(columns[:len(RESULT_COLUMNS)], RESULT_COLUMNS)
        self.assertEqual(len(rows), sum(len(report["phases"]) for report, _ in runs.values()))
        seen = set()
        for row in rows:
            key = (row["io"], int(row["ranks"]), int(row["repeat"]))
            report, meta = runs[key]
            stats = report["phases"][row["phase"]]
            seen.add(key + (row["phase"],))
            self.assertEqual(row["mode"], self.MODE)
            self.assertEqual(int(row["n"]), report["n"])
            self.assertEqual(float(row["n_per_rank"]), report["n"] / report["ranks"])
            # Full precision: the very numbers of the report.
            self.assertEqual((float(row["min_s"]), float(row["mean_s"]), float(row["max_s"])),
                             (stats["min"], stats["mean"], stats["max"]))
            self.assertEqual(int(row["peak_rss_max_bytes"]), report["peak_rss_bytes"]["max"])
            self.assertEqual((row["host"], row["date"]), (report["host"], report["started"]))
            self.assertEqual((row["git_revision"], row["launcher"]), (meta["git_revision"], "mpirun"))
            self.assertEqual(row["oversubscribed"], "1" if meta["oversubscribed"] else "0")
        self.assertEqual(len(seen), len(rows))  # one row per run x phase, none twice
        return rows

    def check_summary_csv(self, rows):
        """summary.csv against medians, speedups and efficiencies computed here from results.csv."""
        times, over = {}, {}
        for r in rows:
            times.setdefault((r["io"], int(r["ranks"]), r["phase"]), []).append(float(r["max_s"]))
            over[(r["io"], int(r["ranks"]))] = r["oversubscribed"] == "1"
        _, summary = read_csv(self.out / "summary.csv")
        self.assertEqual(len(summary), len(times))
        for s in summary:
            io, p, phase = s["io"], int(s["ranks"]), s["phase"]
            mine = times[(io, p, phase)]
            p0 = min(q for (i, q, ph) in times if i == io and ph == phase)
            t0, tp = float(np.median(times[(io, p0, phase)])), float(np.median(mine))
            if self.MODE == "strong":
                speedup, efficiency = t0 / tp, p0 * t0 / (p * tp)
            else:
                speedup, efficiency = p / p0 * t0 / tp, t0 / tp
            self.assertEqual((s["mode"], int(s["repeats"]), int(s["baseline_ranks"])), (self.MODE, len(mine), p0))
            wanted = [("median_max_s", tp), ("min_max_s", min(mine)), ("max_max_s", max(mine))]
            if over[(io, p)]:  # not a scaling measurement: no speedup, no efficiency
                self.assertEqual((s["speedup"], s["efficiency"]), ("", ""), s)
            else:
                wanted += [("speedup", speedup), ("efficiency", efficiency)]
            for name, want in wanted:
                self.assertAlmostEqual(float(s[name]), want, delta=1e-12 * max(1, abs(want)), msg=f"{name} of {s}")
            self.assertEqual(s["oversubscribed"], "1" if over[(io, p)] else "0")
            self.assertEqual(int(s["n"]), self.n_of(p))
        return summary

    def check_pngs(self, folder, names=PNGS):
        for name in names:
            width, height = png_size(Path(folder) / name)
            self.assertGreaterEqual(width, 600, name)
            self.assertGreaterEqual(height, 400, name)
            self.assertGreater((Path(folder) / name).stat().st_size, 20_000, name)  # not an empty canvas


class StrongSweepTest(SweepTestCase):
    ARGS = STRONG
    MODE = "strong"
    POINTS = [(io, p, k) for io in ("root", "parallel") for p in (1, 2) for k in (1, 2)]

    def n_of(self, ranks):
        return 100000

    def test_progress_names_each_point_once(self):
        out = self.result.stdout
        self.assertIn("8 points, 0 already done (skipped), 8 to run", out)
        self.assertRegex(out, r"warm-up io=root ranks=1 \(not recorded\) \.\.\. \d+\.\d\d s")
        self.assertEqual(sorted(progress(out)), sorted(pt + (False,) for pt in self.POINTS))
        self.assertNotIn("oversubscribed", out)
        if os.geteuid() == 0:
            self.assertIn("scaling.sh: running as root, so allowing Open MPI to run as root", self.result.stderr)

    def test_sweep_json_records_the_study(self):
        sweep = json.loads((self.out / "sweep.json").read_text())
        self.assertEqual({k: sweep[k] for k in ("mode", "n", "dtype", "extra_args")},
                         {"mode": "strong", "n": 100000, "dtype": "int64", "extra_args": []})

    def test_tables_match_the_raw_reports(self):
        runs = self.check_raw_reports(self.POINTS, oversubscribed=set())
        rows = self.check_results_csv(runs)
        self.assertEqual(len(rows), 4 * 7 + 4 * 5)
        summary = self.check_summary_csv(rows)
        self.assertEqual({(s["io"], s["ranks"]) for s in summary}, {(io, str(p)) for io in PHASES for p in (1, 2)})

    def test_summary_md(self):
        md = (self.out / "summary.md").read_text()
        self.assertIn("# Strong scaling of rankpool square: n = 100,000 int64 values", md)
        for io in ("root", "parallel"):
            self.assertIn(f"## --io {io}", md)
        self.assertIn("## --io root against --io parallel", md)
        self.assertNotIn("†", md)
        self.assertRegex(md, r"\| 1 +\| 100,000 \| 2 +\|.*\| 1\.00 +\| 1\.00 +\|")
        self.assertEqual(md, self.result.stdout[self.result.stdout.index("# Strong"):])  # also printed

    def test_pngs(self):
        self.check_pngs(self.out)

    def test_resume_runs_only_the_missing_point(self):
        out = self.copy()
        (out / "raw/root/p2/rep2.json").unlink()
        before = tree(out / "raw")
        result = scaling(*STRONG, out=out)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("8 points, 7 already done (skipped), 1 to run", result.stdout)
        self.assertEqual(progress(result.stdout), [("root", 2, 2, False)])
        after = tree(out / "raw")
        changed = {f for f in after if before.get(f) != after[f]}
        self.assertEqual(changed, {"root/p2/rep2.json", "root/p2/rep2.meta.json", "root/p2/rep2.log"})
        _, rows = read_csv(out / "results.csv")
        self.assertEqual(len(rows), 48)

    def test_rerun_with_nothing_missing_runs_nothing(self):
        out = self.copy()
        before = tree(out / "raw")
        result = scaling(*STRONG, out=out)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("8 points, 8 already done (skipped), 0 to run", result.stdout)
        self.assertNotIn("warm-up", result.stdout)
        self.assertEqual(progress(result.stdout), [])
        self.assertEqual(tree(out / "raw"), before)

    def test_more_repeats_and_ranks_add_points(self):
        out = self.copy()
        result = scaling("--mode", "strong", "--ranks", "2", "--io", "parallel", "--n", "100000", "--repeat", "3",
                         out=out)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("3 points, 2 already done (skipped), 1 to run", result.stdout)
        self.assertEqual(progress(result.stdout), [("parallel", 2, 3, False)])
        _, rows = read_csv(out / "results.csv")
        self.assertEqual(len(rows), 48 + 5)
        _, summary = read_csv(out / "summary.csv")
        self.assertEqual({s["repeats"] for s in summary if (s["io"], s["ranks"]) == ("parallel", "2")}, {"3"})

    def test_another_study_in_the_same_folder_is_refused(self):
        before = tree(self.out)
        cases = [
            (["--mode", "strong", "--ranks", "1", "--n", "200000"], "this command asks for a strong sweep with n=200000"),
            (["--mode", "weak", "--ranks", "1", "--n-per-rank", "100000"], "asks for a weak sweep with n-per-rank=100000"),
            (["--mode", "strong", "--ranks", "1", "--n", "100000", "--dtype", "int32"], "dtype int32"),
            (["--mode", "strong", "--ranks", "1", "--n", "100000", "--", "--seed", "7"], "extra arguments: --seed 7"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                result = scaling(*args, out=self.out)
                self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
                self.assertIn(f"{self.out} holds a strong sweep with n=100000, dtype int64", result.stderr)
                self.assertIn(message, result.stderr)
                self.assertNotIn("warm-up", result.stdout)
        self.assertEqual(tree(self.out), before)

    def test_collect_rebuilds_tables_and_plots(self):
        out = self.copy()
        tables = {name: (out / name).read_text() for name in ("results.csv", "summary.csv", "summary.md")}
        for name in list(tables) + PNGS:
            (out / name).unlink()
        result = scaling("--collect", out=out)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertNotIn("running as root", result.stderr)  # --collect starts no MPI job
        for name, text in tables.items():
            self.assertEqual((out / name).read_text(), text, name)
        self.check_pngs(out)

    def test_plot_scaling_into_another_folder(self):
        with tempfile.TemporaryDirectory(prefix="rankpool-plots-") as other:
            result = subprocess.run([str(PLOT), str(self.out / "results.csv"), "--out", other], env=env(),
                                    capture_output=True, text=True, timeout=120)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertEqual(result.stdout.splitlines(), [os.path.join(other, name) for name in PNGS])
            self.check_pngs(other)


class WeakSweepTest(SweepTestCase):
    ARGS = WEAK
    MODE = "weak"
    POINTS = [(io, p, 1) for io in ("root", "parallel") for p in (1, 2, 3)]

    def n_of(self, ranks):
        return 50000 * ranks

    def test_progress_marks_the_oversubscribed_point(self):
        out = self.result.stdout
        self.assertIn("6 points, 0 already done (skipped), 6 to run", out)
        self.assertIn("ranks 3: more ranks than cores, oversubscribed (mpirun --oversubscribe)", out)
        self.assertEqual(sorted(progress(out)), sorted(pt + (pt[1] == 3,) for pt in self.POINTS))

    def test_tables_match_the_raw_reports(self):
        runs = self.check_raw_reports(self.POINTS, oversubscribed={3})
        rows = self.check_results_csv(runs)
        self.assertEqual(len(rows), 3 * 7 + 3 * 5)
        self.assertEqual({r["n_per_rank"] for r in rows}, {"50000"})
        self.check_summary_csv(rows)

    def test_summary_md_marks_oversubscribed_points(self):
        md = (self.out / "summary.md").read_text()
        self.assertIn("# Weak scaling of rankpool square: 50,000 int64 values per rank", md)
        self.assertIn("† oversubscribed: more ranks than cores; not a scaling measurement", md)
        rows = [line for line in md.splitlines() if line.startswith("| 3")]
        self.assertEqual(len(rows), 5, md)  # time and efficiency tables of each io mode, and root vs parallel
        for line in rows:
            self.assertTrue(line.startswith("| 3† "), line)
        for line in [line for line in rows if "150,000" in line]:  # the time tables: no speedup, no efficiency
            self.assertRegex(line, r"\| — +\| — +\|$")
        for line in md.splitlines():
            if re.match(r"\| [12] ", line):
                self.assertNotIn("†", line)

    def test_pngs(self):
        self.check_pngs(self.out)

    def test_interrupted_sweep_resumes(self):
        out = Path(self.tmp.name) / "interrupted"
        argv = [str(SCALING), *WEAK[:-2], "--repeat", "3", "--ranks", "1", "--out", str(out), "--rankpool", BINARY]
        proc = subprocess.Popen(argv, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        seen, deadline = b"", time.monotonic() + 60
        while b"[2/6]" not in seen and time.monotonic() < deadline:  # the second point has started
            if select.select([proc.stdout], [], [], 1)[0]:
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                seen += chunk
        self.assertIn(b"[2/6]", seen)
        proc.send_signal(signal.SIGTERM)  # as Slurm cancels a job
        stdout, stderr = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 143, (seen + stdout + stderr).decode())
        done = sorted(p.name for p in out.glob("raw/*/p1/rep?.json"))
        self.assertIn(f"interrupted: {len(done)} of 6 points done; rerun the same command", stderr.decode())
        self.assertTrue(1 <= len(done) < 6, done)  # the first point at least; not all
        self.assertEqual(list(out.rglob("*.h5")) + list(out.rglob("*.tmp")), [])
        again = scaling(*WEAK[:-2], "--repeat", "3", "--ranks", "1", out=out)
        self.assertEqual(again.returncode, 0, again.stdout + again.stderr)
        self.assertIn(f"6 points, {len(done)} already done (skipped), {6 - len(done)} to run", again.stdout)
        self.assertEqual(len(progress(again.stdout)), 6 - len(done))
        self.assertEqual(len(list(out.glob("raw/*/p1/rep?.json"))), 6)


class CommandLineTest(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="rankpool-scaling-")
        self.addCleanup(tmp.cleanup)
        self.dir = Path(tmp.name)

    def test_mistakes_are_refused_before_anything_runs(self):
        cases = [
            ([*STRONG, "--rankpool", self.dir / "nothere"], "no rankpool binary at"),
            (["--mode", "weak", "--ranks", "1", "--n", "5"], "--n is for --mode strong"),
            (["--mode", "strong", "--ranks", "1", "--n-per-rank", "5"], "--n-per-rank is for --mode weak"),
            (["--mode", "strong", "--ranks", "0,2"], "--ranks: give one or more positive numbers"),
            (["--mode", "strong", "--ranks", "1,x"], "--ranks: not a list of whole numbers"),
            (["--mode", "strong", "--ranks", "1", "--io", "root,posix"], "--io: posix"),
            (["--mode", "strong", "--ranks", "1", "--", "--output", "x.h5"], "--output after --: the sweep sets that"),
            (["--mode", "strong", "--ranks", "1", "--launcher", "srun"], "not inside a Slurm allocation"),
            (["--mode", "sideways", "--ranks", "1"], "--mode"),
            (["--ranks", "1"], "say --mode strong or --mode weak"),
            (["--mode", "strong", "--ranks-per-node", "2"], "--ranks-per-node needs --nodes LIST"),
            (["--mode", "strong", "--ranks", "2", "--nodes", "1,2"], "give one node count"),
            (["--mode", "strong", "--ranks", "2", "--nodes", "1", "--ranks-per-node", "2"], "not both"),
            (["--mode", "strong", "--nodes", "1,2", "--ranks-per-node", "2"], "2 nodes need a Slurm allocation"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                result = scaling(*args, out=self.dir / "study")
                self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
                self.assertIn(message, result.stderr)
                self.assertFalse((self.dir / "study").exists())

    def test_missing_binary_says_how_to_build(self):
        result = scaling(*STRONG, "--rankpool", self.dir / "nothere", out=self.dir / "study")
        self.assertIn("cmake --build", result.stderr)

    def test_collect_without_a_study(self):
        result = scaling("--collect", out=self.dir)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("no sweep.json", result.stderr)

    def test_plot_scaling_refuses_a_csv_that_is_not_a_study(self):
        bad = self.dir / "results.csv"
        bad.write_text("a,b\n1,2\n")
        result = subprocess.run([str(PLOT), str(bad)], env=env(), capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 1)
        self.assertIn("not a scaling results.csv", result.stderr)


if __name__ == "__main__":
    unittest.main()
