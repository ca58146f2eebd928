"""Bad input, everywhere: one table of malformed inputs to `rankpool square` and `rankpool fetch`.

Files, datasets, list lines, option values and the environment. Every case runs rankpool under mpirun in a
folder of prepared bad inputs (and with a test HTTP server running) and asserts the project's rule for bad input:

* every rank ends by itself with the case's exit code: a wrapper records each rank's code, and mpirun runs
  with orte_abort_on_non_zero_status off, so that it kills no rank early (a rank left waiting would hang).
  mpirun then reports no code of its own; run as usual, it reports the first rank's non-zero code;
* one message on stderr, from rank 0, that names the problem: `rankpool: error: ...` (for a bad command
  line: `rankpool: --OPTION: ...`, then CLI11's `Run with --help for more information.`), printable and
  not overlong whatever it quotes;
* nothing on stdout and no HDF5-DIAG (run() fails on it);
* an end within TIMEOUT seconds (run() kills the job and fails the test otherwise), and no process of
  the run left behind;
* the folder exactly as before: no output, temporary file or folder left, nothing changed;
* no request reached the HTTP server.
"""
import gzip
import os
import signal
import tempfile
import time
import unittest
import uuid
from pathlib import Path
from typing import NamedTuple, Optional
from unittest import mock

import h5py
import numpy as np

from fetch_testing import FaultServer, sha256
import rankpool_testing
from rankpool_testing import TempDirTestCase, write_input, write_pair

TIMEOUT = 60  # seconds; a run that outlives it has hung

ERROR, REFUSED, USAGE = "error", "refused", "usage"
EXIT_CODES = {ERROR: 1, REFUSED: 2, USAGE: 2}  # the run failed / bad list or setting / bad command line
USAGE_HINT = "Run with --help for more information."


class Case(NamedTuple):
    command: str                  # square or fetch
    args: list                    # after the subcommand
    kind: str                     # ERROR, REFUSED or USAGE: the exit code and the shape of the message
    message: str                  # part of the one error line
    env: Optional[dict] = None    # extra environment for mpirun and every rank ("{dir}": the test folder)
    files: Optional[dict] = None  # files written for this case: bytes, or lines ("{url}": the test server's)
    ranks: int = 2


def square(*args, kind=ERROR, message, **more):
    return Case("square", list(args), kind, message, **more)


def fetch(*args, kind=REFUSED, message, **more):
    return Case("fetch", list(args), kind, message, **more)


def square_input(spec, message, **more):
    """square --input SPEC (FILE[:/DATASET]) of a bad file or dataset."""
    return square("--input", spec, message=message, **more)


def bad_line(line, message):
    """urls.txt with `line` at line 4, after a good URL, a comment and a blank line; the message names line 4."""
    lines = ["{url}/x.bin name=one.bin", "# a comment", "", line, "{url}/x.bin"]
    return fetch("urls.txt", message="urls.txt:4: " + message, files={"urls.txt": lines})


def bad_value(command, option, value, more=""):
    """A bad command line: OPTION VALUE (fetch: after urls.txt); the message quotes both, then `more`."""
    args = ["urls.txt"] * (command == "fetch") + [option, value]
    return Case(command, args, USAGE, f"{option}: '{value}'{more}")


def bad_output(option, path, message, kind=ERROR):
    """fetch urls.txt with OPTION (--out, --report, --failed) set to a path it cannot or must not write."""
    return fetch("urls.txt", option, path, kind=kind, message=message)


MESSAGE_LIMIT = "RANKPOOL_TEST_MESSAGE_LIMIT"


def bad_message_limit(value, more="", ranks=2):
    """square with the test-only message limit set to `value`: refused before anything is done."""
    return square("--n", "10", kind=REFUSED, env={MESSAGE_LIMIT: value}, ranks=ranks,
                  message=f"{MESSAGE_LIMIT}='{value}' is not a whole number{more}")


HEX = sha256("/x.bin", 10)

CASES = {
    # --- square: the input file -------------------------------------------------------------------
    "input_missing": square_input("nothere.h5", "nothere.h5: no such file"),
    "input_dangling_symlink": square_input("dangling.h5", "dangling.h5: no such file"),
    "input_not_hdf5": square_input("notes.h5", "notes.h5: not an HDF5 file"),
    "input_truncated": square_input("truncated.h5", "cannot open this HDF5 file (truncated or damaged?)"),
    "input_is_folder": square_input(".", ".: is a folder"),
    "input_is_fifo": square_input("pipe", "pipe: is not a regular file"),
    "input_is_device": square_input("/dev/zero", "/dev/zero: is not a regular file"),
    "input_read_error": square_input("/proc/self/mem", "/proc/self/mem: cannot read: "),
    "input_name_with_newline": square_input("a\nb.h5", "a\\x0ab.h5: no such file"),
    "failure_removes_new_folders": square("--input", "nothere.h5", "--output", "new/sub/out.h5",
                                          message="nothere.h5: no such file"),
    # --- square: the dataset ----------------------------------------------------------------------
    "dataset_missing": square_input("pair.h5:/nothere", "pair.h5: no dataset '/nothere' (found: /numbers, /squared)",
                                    ranks=3),
    "dataset_path_trailing_junk": square_input("pair.h5:/numbers/junk", "pair.h5: no dataset '/numbers/junk' ("),
    "dataset_path_trailing_space": square_input("pair.h5:/numbers ", "pair.h5: no dataset '/numbers '"),
    "dataset_is_group": square_input("shapes.h5:/grp/sub", "is a group"),
    "dataset_2d": square_input("shapes.h5:/matrix", "shapes.h5:/matrix: is 2-D (3 x 4)"),
    "dataset_scalar": square_input("shapes.h5:/scalar", "scalar"),
    "dataset_fixed_strings": square_input("shapes.h5:/text", "not numbers"),
    "dataset_variable_strings": square_input("shapes.h5:/vtext", "not numbers"),
    "dataset_compound": square_input("shapes.h5:/compound", "holds a compound (struct) type, not numbers"),
    "dataset_enum_bool": square_input("shapes.h5:/bool", "holds an enum type, not numbers"),
    "dataset_references": square_input("shapes.h5:/refs", "holds a reference type, not numbers"),
    "dataset_null_dataspace": square_input("shapes.h5:/empty", "holds no data"),
    "dataset_float16": square_input("shapes.h5:/half", "16-bit floats are not supported"),
    "dataset_float128": square_input("shapes.h5:/quad", "128-bit floats are not supported"),
    "dataset_filter_missing": square_input("lzf.h5", "required filter 'lzf' is not registered"),
    "dataset_corrupt_chunk": square_input("corrupt.h5", "corrupt.h5:/numbers: reading the data failed"),
    "dataset_external_link_to_missing_file": square_input("links.h5:/external", "file name = 'missing.h5'"),
    "dataset_dangling_soft_link": square_input("links.h5:/soft", "unable to follow symbolic link"),
    "dataset_external_raw_data_missing": square_input("links.h5:/raw", "unable to open external raw data file"),
    "dataset_virtual_source_missing": square_input("links.h5:/virtual", "links.h5:/virtual: is a virtual dataset "
                                                   "whose source file gone.h5 is missing"),
    # --- square: outputs --------------------------------------------------------------------------
    "output_under_file": square("--n", "10", "--output", "somefile.txt/out.h5",
                                message="cannot create the folder somefile.txt"),
    "output_in_unwritable_folder": square("--n", "10", "--output", "/proc/rankpool-test.h5",
                                          message="cannot create the HDF5 file"),
    "output_is_folder": square("--n", "10", "--output", ".", message=".: is a folder; give a file name"),
    "output_is_fifo": square("--n", "10", "--output", "pipe", ranks=3,
                             message="pipe: is a FIFO (named pipe), not a regular file"),
    "output_is_input": square("--input", "pair.h5", "--output", "./pair.h5", message="is the input file"),
    "report_under_file": square("--n", "10", "--report", "somefile.txt/r.json",
                                message="cannot create the folder somefile.txt"),
    "report_in_unwritable_folder": square("--n", "10", "--report", "/proc/rankpool-test.json",
                                          message="/proc/rankpool-test.json: cannot write here"),
    "report_is_fifo": square("--n", "10", "--report", "pipe", message="pipe: is a FIFO (named pipe), not a regular"),
    "report_is_input": square("--input", "pair.h5", "--output", "out.h5", "--report", "pair.h5",
                              message="is the input file"),
    "report_is_output": square("--n", "10", "--output", "same.h5", "--report", "same.h5",
                               message="same.h5: is also the --output file"),
    # (more than the disk can hold: test_full_disk.py, on a small file system of its own)
    "more_than_memory": square("--n", "1000000000000", message="rank 0 alone 8.00 TB), but only"),
    # --- square: option values -------------------------------------------------------------------
    "n_negative": bad_value("square", "--n", "-5", " is not a whole number from 0"),
    "n_text": bad_value("square", "--n", "abc"),
    "n_too_big": bad_value("square", "--n", "99999999999999999999"),
    "n_with_newline": square("--n", "1\n2", kind=USAGE, message="--n: '1\\x0a2' is not a whole number"),
    "seed_negative": bad_value("square", "--seed", "-1"),
    "seed_fraction": bad_value("square", "--seed", "1.5"),
    "dtype_unknown": square("--dtype", "int7", kind=USAGE, message="--dtype: unknown dtype 'int7'"),
    "head_text": bad_value("square", "--head", "x"),
    "repeat_zero": bad_value("square", "--repeat", "0", " is not a whole number from 1"),
    "option_unknown": square("--bogus", kind=USAGE, message="--bogus"),
    "subcommand_misspelt": Case("squre", ["--n", "5"], USAGE, "rankpool: unknown subcommand 'squre'; choose square "
                                "or fetch"),
    "option_twice": square("--n", "10", "--n", "20", kind=USAGE, message="--n: "),
    "input_with_n": square("--input", "pair.h5", "--n", "5", kind=USAGE, message="--input excludes --n"),
    "input_with_seed": square("--input", "pair.h5", "--seed", "5", kind=USAGE, message="--input excludes --seed"),
    "input_with_dtype": square("--input", "pair.h5", "--dtype", "int8", kind=USAGE,
                               message="--input excludes --dtype"),
    # --- square: the environment -----------------------------------------------------------------
    "message_limit_text": bad_message_limit("abc", " of elements from 1 to 9223372036854775807", ranks=3),
    "message_limit_zero": bad_message_limit("0"),
    "message_limit_negative": bad_message_limit("-1"),
    "message_limit_too_big": bad_message_limit("99999999999999999999"),
    "message_limit_trailing_space": bad_message_limit("12 "),
    "hdf5_plugin_path_nowhere": square_input("lzf.h5", "required filter 'lzf' is not registered",
                                             env={"HDF5_PLUGIN_PATH": "/nonexistent/plugins"}),
    "hdf5_plugin_path_junk_library": square_input("lzf.h5", "required filter 'lzf' is not registered",
                                                  env={"HDF5_PLUGIN_PATH": "{dir}/plugins"}),
    # --- fetch: the list file --------------------------------------------------------------------
    "list_missing": fetch("nothere.txt", message="nothere.txt: cannot read the URL list: No such file or directory"),
    "list_dangling_symlink": fetch("dangling.txt", message="dangling.txt: cannot read the URL list: No such file"),
    "list_is_folder": fetch(".", message=".: is a folder, not a URL list"),
    "list_is_fifo": fetch("pipe", message="pipe: is a FIFO (named pipe), not a URL list"),
    "list_is_device": fetch("/dev/zero", message="/dev/zero: is not a regular file, not a URL list"),
    "list_read_error": fetch("/proc/self/mem", message="/proc/self/mem: cannot read the URL list: Input/output error"),
    "list_is_hdf5": fetch("pair.h5", message="pair.h5:1: '\\x89HDF' is not a URL"),
    "list_gzipped": fetch("urls.txt.gz", message="urls.txt.gz:1: the line holds a NUL byte",
                          files={"urls.txt.gz": gzip.compress(b"http://127.0.0.1/x.bin\n")}),
    "list_utf16": fetch("utf16.txt", message="utf16.txt: is UTF-16 text",
                        files={"utf16.txt": "http://127.0.0.1/x.bin\n".encode("utf-16")}),  # with its BOM
    "list_cr_line_ends": fetch("mac.txt", message="mac.txt:1: the URL is not a valid URL: it holds control",
                               files={"mac.txt": b"http://127.0.0.1/a.bin\rhttp://127.0.0.1/b.bin\r"}),
    "list_huge_line": fetch("long.txt", message="long.txt:1: 'http://127.0.0.1/aaaa",  # past libcurl's 8 MB
                            files={"long.txt": b"http://127.0.0.1/" + b"a" * 9_000_000 + b"\n"}),
    # --- fetch: list lines (each at line 4) ------------------------------------------------------
    "line_unknown_key": bad_line("{url}/y.bin foo=1", "unknown key 'foo' (known: name, sha256, size)"),
    "line_not_key_value": bad_line("{url}/y.bin size", "'size' is not a key=value field"),
    "line_bad_hex": bad_line("{url}/y.bin sha256=" + "g" * 64, "sha256 must be 64 hexadecimal digits"),
    "line_short_hex": bad_line("{url}/y.bin sha256=" + HEX[:63], "sha256 must be 64 hexadecimal digits"),
    "line_ftp_scheme": bad_line("ftp://127.0.0.1/x.bin", "scheme 'ftp' is not supported; use http or https"),
    "line_file_scheme": bad_line("file:///etc/passwd", "scheme 'file' is not supported; use http or https"),
    "line_not_a_url": bad_line("www.example.org/x.bin", "'www.example.org/x.bin' is not a URL"),
    "line_name_with_slash": bad_line("{url}/y.bin name=a/b", "name 'a/b' is not a plain file name"),
    "line_name_dotdot": bad_line("{url}/y.bin name=..", "name '..' is not a plain file name"),
    "line_name_parent": bad_line("{url}/y.bin name=../x", "name '../x' is not a plain file name"),
    "line_name_control_char": bad_line("{url}/y.bin name=a\x01b", "name 'a\\x01b' is not a plain file name"),
    "line_name_nul": bad_line("{url}/y.bin name=a\x00b", "the line holds a NUL byte"),
    "line_name_too_long": bad_line("{url}/y.bin name=" + "n" * 256, "name is longer than 255 bytes"),
    "line_name_not_utf8": bad_line("{url}/y.bin name=\udcff.bin", "name is not valid UTF-8"),  # the byte 0xff
    "line_duplicate_name": bad_line("{url}/y.bin name=one.bin", "name 'one.bin' is also used on line 1"),
    "line_size_text": bad_line("{url}/y.bin size=12x", "size must be a whole number of bytes"),
    "line_size_negative": bad_line("{url}/y.bin size=-1", "size must be a whole number of bytes"),
    "line_size_twice": bad_line("{url}/y.bin size=1 size=2", "key 'size' given twice"),
    "line_name_twice": bad_line("{url}/y.bin name=a.bin name=b.bin", "key 'name' given twice"),
    "line_url_no_host": bad_line("http://", "'http://' is not a valid URL"),
    "line_url_empty_host": bad_line("http:///x", "'http:///x' is not a valid URL: it names no host"),
    "line_url_non_ascii": bad_line("{url}/caf\u00e9", "the URL is not a valid URL: it holds control or non-ASCII"),
    "line_url_raw_byte": bad_line("{url}/\udc80", "the URL is not a valid URL: it holds control or non-ASCII"),
    "line_url_control_char": bad_line("{url}/a\x01b", "the URL is not a valid URL: it holds control or non-ASCII"),
    "line_url_delete_char": bad_line("{url}/a\x7fb", "the URL is not a valid URL: it holds control or non-ASCII"),
    # --- fetch: outputs --------------------------------------------------------------------------
    "out_is_file": bad_output("--out", "somefile.txt", "somefile.txt: cannot create the download folder: Not a dir"),
    "out_under_file": bad_output("--out", "somefile.txt/sub", "somefile.txt/sub: cannot create the download folder"),
    "out_unwritable": bad_output("--out", "/proc/rankpool-test", "/proc/rankpool-test: cannot create the download"),
    "report_unwritable": bad_output("--report", "/proc/rankpool.json", "/proc/rankpool.json: cannot write here"),
    "report_folder_is_a_file": bad_output("--report", "somefile.txt/r.json", "cannot create the folder somefile.txt"),
    "report_names_folder": bad_output("--report", "reports/", "'reports/': output must name a file, not a folder"),
    "report_is_named_pipe": bad_output("--report", "pipe", "pipe: is a FIFO (named pipe), not a regular file"),
    "report_is_list": bad_output("--report", "urls.txt", "urls.txt: is the URL list; choose another --report",
                                 kind=REFUSED),
    "failed_is_list": bad_output("--failed", "./urls.txt", "./urls.txt: is the URL list; choose another --failed",
                                 kind=REFUSED),
    "failed_is_report": fetch("urls.txt", "--report", "r.json", "--failed", "r.json",
                              message="r.json: is also the --report file; choose another --failed"),
    "failed_unwritable": bad_output("--failed", "/proc/rankpool.txt", "/proc/rankpool.txt: cannot write here"),
    # --- fetch: option values --------------------------------------------------------------------
    "timeout_zero": bad_value("fetch", "--timeout", "0", " is not a number of seconds greater than 0, at most"),
    "timeout_text": bad_value("fetch", "--timeout", "abc", " is not a number of seconds"),
    "timeout_nan": bad_value("fetch", "--timeout", "nan"),
    "timeout_too_long": bad_value("fetch", "--timeout", "1e30"),
    "connect_timeout_negative": bad_value("fetch", "--connect-timeout", "-1"),
    "connect_timeout_infinite": bad_value("fetch", "--connect-timeout", "inf"),
    "retry_delay_negative": bad_value("fetch", "--retry-delay", "-0.5", " is not a number of seconds from 0 to"),
    "max_retry_after_overflow": bad_value("fetch", "--max-retry-after", "1e400"),
    "retries_negative": bad_value("fetch", "--retries", "-1", " is not a whole number from 0 to 100"),
    "schedule_unknown": fetch("urls.txt", "--schedule", "bogus", kind=USAGE,
                              message="--schedule: unknown schedule 'bogus'; choose cyclic, block or dynamic"),
    "max_size_fraction": bad_value("fetch", "--max-size", "1.5", " is not a whole number from 0"),
    "list_argument_missing": fetch(kind=USAGE, message="LIST is required"),
    "list_argument_twice": fetch("urls.txt", "more.txt", kind=USAGE, message="more.txt"),
}


WRAPPER = """#!/bin/sh
# Runs rankpool and appends "RANK EXIT-CODE" to $RANKPOOL_EXIT_CODES.
"$RANKPOOL_REAL" "$@"
code=$?
echo "${OMPI_COMM_WORLD_RANK:-$PMIX_RANK} $code" >> "$RANKPOOL_EXIT_CODES"
exit $code
"""


class BadInputTest(TempDirTestCase):
    """One test per entry of CASES (see the module docstring for what each asserts)."""

    @classmethod
    def setUpClass(cls):
        cls.server = FaultServer().__enter__()
        cls.addClassCleanup(cls.server.shutdown)
        tools = tempfile.TemporaryDirectory(prefix="rankpool-bad-input-")  # outside every test's folder
        cls.addClassCleanup(tools.cleanup)
        cls.tools = Path(tools.name)
        cls.wrapper = cls.tools / "rankpool-wrapper"
        cls.wrapper.write_text(WRAPPER)
        cls.wrapper.chmod(0o755)

    def setUp(self):
        super().setUp()
        # square's inputs
        write_pair(self.dir / "pair.h5")
        with h5py.File(self.dir / "shapes.h5", "w") as f:
            f.create_group("/grp/sub")
            f["matrix"] = np.ones((3, 4))
            f["scalar"] = np.int64(5)
            f["text"] = np.array([b"ab", b"cd"])
            f["vtext"] = np.array(["ab", "cd"], dtype=h5py.string_dtype())
            f["compound"] = np.zeros(3, dtype=[("a", "<i4"), ("b", "<f8")])
            f["bool"] = np.array([True, False])  # h5py stores bools as an enum
            f.create_dataset("refs", data=[f.ref], dtype=h5py.ref_dtype)
            f["empty"] = h5py.Empty("<i4")
            f["half"] = np.arange(4, dtype=np.float16)
            f["quad"] = np.arange(4, dtype=np.longdouble)
        with h5py.File(self.dir / "links.h5", "w") as f:
            f["external"] = h5py.ExternalLink("missing.h5", "/numbers")
            f["soft"] = h5py.SoftLink("/nothere")
            f.create_dataset("raw", shape=(10,), dtype="<i8", external=[("missing.raw", 0, 80)])
            f.create_virtual_dataset("virtual", virtual_layout("gone.h5"), fillvalue=-1)
        write_input(self.dir / "lzf.h5", np.arange(100), compression="lzf")  # h5py's own filter
        write_input(self.dir / "corrupt.h5", np.arange(10_000), chunks=(1000,), compression="gzip")
        with h5py.File(self.dir / "corrupt.h5", "r") as f:
            chunk = f["numbers"].id.get_chunk_info(5)
        with open(self.dir / "corrupt.h5", "r+b") as f:
            f.seek(chunk.byte_offset)
            f.write(b"\xff" * chunk.size)
        truncated = self.dir / "truncated.h5"
        write_input(truncated, np.arange(100_000))
        os.truncate(truncated, truncated.stat().st_size // 2)
        (self.dir / "notes.h5").write_text("not HDF5\n")
        (self.dir / "dangling.h5").symlink_to("nowhere.h5")
        (self.dir / "plugins").mkdir()
        (self.dir / "plugins" / "libh5lzf.so").write_text("not a shared library\n")
        # fetch's lists
        (self.dir / "urls.txt").write_text(self.server.url("/x.bin") + "\n")
        (self.dir / "dangling.txt").symlink_to("nowhere.txt")
        # both
        os.mkfifo(self.dir / "pipe")  # would block a reader forever
        (self.dir / "somefile.txt").write_text("a regular file\n")

    def run_case(self, case):
        """Runs the case at self.dir; returns ((code, stdout, stderr), {rank: exit code})."""
        url = self.server.url("")
        for name, content in (case.files or {}).items():
            if isinstance(content, list):  # \udcXX in a line stands for the byte 0xXX
                content = "".join(line.format(url=url) + "\n" for line in content).encode(errors="surrogateescape")
            (self.dir / name).write_bytes(content)
        codes = self.tools / f"codes-{self.id()}"
        codes.unlink(missing_ok=True)
        mark = uuid.uuid4().hex
        env = {key: value.format(dir=self.dir) for key, value in (case.env or {}).items()}
        env.update(RANKPOOL_REAL=os.path.abspath(rankpool_testing.BINARY), RANKPOOL_EXIT_CODES=str(codes),
                   RANKPOOL_BAD_INPUT_RUN=mark, OMPI_MCA_orte_abort_on_non_zero_status="0")
        before, hits = self.snapshot(), self.server.hits()
        try:
            with mock.patch.object(rankpool_testing, "BINARY", str(self.wrapper)):
                result = rankpool_testing.run([case.command, *case.args], ranks=case.ranks, cwd=self.dir,
                                              timeout=TIMEOUT, env=env)
        finally:  # after a timeout too: a process that escaped mpirun's process group must not linger
            left = self.processes_left(mark)
        self.assertEqual(left, [], "processes of the run outlived it")
        self.assertEqual(self.snapshot(), before, "the folder changed")
        self.assertEqual(self.server.hits(), hits, "a request reached the server")
        per_rank = dict(map(int, line.split()) for line in codes.read_text().splitlines()) if codes.exists() else {}
        return result, per_rank

    @staticmethod
    def processes_left(mark):
        """The processes that carry this run's mark in their environment, after a second to let exits finish;
        killed."""
        needle = f"RANKPOOL_BAD_INPUT_RUN={mark}".encode()
        deadline = time.monotonic() + 1
        while True:
            left = []
            for entry in Path("/proc").iterdir():
                try:
                    if entry.name.isdigit() and needle in (entry / "environ").read_bytes().split(b"\0"):
                        left.append(int(entry.name))
                except OSError:  # gone, or a zombie
                    continue
            if not left or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return left

    def assertBadInput(self, case, result, per_rank):
        _, out, err = result  # mpirun's own code: see the module docstring
        want = EXIT_CODES[case.kind]
        self.assertEqual(per_rank, {rank: want for rank in range(case.ranks)}, f"exit code of each rank\n{out}{err}")
        self.assertEqual(out, "")
        lines = err.splitlines()
        self.assertTrue(lines, "no error message")
        if case.kind == USAGE:
            self.assertRegex(lines[0], r"^rankpool: (?!error:)")
            self.assertEqual(lines[1:], [USAGE_HINT], err)
        else:
            self.assertTrue(lines[0].startswith("rankpool: error: "), err)
            self.assertEqual(len(lines), 1, err)
        self.assertIn(case.message, lines[0])
        self.assertLess(len(lines[0]), 1200, "an overlong message")


def bad_input_test(case):
    def test(self):
        self.assertBadInput(case, *self.run_case(case))
    return test


for name, case in CASES.items():
    setattr(BadInputTest, f"test_{case.command}_{name}", bad_input_test(case))


class OddButValidInputTest(TempDirTestCase):
    """Input that looks odd but is data: not an error."""

    def test_dataset_of_fill_values_only(self):
        """Allocated, never written: HDF5 returns the fill value, which rankpool squares."""
        with h5py.File(self.dir / "fill.h5", "w") as f:
            f.create_dataset("numbers", shape=(6,), dtype="<i8", fillvalue=7)
        self.square("--input", "fill.h5", "--output", "out.h5", "--head", "0")
        self.assertSquared(self.dir / "out.h5", np.full(6, 7, dtype="<i8"))

    def test_virtual_dataset_with_its_sources(self):
        """A virtual dataset reads through to its source files (here in a subfolder, named relative to it)."""
        (self.dir / "parts").mkdir()
        write_input(self.dir / "parts" / "source.h5", np.arange(10, dtype="<i8"))
        with h5py.File(self.dir / "parts" / "view.h5", "w") as f:
            f.create_virtual_dataset("numbers", virtual_layout("source.h5"), fillvalue=-1)
        self.square("--input", "parts/view.h5", "--output", "out.h5", "--head", "0")
        self.assertSquared(self.dir / "out.h5", np.arange(10, dtype="<i8"))


def virtual_layout(source_file):
    """A 1-D virtual dataset of 10 int64 values, all from /numbers of `source_file`."""
    layout = h5py.VirtualLayout(shape=(10,), dtype="<i8")
    layout[:] = h5py.VirtualSource(source_file, "numbers", shape=(10,))
    return layout


if __name__ == "__main__":
    unittest.main()
