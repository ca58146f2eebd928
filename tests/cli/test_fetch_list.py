"""`rankpool fetch`: the URL list (format, errors, comments, CRLF) and the file names it gives."""
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "helpers"))
from fetch_testing import FetchTestCase, content, sha256, totals  # noqa: E402

USAGE = 2
HEX = sha256("/x.bin", 10)

# name: (the bad line, put at line 4 after a good URL, a comment and a blank line; part of the message)
BAD_LINES = {
    "unknown_key": ("{url} foo=1", "unknown key 'foo' (known: name, sha256, size)"),
    "bad_hex": ("{url} sha256=" + "g" * 64, "sha256 must be 64 hexadecimal digits"),
    "short_hex": ("{url} sha256=" + HEX[:63], "sha256 must be 64 hexadecimal digits"),
    "ftp_scheme": ("ftp://127.0.0.1/x.bin", "scheme 'ftp' is not supported; use http or https"),
    "file_scheme": ("file:///etc/passwd", "scheme 'file' is not supported; use http or https"),
    "name_with_slash": ("{url} name=a/b", "name 'a/b' is not a plain file name"),
    "name_dotdot": ("{url} name=..", "name '..' is not a plain file name"),
    "name_parent": ("{url} name=../x", "name '../x' is not a plain file name"),
    "name_control_char": ("{url} name=a\x01b", "is not a plain file name"),
    "name_nul": ("{url} name=a\x00b", "NUL"),
    "text_size": ("{url} size=12x", "size must be a whole number of bytes"),
    "negative_size": ("{url} size=-1", "size must be a whole number of bytes"),
    "duplicate_name": ("{url} name=one.bin", "name 'one.bin' is also used on line 1"),
    "name_not_utf8": ("{url} name=\udcff.bin", "is not valid UTF-8"),  # the byte 0xff (see write_list)
    "repeated_size": ("{url} size=1 size=2", "key 'size' given twice"),
    "repeated_name": ("{url} name=a.bin name=b.bin", "key 'name' given twice"),
    "no_host": ("http://", "is not a valid URL"),
    "empty_host": ("http:///x", "is not a valid URL"),
    "non_ascii_url": ("{url}/caf\u00e9", "is not a valid URL"),
    "raw_byte_url": ("{url}/\udc80", "is not a valid URL"),
    "control_char_url": ("{url}/a\x01b", "is not a valid URL"),
    "delete_char_url": ("{url}/a\x7fb", "is not a valid URL"),
}


class ListErrorTest(FetchTestCase):
    """Bad lists: exit 2, an error naming the line, no request, nothing written."""

    def assertListError(self, lines, where, message, listfile="urls.txt"):
        """Exit 2 and an error line `rankpool: error: WHERE: ...MESSAGE...`."""
        if lines is not None:
            self.write_list(lines, listfile)
        before = self.snapshot()
        result = self.fetch(None, ranks=3, listfile=listfile)
        self.assertEqual(result.code, USAGE, result.out + result.err)
        self.assertEqual(result.out, "")
        self.assertTrue([line for line in result.err.splitlines()
                         if line.startswith(f"rankpool: error: {where}: ") and message in line], result.err)
        self.assertEqual(self.server.hits(), 0)
        self.assertEqual(self.snapshot(), before)

    def test_missing_list(self):
        self.assertListError(None, "nothere.txt", "cannot read the URL list: No such file or directory",
                             listfile="nothere.txt")

    def test_list_is_a_folder(self):
        (self.dir / "lists").mkdir()
        self.assertListError(None, "lists", "", listfile="lists")


def bad_line_test(line, message):
    def test(self):
        good = self.url("/x.bin")
        lines = [f"{good} name=one.bin", "# a comment", "", line.format(url=self.url("/y.bin")), good]
        self.assertListError(lines, "urls.txt:4", message)
    return test


for name, case in BAD_LINES.items():
    setattr(ListErrorTest, f"test_{name}", bad_line_test(*case))


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
