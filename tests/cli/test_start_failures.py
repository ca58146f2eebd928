"""scripts/bench/start_failures.py, which counts failed launcher starts per setting (docs/testing.md's start-up
crash figures): the counts, the SIGSEGV column, the alternation and the kept logs, against a stand-in launcher
that fails exactly where the test says."""
import csv
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "bench" / "start_failures.py"


class StartFailuresTest(unittest.TestCase):
    def test_counts_per_variant(self):
        with tempfile.TemporaryDirectory() as folder:
            table = Path(folder) / "starts.csv"
            # "bad" fails every start, "segv" says what a crashed rank's launcher says, "ok" never fails.
            launcher = 'test -z "$FAIL" || { echo "${FAIL}"; exit 139; }'
            result = subprocess.run([sys.executable, str(SCRIPT), "--runs", "3", "--csv", str(table),
                                     "--variant", "ok=", "--variant", "segv=FAIL=Segmentation fault",
                                     "--variant", "bad=FAIL=no", "--", "sh", "-c", launcher],
                                    capture_output=True, text=True, timeout=60,
                                    env={**os.environ, "PYTHONPATH": str(REPO / "scripts" / "lib")})
            self.assertEqual(result.returncode, 1, result.stdout + result.stderr)  # some start failed
            rows = {line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:5]]
                    for line in result.stdout.splitlines()[2:]}
            self.assertEqual(rows, {"ok": ["3", "0", "0"], "segv": ["3", "3", "3"], "bad": ["3", "3", "0"]})
            starts = list(csv.DictReader(table.open()))
            self.assertEqual([s["variant"] for s in starts[:6]], ["ok", "segv", "bad", "bad", "segv", "ok"])
            logs = sorted(p.name for p in Path(folder).glob("starts.csv.fail-*"))
            self.assertEqual(len(logs), 6)
            self.assertEqual((Path(folder) / "starts.csv.fail-0-segv.log").read_text(), "Segmentation fault\n")


if __name__ == "__main__":
    unittest.main()
