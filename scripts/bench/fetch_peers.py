#!/usr/bin/env python3
"""The fetch benchmark's driver; run it through scripts/bench-fetch.sh, which installs, builds and
starts the nginx that serves WORK/www (and /slow/NAME: /body/slow.bin after --slow-delay seconds).

    fetch_peers.py --bin RANKPOOL --base URL --work DIR --slow-delay S --nginx-conf FILE
                   [--results DIR] [--scenario NAME]... [--repeat R] [--ranks P] [--parallel K]
                   [--scale F]

Per scenario it writes the files under WORK/www and the URL lists under WORK/lists, then runs R
repetitions; each runs every tool once, the r-th starting with the r-th tool, rankpool's run
preceded by `mpirun ... rankpool --version` (its start-up). Each tool downloads into an empty
WORK/out/TOOL, which is checked (every file there at its size, nothing else, one file compared
byte for byte) and deleted; a tool that fails, or downloads wrongly, stops the benchmark (exit 1).
Prints the medians as a Markdown table, writes it to RESULTS/fetch-peers.md with the machine and
the commands, and every run to RESULTS/fetch-peers.csv.
"""
import argparse
import csv
import datetime
import filecmp
import math
import os
import platform
import resource
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import time

from rankpool_scripts import markdown_table, mpirun

# name: (files, bytes per file, transfers per rank, description), in the order they run.
SCENARIOS = {
    "big": (4, 200_000_000, 1, "{n} files x {mb:g} MB"),
    "slow": (96, 4_000, 16, "{n} URLs x {kb:g} kB, {delay:g} s delay"),
    "small": (2000, 16_000, 1, "{n} files x {kb:g} kB"),
}
# Downloads of a run up to this many bytes are kept until the benchmark ends (bench-fetch.sh
# deletes WORK): files deleted just before a run slow down that run's file creation on some file
# systems (ext4 without a journal scans past inodes freed in the last minutes), whichever tool it is.
KEEP_OUTPUTS_UP_TO = 100_000_000
TOOLS = ["rankpool", "curl", "wget2", "aria2c"]
PEERS = TOOLS[1:]
BLOCK = 16_000_000


class BenchError(Exception):
    """A tool failed or downloaded wrongly: the benchmark must not go on."""


class Scenario:
    def __init__(self, name, a, parallel_supported):
        files, size, per_rank, what = SCENARIOS[name]
        self.name, self.a = name, a
        if name == "big":
            size = max(1, round(size * a.scale))
        else:
            files = max(1, round(files * a.scale))
        self.files, self.size = files, size
        self.delay = a.slow_delay if name == "slow" else 0.0
        self.parallel = a.parallel or per_rank
        self.in_flight = a.ranks * self.parallel
        self.what = what.format(n=files, mb=size / 1e6, kb=size / 1e3, delay=self.delay)
        if name == "big":
            self.names = [f"b{i}.bin" for i in range(files)]
            self.urls = [f"{a.base}/big/{n}" for n in self.names]
            self.sources = [os.path.join(a.work, "www", "big", n) for n in self.names]
        elif name == "small":
            self.names = [f"s{i:04d}.bin" for i in range(files)]
            self.urls = [f"{a.base}/small/{n}" for n in self.names]
            self.sources = [os.path.join(a.work, "www", "small", n) for n in self.names]
        else:  # every /slow/NAME is the same body, after the delay
            self.names = [f"w{i:02d}" for i in range(files)]
            self.urls = [f"{a.base}/slow/{n}" for n in self.names]
            self.sources = [os.path.join(a.work, "www", "body", "slow.bin")] * files
        self.parallel_flag = ["--parallel", str(self.parallel)] if parallel_supported else []
        if not parallel_supported and self.parallel != 1:
            raise BenchError(f"{a.bin} has no `fetch --parallel`, which scenario {name} needs "
                             f"(--parallel {self.parallel}); build a rankpool that has it, or pass --parallel 1")

    def prepare(self):
        """The served files (random bytes, a different stream per file) and the URL lists."""
        import numpy as np
        rng = np.random.default_rng(20240601)
        for path in dict.fromkeys(self.sources):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                left = self.size
                while left:
                    n = min(left, BLOCK)
                    f.write(rng.bytes(n))
                    left -= n
        lists = os.path.join(self.a.work, "lists")
        os.makedirs(lists, exist_ok=True)
        self.list = os.path.join(lists, f"{self.name}.txt")
        with open(self.list, "w") as f:
            f.writelines(u + "\n" for u in self.urls)
        self.curl_config = os.path.join(lists, f"{self.name}.curl")
        with open(self.curl_config, "w") as f:
            f.writelines(f'url = "{u}"\n' for u in self.urls)

    def remove(self):
        for path in dict.fromkeys(self.sources):
            os.remove(path)

    def command(self, tool, out):
        """The command line of one tool downloading every URL into the folder out."""
        a, n = self.a, str(self.in_flight)
        if tool == "rankpool":
            return mpirun(a.ranks) + [a.bin, "fetch", self.list, "--out", out, "--quiet"] + self.parallel_flag
        if tool == "startup":
            return mpirun(a.ranks) + [a.bin, "--version"]
        if tool == "curl":
            return ["curl", "-q", "--silent", "--show-error", "--fail", "--parallel", "--parallel-immediate",
                    "--parallel-max", n, "--remote-name-all", "--output-dir", out, "--config", self.curl_config]
        if tool == "wget2":
            return ["wget2", "--no-config", "--quiet", "--no-xattr", f"--max-threads={n}",
                    f"--directory-prefix={out}", f"--input-file={self.list}"]
        if tool == "aria2c":
            return ["aria2c", "--no-conf", "--quiet=true", f"--max-concurrent-downloads={n}",
                    "--max-connection-per-server=1", "--split=1", "--file-allocation=none",
                    "--allow-overwrite=true", "--auto-file-renaming=false", "--continue=false",
                    "--check-integrity=false", "--auto-save-interval=0", "--console-log-level=error",
                    "--summary-interval=0", f"--dir={out}", f"--input-file={self.list}"]
        raise ValueError(tool)


def cpu_of_children():
    """User + system CPU seconds of every finished child, grandchildren (mpirun's ranks) included."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv, log):
    """Runs argv with its output in log; its wall seconds and CPU seconds. Raises BenchError when it fails."""
    os.sync()  # so that no earlier run's pending disk work lands inside this one's timing
    with open(log, "wb") as f:
        cpu = cpu_of_children()
        start = time.perf_counter()
        code = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT).returncode
        seconds = time.perf_counter() - start
        cpu = cpu_of_children() - cpu
    if code != 0:
        with open(log, errors="replace") as f:
            tail = "".join(f.readlines()[-20:]) or "(it printed nothing)\n"
        raise BenchError(f"failed (exit code {code}):\n  {shlex.join(argv)}\n{tail}")
    return seconds, cpu


def check(s, tool, out, r):
    """Every file of the scenario in out, at its size, nothing else; file r mod N equal to its source."""
    found = set(os.listdir(out))
    missing, extra = [n for n in s.names if n not in found], sorted(found - set(s.names))
    if missing or extra:
        raise BenchError(f"{tool} ({s.name}): {len(missing)} file(s) missing {missing[:5]}, "
                         f"{len(extra)} unexpected {extra[:5]} in {out}")
    wrong = [(n, os.path.getsize(os.path.join(out, n))) for n in s.names
             if os.path.getsize(os.path.join(out, n)) != s.size]
    if wrong:
        raise BenchError(f"{tool} ({s.name}): {len(wrong)} file(s) not {s.size} bytes, e.g. {wrong[:3]}")
    i = r % s.files
    if not filecmp.cmp(os.path.join(out, s.names[i]), s.sources[i], shallow=False):
        raise BenchError(f"{tool} ({s.name}): {s.names[i]} differs from the served file {s.sources[i]}")


def run_scenario(s, a, records):
    s.prepare()
    out_root, logs = os.path.join(a.work, "out"), os.path.join(a.work, "logs")
    kept = os.path.join(a.work, "kept")
    os.makedirs(logs, exist_ok=True)
    for r in range(a.repeat):
        order = TOOLS[r % len(TOOLS):] + TOOLS[:r % len(TOOLS)]
        startup = None
        for position, tool in enumerate(order):
            out = os.path.join(out_root, tool)
            shutil.rmtree(out, ignore_errors=True)
            os.makedirs(out)
            try:
                if tool == "rankpool":
                    startup, startup_cpu = timed(s.command("startup", out), os.path.join(logs, "startup.log"))
                seconds, cpu = timed(s.command(tool, out), os.path.join(logs, f"{tool}.log"))
                synced = time.perf_counter()
                os.sync()  # what the tool left unwritten: rankpool syncs each file itself, its peers do not
                sync_after = time.perf_counter() - synced
                check(s, tool, out, r)
            except BenchError as e:
                raise BenchError(f"{tool}, scenario {s.name}, repetition {r + 1}: {e}") from None
            if s.files * s.size <= KEEP_OUTPUTS_UP_TO:
                os.makedirs(kept, exist_ok=True)
                os.rename(out, os.path.join(kept, f"{s.name}-{tool}-{r + 1}"))
            else:
                shutil.rmtree(out)
            record = {"scenario": s.name, "repetition": r + 1, "position": position + 1, "tool": tool,
                      "in_flight": s.in_flight, "ranks": a.ranks if tool == "rankpool" else "",
                      "parallel": s.parallel if tool == "rankpool" else "", "files": s.files,
                      "bytes_per_file": s.size, "delay_s": s.delay, "seconds": round(seconds, 4),
                      "sync_after_s": round(sync_after, 4), "startup_s": "", "own_s": "", "cpu_s": round(cpu, 3),
                      "own_cpu_s": ""}
            if tool == "rankpool":
                record.update(startup_s=round(startup, 4), own_s=round(seconds - startup, 4),
                              own_cpu_s=round(cpu - startup_cpu, 3))
            records.append(record)
        line = ", ".join(f"{rec['tool']} {rec['seconds']:.3f} s" for rec in records[-len(TOOLS):])
        print(f"{s.name} {r + 1}/{a.repeat}: {line} (start-up {startup:.3f} s)", file=sys.stderr)
    s.remove()


def summarise(scenarios, records):
    """The table's rows and the notes under it."""
    rows, notes = [], []
    for s in scenarios:
        mine = [rec for rec in records if rec["scenario"] == s.name]
        med = {t: statistics.median(rec["seconds"] for rec in mine if rec["tool"] == t) for t in TOOLS}
        durable = {t: statistics.median(rec["seconds"] + rec["sync_after_s"] for rec in mine if rec["tool"] == t)
                   for t in TOOLS}
        spread = {t: [rec["seconds"] for rec in mine if rec["tool"] == t] for t in TOOLS}
        own = statistics.median(rec["own_s"] for rec in mine if rec["tool"] == "rankpool")
        own_durable = statistics.median(rec["own_s"] + rec["sync_after_s"] for rec in mine if rec["tool"] == "rankpool")
        startup = statistics.median(rec["startup_s"] for rec in mine if rec["tool"] == "rankpool")
        # CPU seconds of the tool's own processes (rankpool: less its start-up's), not nginx's or the kernel's
        # writeback threads'.
        cpu = {t: statistics.median(rec["own_cpu_s" if t == "rankpool" else "cpu_s"] for rec in mine
                                    if rec["tool"] == t) for t in TOOLS}
        fastest = min(med[t] for t in PEERS)
        fastest_durable = min(durable[t] for t in PEERS)
        for t in TOOLS:
            rp = t == "rankpool"
            rows.append([f"{s.name} ({s.what})",
                         f"{s.in_flight} ({s.a.ranks} ranks x {s.parallel})" if rp else s.in_flight,
                         "rankpool fetch" if rp else t, f"{med[t]:.3f}",
                         f"{min(spread[t]):.3f}-{max(spread[t]):.3f}",
                         f"{own:.3f}" if rp else "", f"{med[t] / fastest:.2f}",
                         f"{own / fastest:.2f}" if rp else "", f"{durable[t]:.3f}",
                         f"{own_durable / fastest_durable:.2f}" if rp else "", f"{cpu[t]:.2f}"])
        best = min(PEERS, key=lambda t: med[t])
        note = (f"{s.name}: fastest peer {best} {fastest:.3f} s; rankpool start-up "
                f"(mpirun -np {s.a.ranks} rankpool --version) {startup:.3f} s")
        if s.delay:
            ideal = math.ceil(s.files / s.in_flight) * s.delay
            note += (f"; ideal ceil({s.files}/{s.in_flight}) x {s.delay:g} s = {ideal:.2f} s "
                     f"(rankpool own / ideal {own / ideal:.2f}, {best} / ideal {fastest / ideal:.2f})")
        notes.append(note)
    header = ["scenario", "in flight", "tool", "median s", "min-max s", "own s",
              "whole / fastest peer", "own / fastest peer", "then sync s", "own then sync / fastest", "CPU s"]
    return markdown_table(header, rows), notes


def first_line(argv):
    try:
        done = subprocess.run(argv, capture_output=True, text=True)
        return (done.stdout or done.stderr).strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


def file_system(path):
    """The file system type and device under `path`, as findmnt names them."""
    argv = ["findmnt", "--first-only", "--noheadings", "--output", "FSTYPE,SOURCE", "--target", os.path.realpath(path)]
    out = subprocess.run(argv, capture_output=True, text=True).stdout.split()
    return " on ".join(out) if out else "unknown"


def machine(a):
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), cpu)
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    version = subprocess.run([a.bin, "--version"], capture_output=True, text=True).stdout.split("\n")
    return [f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}",
            f"- machine: {socket.gethostname()}, `nproc` {nproc}, {cpu}, Linux {platform.release()}",
            f"- {'; '.join(l for l in version if l)}",
            f"- {' '.join(first_line(['curl', '--version']).split()[:2])}",
            f"- {first_line(['wget2', '--version']).split(' - ')[0]}",
            f"- {first_line(['aria2c', '--version'])}",
            f"- {first_line(['nginx', '-v'])} (1 worker per CPU, sendfile, no access log, HTTP/1.1 keep-alive), "
            f"serving from {file_system(os.path.join(a.work, 'www'))}; downloads into {file_system(a.work)}",
            f"- MPI: OMPI_MCA_pml={os.environ.get('OMPI_MCA_pml', '(unset)')}",
            f"- load average at the end (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}"]


def commands(scenarios, a):
    """Every command as it ran, with $WORK for the benchmark's temporary folder."""
    def show(argv):
        return shlex.join(argv).replace(a.work, "$WORK")
    lines = ["Commands (`$WORK`: the benchmark's temporary folder; `$WORK/out/TOOL` is emptied before "
             "every run; lists: one URL a line; curl's: `url = \"URL\"` lines):", ""]
    for s in scenarios:
        lines.append(f"{s.name}:")
        lines += [f"- {t}: `{show(s.command(t, os.path.join(a.work, 'out', t)))}`" for t in TOOLS]
        lines.append(f"- start-up: `{show(s.command('startup', os.path.join(a.work, 'out', 'rankpool')))}`")
        lines.append("")
    with open(a.nginx_conf) as f:
        conf = f.read().replace(a.work, "$WORK")
    return lines + ["nginx (`nginx -p $WORK/nginx -c $WORK/nginx/nginx.conf -g 'daemon off;'`):", "",
                    "```nginx", conf.rstrip(), "```"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bin", required=True)
    p.add_argument("--base", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--slow-delay", type=float, required=True)
    p.add_argument("--nginx-conf", required=True)
    p.add_argument("--results", default="bench/results")
    p.add_argument("--scenario", action="append", choices=list(SCENARIOS))
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--parallel", type=int)
    p.add_argument("--scale", type=float, default=1.0)
    a = p.parse_args()
    a.work = os.path.realpath(a.work)
    names = [n for n in SCENARIOS if n in (a.scenario or SCENARIOS)]

    help_text = subprocess.run([a.bin, "fetch", "--help"], capture_output=True, text=True).stdout
    parallel_supported = "--parallel" in help_text
    try:
        scenarios = [Scenario(n, a, parallel_supported) for n in names]
    except BenchError as e:
        print(f"bench-fetch.sh: error: {e}", file=sys.stderr)
        return 1
    if not parallel_supported:
        print(f"bench-fetch.sh: {a.bin} has no `fetch --parallel`: one transfer per rank, "
              f"run without the option", file=sys.stderr)
    runs = a.repeat * len(TOOLS)
    kept = sum(s.files * s.size * runs for s in scenarios if s.files * s.size <= KEEP_OUTPUTS_UP_TO)
    copies = 1 if os.stat(os.path.join(a.work, "www")).st_dev != os.stat(a.work).st_dev else 2  # served apart?
    need = max(copies * s.files * s.size for s in scenarios) + kept + 100_000_000
    free = shutil.disk_usage(a.work).free
    if free < need:
        print(f"bench-fetch.sh: error: {a.work} has {free / 1e9:.1f} GB free; the benchmark needs about "
              f"{need / 1e9:.1f} GB (choose another place with --out-dir)", file=sys.stderr)
        return 1

    records = []
    try:
        for s in scenarios:
            run_scenario(s, a, records)
    except BenchError as e:
        print(f"bench-fetch.sh: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench-fetch.sh: interrupted", file=sys.stderr)
        return 130

    table, notes = summarise(scenarios, records)
    intro = (f"`rankpool fetch` against curl, wget2 and aria2c from nginx on 127.0.0.1, the same number of "
             f"transfers in flight; medians of {a.repeat} repetitions, each running every tool once in "
             f"rotating order. rankpool's own time = its whole time minus the same repetition's "
             f"`mpirun -np {a.ranks} rankpool --version`. \"then sync\": the time until the files are on "
             f"disk, the run plus a `sync` right after it (rankpool syncs every file before renaming it "
             f"into place; the peers leave their files in the page cache). \"CPU s\": user + system CPU "
             f"seconds of the tool's processes (rankpool's own: less its start-up's), medians; on a machine "
             f"whose cores are all busy during a run, a tool doing more work cannot finish sooner.")
    print("\n".join([intro, ""] + table + [""] + notes))
    os.makedirs(a.results, exist_ok=True)
    with open(os.path.join(a.results, "fetch-peers.md"), "w") as f:
        f.write("\n".join(["# rankpool fetch and its peers", "", *machine(a), "", intro, "", *table, "",
                           *(f"- {n}" for n in notes), "", *commands(scenarios, a)]) + "\n")
    with open(os.path.join(a.results, "fetch-peers.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(records[0]))
        w.writeheader()
        w.writerows(records)
    print(f"bench-fetch.sh: wrote {a.results}/fetch-peers.md and fetch-peers.csv", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
