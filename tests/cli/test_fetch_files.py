"""`rankpool fetch` and the file system: nothing outside --out, planted symlinks, skipping complete files,
--force, what a failed download leaves of an existing file, the --out folder, and --failed lists that
rerun exactly what failed."""
import os
import unittest

from fetch_testing import FetchTestCase, content, digest, sha256, url_lines


class OutsideTest(FetchTestCase):
    def test_hostile_content_disposition(self):
        """The name comes from the list, never from Content-Disposition: filename="../../evil.sh"."""
        result = self.fetch([self.url("/cd/report.pdf", disposition=1, size=2000)], out="a/b/out", ranks=1)
        self.assertEqual(result.code, 0, result.out + result.err)
        self.assertEqual(result.results[0]["file"], "report.pdf")
        self.assertEqual((self.dir / "a/b/out/report.pdf").read_bytes(), content("/cd/report.pdf", 2000))
        self.assertEqual(set(self.snapshot()), {"urls.txt", "report.json", "a", "a/b", "a/b/out", "a/b/out/report.pdf"})
        self.assertFalse(os.path.lexists(self.dir.parent / "evil.sh"))

    def test_planted_symlinks(self):
        """Symlinks at the final names (to a victim, and dangling) become regular files; targets untouched."""
        victim = self.dir / "victim.txt"
        victim.write_bytes(b"precious\n")
        out = self.dir / "out"
        out.mkdir()
        (out / "victim.bin").symlink_to(victim)
        (out / "dangling.bin").symlink_to(self.dir / "created.txt")
        result = self.fetch([self.url("/sl/victim.bin", size=5000), self.url("/sl/dangling.bin", size=5000)], ranks=3)
        self.assertEqual(result.code, 0, result.out + result.err)
        self.assertOk(result.results[0], "/sl/victim.bin", 5000, name="victim.bin")
        self.assertOk(result.results[1], "/sl/dangling.bin", 5000, name="dangling.bin")
        self.assertEqual(victim.read_bytes(), b"precious\n")
        self.assertFalse(os.path.lexists(self.dir / "created.txt"))

    def test_symlink_to_a_matching_file_is_not_skipped(self):
        """Only a regular file counts as already there."""
        target = self.dir / "elsewhere.bin"
        target.write_bytes(content("/sl/match.bin", 3000))
        (self.dir / "out").mkdir()
        (self.dir / "out" / "match.bin").symlink_to(target)
        result = self.fetch([f"{self.url('/sl/match.bin', size=3000)} sha256={sha256('/sl/match.bin', 3000)}"],
                            ranks=1)
        self.assertEqual(result.code, 0, result.out + result.err)
        self.assertOk(result.results[0], "/sl/match.bin", 3000)
        self.assertEqual(self.server.hits(), 1)


# (file name, list fields, what out/NAME holds beforehand, skipped?)
EXISTING = [
    ("sha.bin", "sha256={sha}", "right", True),
    ("size.bin", "size=4000", "right", True),
    ("both.bin", "sha256={SHA} size=4000", "right", True),
    ("same-size.bin", "size=4000", "zeros", True),     # only the size is checked
    ("stale.bin", "sha256={sha}", "zeros", False),
    ("mixed.bin", "sha256={sha} size=4000", "zeros", False),
    ("short.bin", "size=4000", "short", False),
    ("unchecked.bin", "", "right", False),             # neither size= nor sha256=: fetched again
]
PLANTS = {"right": lambda data: data, "zeros": lambda data: bytes(len(data)), "short": lambda data: data[:10]}


class ExistingFileTest(FetchTestCase):
    def setUp(self):
        super().setUp()
        (self.dir / "out").mkdir()
        self.lines, self.planted = [], {}
        for name, fields, plant, _ in EXISTING:
            path = f"/ex/{name}"
            self.planted[name] = PLANTS[plant](content(path, 4000))
            (self.dir / "out" / name).write_bytes(self.planted[name])
            fields = fields.format(sha=sha256(path, 4000), SHA=sha256(path, 4000).upper())
            self.lines.append(f"{self.url(path, size=4000)} name={name} {fields}".rstrip())

    def test_complete_files_are_skipped(self):
        mtimes = {p.name: p.stat().st_mtime_ns for p in (self.dir / "out").iterdir()}
        result = self.fetch(self.lines, ranks=3)
        self.assertEqual(result.code, 0, result.out + result.err)
        for entry, (name, _, _, skipped) in zip(result.results, EXISTING):
            if skipped:
                self.assertEqual((entry["status"], entry["attempts"], entry["http_status"], entry["bytes"],
                                  entry["sha256"]), ("skipped", 0, 0, 4000, digest(self.planted[name])), entry)
                self.assertEqual((self.dir / "out" / name).stat().st_mtime_ns, mtimes[name])
                self.assertEqual(self.server.hits(f"/ex/{name}"), 0)
            else:
                self.assertOk(entry, f"/ex/{name}", 4000, name=name)
                self.assertEqual(self.server.hits(f"/ex/{name}"), 1)

    def test_force(self):
        result = self.fetch(self.lines, "--force", ranks=4)
        self.assertEqual(result.code, 0, result.out + result.err)
        for entry, (name, *_) in zip(result.results, EXISTING):
            self.assertOk(entry, f"/ex/{name}", 4000, name=name)
            self.assertEqual(self.server.hits(f"/ex/{name}"), 1)


class FailedOverExistingTest(FetchTestCase):
    """A failed download removes a file at its name that does not match the list's size=/sha256=; a matching
    one is a good file and stays, even under --force."""

    def plant(self, files):
        (self.dir / "out").mkdir(exist_ok=True)
        for name, data in files.items():
            (self.dir / "out" / name).write_bytes(data)

    def test_mismatching_file_is_removed(self):
        full = content("/gone/short.bin", 4000)
        cases = {  # name: (what out/NAME holds, the URL's query, list fields)
            "stale.bin": (bytes(4000), dict(status=404), "size=4001"),
            "zeros.bin": (bytes(4000), dict(truncate=10), f"size=4000 sha256={sha256('/gone/zeros.bin', 4000)}"),
            "short.bin": (full[:10], dict(status=500), "size=4000"),
            "bad-sha.bin": (bytes(4000), {}, f"sha256={sha256('/gone/other.bin', 4000)}"),  # the body fails it
        }
        lines = [f"{self.url(f'/gone/{name}', size=4000, **query)} name={name} {fields}"
                 for name, (_, query, fields) in cases.items()]
        for args in ((), ("--force",)):
            with self.subTest(args=args):
                self.plant({name: data for name, (data, _, _) in cases.items()})
                result = self.fetch(lines, "--retries", "0", *args, ranks=3)
                self.assertEqual(result.code, 1, result.out + result.err)
                for entry, name in zip(result.results, cases):
                    self.assertFailed(entry, attempts=1)
                    self.assertFalse(os.path.lexists(self.dir / "out" / name), name)

    def test_force_keeps_a_matching_file(self):
        names = {"good.bin": dict(status=500), "good-cut.bin": dict(truncate=10)}
        self.plant({name: content(f"/keep/{name}", 4000) for name in names})
        lines = [f"{self.url(f'/keep/{name}', size=4000, **query)} size=4000 sha256={sha256(f'/keep/{name}', 4000)}"
                 for name, query in names.items()]
        result = self.fetch(lines, "--force", "--retries", "0", ranks=2, kept=names)
        self.assertEqual(result.code, 1, result.out + result.err)
        for entry, name in zip(result.results, names):
            self.assertFailed(entry, attempts=1)
            self.assertEqual((self.dir / "out" / name).read_bytes(), content(f"/keep/{name}", 4000))
            self.assertEqual(self.server.hits(f"/keep/{name}"), 1)


class OutFolderTest(FetchTestCase):
    def test_default_out_folder(self):
        result = self.fetch([self.url("/o/x.bin")], out=None, ranks=1)
        self.assertEqual(result.code, 0, result.out + result.err)
        self.assertEqual((self.dir / "downloads" / "x.bin").read_bytes(), content("/o/x.bin", 1000))

    def test_out_created_with_parents(self):
        result = self.fetch([self.url("/o/y.bin")], out="deep/er/out", ranks=3)
        self.assertEqual(result.code, 0, result.out + result.err)
        self.assertEqual((self.dir / "deep/er/out/y.bin").read_bytes(), content("/o/y.bin", 1000))


class FailedListTest(FetchTestCase):
    def test_rerun_failed_lines(self):
        """--failed lists the failed lines with name= (and their checks); once the server is healed, running
        that list with the same --out fetches exactly those and leaves the others alone."""
        lines = [self.url("/f/ok0.bin", size=1500),
                 f"{self.url('/f/down.bin', size=1500, status=503)} sha256={sha256('/f/down.bin', 1500)} size=1500",
                 self.url("/f/ok2.bin", size=1500),
                 self.url("/f/same/x.bin", size=1500, status=404),   # file3 and file4: the names given
                 self.url("/f/other/x.bin", size=1500, truncate=10),  # by the first run must survive
                 self.url("/f/ok5.bin", size=1500)]
        first = self.fetch(lines, "--failed", "failed.txt", "--retries", "0", ranks=3)
        self.assertEqual(first.code, 1, first.out + first.err)
        self.assertEqual([e["status"] for e in first.results], ["ok", "failed", "ok", "failed", "failed", "ok"])
        failed = [line.split(" ") for line in url_lines((self.dir / "failed.txt").read_text())]
        self.assertEqual([(words[0], sorted(words[1:])) for words in failed], [
            (first.results[1]["url"], sorted(["name=down.bin", f"sha256={sha256('/f/down.bin', 1500)}",
                                              "size=1500"])),
            (first.results[3]["url"], ["name=file3"]),
            (first.results[4]["url"], ["name=file4"])])

        kept = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in (self.dir / "out").iterdir()}
        self.server.heal()
        before = self.server.hits()
        second = self.fetch(None, "--retries", "0", ranks=3, listfile="failed.txt")
        self.assertEqual(second.code, 0, second.out + second.err)
        self.assertEqual([e["file"] for e in second.results], ["down.bin", "file3", "file4"])
        for entry, path in zip(second.results, ["/f/down.bin", "/f/same/x.bin", "/f/other/x.bin"]):
            self.assertOk(entry, path, 1500)
        self.assertEqual(sorted(r.path for r in self.server.requests()[before:]),
                         sorted(["/f/down.bin", "/f/same/x.bin", "/f/other/x.bin"]))
        for name, (mtime, data) in kept.items():
            path = self.dir / "out" / name
            self.assertEqual((path.stat().st_mtime_ns, path.read_bytes()), (mtime, data), name)

    def test_no_failures(self):
        result = self.fetch([self.url("/f/fine.bin")], "--failed", "failed.txt", ranks=1)
        self.assertEqual(result.code, 0, result.out + result.err)
        failed = self.dir / "failed.txt"
        self.assertEqual(url_lines(failed.read_text()) if failed.exists() else [], [])


if __name__ == "__main__":
    unittest.main()
