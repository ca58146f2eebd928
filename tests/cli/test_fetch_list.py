"""`rankpool fetch`: the URL list (format, comments, CRLF) and the file names it gives. Bad lists and bad
lines: test_bad_input.py."""
import unittest

from fetch_testing import FetchTestCase, content, sha256, totals


class ListFormatTest(FetchTestCase):
    def test_comments_blank_lines_and_crlf(self):
        one, two = self.url("/fmt/one.bin", size=300), self.url("/fmt/two.bin", size=2000)
        lines = ["# header", "", one, "   # indented comment", "   ",
                 f"{two} size=2000 sha256={sha256('/fmt/two.bin', 2000).upper()} name=second.bin"]
        self.write_list(lines, newline="\r\n")
        result = self.fetch(None, ranks=1)
        self.assertEqual(result.code, 0, result.out + result.err)
        self.assertEqual([(e["line"], e["url"], e["file"]) for e in result.results],
                         [(3, one, "one.bin"), (6, two, "second.bin")])
        self.assertOk(result.results[0], "/fmt/one.bin", 300)
        self.assertOk(result.results[1], "/fmt/two.bin", 2000)
        self.assertEqual((self.server.hits("/fmt/one.bin"), self.server.hits("/fmt/two.bin")), (1, 1))
        self.assertFalse(any("\r" in r.target or "%0D" in r.target.upper() for r in self.server.requests()))

    def test_byte_order_mark(self):
        """A UTF-8 byte-order mark before the first URL is not part of it."""
        url = self.url("/fmt/bom.bin", size=300)
        result = self.fetch(["\ufeff" + url], ranks=1)
        self.assertEqual(result.code, 0, result.out + result.err)
        self.assertEqual([(e["line"], e["url"], e["file"]) for e in result.results], [(1, url, "bom.bin")])
        self.assertOk(result.results[0], "/fmt/bom.bin", 300)

    def test_empty_list(self):
        for ranks, schedule, lines in ((1, "cyclic", []), (4, "cyclic", ["# nothing to do", "", "  "]),
                                       (4, "block", []), (4, "dynamic", []), (4, "dynamic", ["# nothing"])):
            with self.subTest(ranks=ranks, schedule=schedule, lines=lines):
                result = self.fetch(lines, "--schedule", schedule, ranks=ranks)
                self.assertEqual(result.code, 0, result.out + result.err)
                self.assertEqual(result.results, [])
                self.assertEqual(totals(result.out), (0, 0, 0, 0, 0))
                self.assertEqual(self.server.hits(), 0)


class NamingTest(FetchTestCase):
    def test_names(self):
        long_ok, long_bad = "a" * 251 + ".bin", "b" * 252 + ".bin"  # 255 and 256 characters
        cases = [  # (path, extra fields, the expected name)
            ("/n/given.txt", " name=chosen.dat", "chosen.dat"),
            ("/n/img/cat.jpg", "", "cat.jpg"),
            ("/n/a/pic.jpg", "", "file2"),            # the same last segment as the next line
            ("/n/b/pic.jpg", "", "file3"),
            ("/n/.hidden", "", "file4"),              # starts with '.'
            ("/n/a%20b.jpg", "", "file5"),            # '%' is not a safe character
            ("/n/dir/", "", "file6"),                 # empty last segment
            (f"/n/{long_ok}", "", long_ok),
            (f"/n/{long_bad}", "", "file8"),
            ("/n/x/taken.bin", "", "file9"),          # derives a name another line gives
            ("/n/y/other.bin", " name=taken.bin", "taken.bin"),
        ]
        lines = ["# names count URL lines only"]
        for path, fields, _ in cases:
            url = self.url(path, size=500)
            lines.append(url + ("#frag" if path == "/n/img/cat.jpg" else "") + fields)
        result = self.fetch(lines, ranks=3)
        self.assertEqual(result.code, 0, result.out + result.err)
        self.assertEqual([e["file"] for e in result.results], [name for _, _, name in cases])
        for entry, (path, _, name) in zip(result.results, cases):
            self.assertOk(entry, path, 500, name=name)
        self.assertEqual(sorted(p.name for p in (self.dir / "out").iterdir()), sorted(n for _, _, n in cases))

    def test_same_url_ten_times(self):
        """The tutorial's case: one URL, ten lines, ten files file0..file9, ten requests."""
        url = self.url("/tutorial/photo.jpg", size=4000)
        result = self.fetch([url] * 10, ranks=4)
        self.assertEqual(result.code, 0, result.out + result.err)
        self.assertEqual([e["file"] for e in result.results], [f"file{i}" for i in range(10)])
        for entry in result.results:
            self.assertOk(entry, "/tutorial/photo.jpg", 4000)
        self.assertEqual(self.server.hits("/tutorial/photo.jpg"), 10)
        self.assertEqual(sorted(p.name for p in (self.dir / "out").iterdir()), sorted(f"file{i}" for i in range(10)))
        self.assertEqual(content("/tutorial/photo.jpg", 4000), (self.dir / "out" / "file9").read_bytes())


if __name__ == "__main__":
    unittest.main()
