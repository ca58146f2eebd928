"""`rankpool fetch` across ranks and what it prints: the three schedules at 1, 3 and 4 ranks, failures on
some ranks, the report, the stdout table and totals, the per-file stderr lines, --quiet, live progress
(--progress, or stderr a terminal without mpirun), a terminal on stdout, and usage errors."""
import re
import socket
import unittest

import numpy as np

from fetch_testing import (REPORT_KEYS, RESULT_KEYS, FetchTestCase, attempts_text, content,
                           launch, totals)

HEADER = ["file", "status", "http", "bytes", "attempts", "seconds", "rank", "error"]


def block_ranks(n, ranks):
    """The rank of each of n URLs under --schedule block (np.array_split of the indices)."""
    return [rank for rank, chunk in enumerate(np.array_split(np.arange(n), ranks)) for _ in chunk]


class ScheduleTest(FetchTestCase):
    def fetch_all(self, tag, n, *args, ranks, **query):
        """Fetches /TAG/0.bin ... (sizes 1000 + 100 i), checks every file and one request each; returns the
        rank of each."""
        paths = [f"/{tag}/{i}.bin" for i in range(n)]
        result = self.fetch([self.url(path, size=1000 + 100 * i, **query) for i, path in enumerate(paths)],
                            *args, ranks=ranks)
        self.assertEqual(result.code, 0, result.out + result.err)
        self.assertEqual(result.report["ranks"], ranks)
        for i, (entry, path) in enumerate(zip(result.results, paths)):
            self.assertOk(entry, path, 1000 + 100 * i)
            self.assertEqual(self.server.hits(path), 1)
        self.assertEqual(totals(result.out), (n, n, 0, 0, sum(1000 + 100 * i for i in range(n))))
        return [entry["rank"] for entry in result.results]

    def test_cyclic(self):
        for ranks in (1, 3, 4):
            with self.subTest(ranks=ranks):
                self.assertEqual(self.fetch_all(f"cyclic{ranks}", 7, "--schedule", "cyclic", ranks=ranks),
                                 [i % ranks for i in range(7)])

    def test_block(self):
        for ranks in (3, 4):
            with self.subTest(ranks=ranks):
                self.assertEqual(self.fetch_all(f"block{ranks}", 7, "--schedule", "block", ranks=ranks),
                                 block_ranks(7, ranks))

    def test_dynamic(self):
        """Every URL exactly once; rank 0 hands out the work and downloads too."""
        self.assertEqual(self.fetch_all("alone", 3, "--schedule", "dynamic", ranks=1), [0, 0, 0])
        got = self.fetch_all("three", 9, "--schedule", "dynamic", ranks=3, delay=0.2)
        self.assertTrue(set(got) <= {0, 1, 2}, got)
        self.assertIn(0, got)

    def test_default_is_cyclic(self):
        result = self.fetch([self.url(f"/d/{i}.bin") for i in range(4)], ranks=3)
        self.assertEqual(result.report["schedule"], "cyclic")
        self.assertEqual([e["rank"] for e in result.results], [0, 1, 2, 0])

    def test_more_ranks_than_urls(self):
        for schedule, expected in (("cyclic", [0, 1]), ("block", [0, 1]), ("dynamic", None)):
            with self.subTest(schedule=schedule):
                got = self.fetch_all(schedule, 2, "--schedule", schedule, ranks=4)
                if expected:
                    self.assertEqual(got, expected)

    def test_failures_do_not_stop_other_ranks(self):
        """At 4 ranks, rank 1 meets a 404 and a stalled body, rank 2 a closed port; the rest all arrive."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed = f"http://127.0.0.1:{s.getsockname()[1]}/nothing.bin"
        bad = {1: self.url("/mix/404.bin", status=404), 5: self.url("/mix/stall.bin", stall=10, sleep=20),
               2: closed}
        lines = [bad.get(i, self.url(f"/mix/{i}.bin", size=2000)) for i in range(8)]
        for schedule in ("cyclic", "dynamic"):
            with self.subTest(schedule=schedule):
                result = self.fetch(lines, "--schedule", schedule, "--retries", "1", ranks=4)
                self.assertEqual(result.code, 1, result.out + result.err)
                for i, entry in enumerate(result.results):
                    if i in bad:
                        self.assertEqual(entry["status"], "failed", entry)
                    else:
                        self.assertOk(entry, f"/mix/{i}.bin", 2000)


class OutputTest(FetchTestCase):
    """One run of ok, failed and skipped lines at 3 ranks; its report, table and stderr lines."""

    def mixed_run(self, *args):
        (self.dir / "out").mkdir()
        (self.dir / "out" / "there.bin").write_bytes(content("/out/there.bin", 700))
        self.lines = ["# ok, failed, skipped, ok, failed", self.url("/out/a.bin", size=1234),
                      self.url("/out/missing.bin", status=404),
                      f"{self.url('/out/there.bin', size=700)} size=700", "",
                      self.url("/out/b.bin", size=3000, status=503, times=1),
                      self.url("/out/broken.bin", status=500)]
        result = self.fetch(self.lines, "--retries", "1", *args, ranks=3)
        self.assertEqual(result.code, 1, result.out + result.err)
        self.assertEqual([e["status"] for e in result.results], ["ok", "failed", "skipped", "ok", "failed"])
        return result

    def test_report(self):
        report = self.mixed_run().report
        self.assertEqual(set(report), REPORT_KEYS)
        version = launch(["--version"], ranks=1, cwd=self.dir)[1].split()[1]
        self.assertEqual({key: report[key] for key in REPORT_KEYS - {"seconds", "results"}},
                         dict(command="fetch", rankpool_version=version, ranks=3, parallel=1, schedule="cyclic",
                              list="urls.txt", out="out"))
        self.assertIsInstance(report["seconds"], (int, float))
        self.assertGreaterEqual(report["seconds"], 0)
        urls = [line.split(" ")[0] for line in self.lines if line.startswith("http")]
        expected = [  # index, line, url, file, rank, status, http_status, bytes, attempts
            (0, 2, urls[0], "a.bin", 0, "ok", 200, 1234, 1),
            (1, 3, urls[1], "missing.bin", 1, "failed", 404, None, 1),
            (2, 4, urls[2], "there.bin", 2, "skipped", 0, 700, 0),
            (3, 6, urls[3], "b.bin", 0, "ok", 200, 3000, 2),
            (4, 7, urls[4], "broken.bin", 1, "failed", 500, None, 2)]
        fields = ["index", "line", "url", "file", "rank", "status", "http_status", "bytes", "attempts"]
        for entry, want in zip(report["results"], expected):
            self.assertEqual(set(entry), RESULT_KEYS)
            got = tuple(None if key == "bytes" and entry["status"] == "failed" else entry[key] for key in fields)
            self.assertEqual(got, want)
            self.assertIsInstance(entry["seconds"], (int, float))
            self.assertGreaterEqual(entry["seconds"], 0)
            if entry["status"] == "failed":
                self.assertIsInstance(entry["error"], str)
            else:
                self.assertIsNone(entry["error"])
                self.assertRegex(entry["sha256"], r"^[0-9a-f]{64}$")

    def test_table(self):
        result = self.mixed_run()
        self.assertNotIn("\r", result.out)
        lines = result.out.splitlines()
        self.assertEqual(lines[0].split(), HEADER)
        rows = lines[1:-1]
        self.assertEqual(len(rows), 5, result.out)
        for row, entry in zip(rows, result.results):
            cells = row.split(None, 7)
            self.assertEqual([cells[i] for i in (0, 1, 3, 4, 6)],
                             [entry["file"], entry["status"], str(entry["bytes"]), str(entry["attempts"]),
                              str(entry["rank"])], row)
            self.assertIn(cells[2], [str(entry["http_status"])] + (["-"] if entry["http_status"] == 0 else []), row)
            self.assertRegex(cells[5], r"^\d+(\.\d+)?$", row)
            if entry["status"] == "failed":
                self.assertEqual(cells[7], entry["error"], row)
        # Aligned: each of the first seven columns starts, or ends, at the same place on every line.
        spans = [[m.span() for m in re.finditer(r"\S+", line)][:7] for line in lines[:-1]]
        for column in range(7):
            starts, ends = ({span[column][k] for span in spans} for k in (0, 1))
            self.assertTrue(len(starts) == 1 or len(ends) == 1, f"column {HEADER[column]}:\n{result.out}")
        self.assertEqual(totals(result.out)[:4], (5, 2, 1, 2))

    def test_file_lines(self):
        """Not a terminal: one stderr line per file, numbered in the order they finished."""
        result = self.mixed_run()
        lines = result.err.splitlines()
        self.assertEqual(len(lines), 5, result.err)
        said = {}
        for k, line in enumerate(lines, start=1):
            match = re.fullmatch(rf"fetch: \[{k}/5\] (\S+) (.*)", line)
            self.assertTrue(match, line)
            said[match[1]] = match[2]
        for entry in result.results:
            tail, text = f"{attempts_text(entry['attempts'])}, rank {entry['rank']})", said[entry["file"]]
            if entry["status"] == "ok":
                self.assertEqual(text, f"ok (HTTP {entry['http_status']}, {entry['bytes']} bytes, {tail}")
            elif entry["status"] == "failed":
                self.assertEqual(text, f"failed: {entry['error']} ({tail}")
            else:
                self.assertTrue(text.startswith("skipped"), text)

    def test_quiet(self):
        result = self.mixed_run("--quiet")
        self.assertEqual([line for line in result.err.splitlines() if re.match(r"fetch: \[\d+/\d+\]", line)], [])
        self.assertEqual(result.out.splitlines()[0].split(), HEADER)

    def slow_list(self, delay=0.5):
        self.write_list([self.url(f"/slow/{i}.bin", size=20_000, delay=delay) for i in range(6)])

    def assertSlowFiles(self, out):
        self.assertEqual(out.replace("\r\n", "\n").splitlines()[0].split(), HEADER)
        self.assertNotRegex(out, r"\r(?!\n)")
        self.assertEqual(totals(out.replace("\r\n", "\n")), (6, 6, 0, 0, 120_000))
        for i in range(6):
            self.assertEqual((self.dir / "out" / f"{i}.bin").read_bytes(), content(f"/slow/{i}.bin", 20_000))

    def test_live_progress(self):
        """--progress: a live line on stderr, rewritten with '\\r', instead of the per-file lines."""
        self.slow_list()
        result = self.fetch(None, "--progress", ranks=2)
        self.assertEqual(result.code, 0, result.out + result.err)
        self.assertRegex(result.err, r"\r(?!\n)", "no live progress line")
        self.assertNotRegex(result.err, r"fetch: \[\d+/\d+\]")
        self.assertSlowFiles(result.out)

    def test_terminal_on_stdout(self):
        """Open MPI gives every rank a terminal on stdout, whatever mpirun's stdout is; with a real terminal
        there too, stdout still holds only the table and stderr the per-file lines."""
        self.slow_list()
        code, screen, err = launch(["fetch", "urls.txt", "--out", "out"], ranks=2, cwd=self.dir, tty="stdout")
        self.assertEqual(code, 0, screen + err)
        self.assertSlowFiles(screen)
        self.assertEqual(len(re.findall(r"^fetch: \[\d/6\] \d\.bin ok ", err, re.MULTILINE)), 6, err)

    def test_terminal_on_stderr(self):
        """Without mpirun (a singleton MPI process) stderr can be a real terminal: the live line appears there
        without --progress, and stdout, a pipe, holds only the table."""
        self.slow_list(delay=0.1)
        code, out, screen = launch(["fetch", "urls.txt", "--out", "out"], ranks=None, cwd=self.dir, tty="stderr")
        self.assertEqual(code, 0, out + screen)
        self.assertRegex(screen, r"\r(?!\n)[^\r]*files", "no live progress line")
        self.assertNotRegex(screen, r"fetch: \[\d+/\d+\]")
        self.assertSlowFiles(out)


class UsageTest(FetchTestCase):
    def test_usage_errors(self):
        self.write_list([self.url("/u/x.bin")])
        for args, option in ((["--schedule", "random"], "--schedule"), (["--bogus"], "--bogus"),
                             (["--retries", "x"], "--retries"), (["--max-size", "-1"], "--max-size"),
                             (["--retries", "1000"], "--retries"), (["--retries", "101"], "--retries")):
            with self.subTest(args=args):
                code, out, err = launch(["fetch", "urls.txt", "--out", "out", *args], ranks=3, cwd=self.dir)
                self.assertEqual(code, 2, out + err)
                self.assertTrue(err.startswith("rankpool: ") and option in err.splitlines()[0], err)
        code, out, err = launch(["fetch"], ranks=1, cwd=self.dir)
        self.assertEqual(code, 2, out + err)
        self.assertEqual(self.server.hits(), 0)
        self.assertEqual(set(self.snapshot()), {"urls.txt"})

    def test_most_retries(self):
        """--retries takes at most 100."""
        result = self.fetch([self.url("/u/fine.bin")], "--retries", "100", ranks=1)
        self.assertEqual(result.code, 0, result.out + result.err)
        self.assertOk(result.results[0], "/u/fine.bin", 1000)


if __name__ == "__main__":
    unittest.main()
