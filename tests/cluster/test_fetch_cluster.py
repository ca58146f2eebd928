"""`rankpool fetch` across the nodes of a local cluster (3 nodes x 2 ranks) into a shared --out, with each
schedule. The server (tests/helpers/fault_server.py) runs inside node3, on that node's own address, so every
download crosses the cluster's network. Files are checked byte for byte against content() and by sha256, and the
report must name each URL's rank and that rank's node."""
import hashlib
import json
import time
import unittest

from fault_server import content
from local_cluster import ClusterTestCase
from rankpool_testing import BINARY

PORT = 18080
FILES = {f"/f{i:02d}.bin": 1000 + 997 * i for i in range(14)}


class FetchClusterTest(ClusterTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server, address = cls.cluster.start_server("node3", PORT)
        cls.addClassCleanup(cls.stop_server)
        lines = [f"http://{address}:{PORT}{path}?size={size} size={size} "
                 f"sha256={hashlib.sha256(content(path, size)).hexdigest()}" for path, size in FILES.items()]
        (cls.cluster.shared / "urls.txt").write_text("\n".join(lines) + "\n")

    @classmethod
    def stop_server(cls):
        cls.server.kill()
        cls.server.wait()

    def test_each_schedule_fetches_every_file_from_every_node(self):
        for schedule in ("block", "cyclic", "dynamic"):
            with self.subTest(schedule=schedule):
                out, report = f"out-{schedule}", f"{schedule}.json"
                start = time.monotonic()
                result = self.cluster.run(["srun", "-N", "3", "-n", "6", "--mpi=pmix", BINARY, "fetch", "urls.txt",
                                           "--out", out, "--schedule", schedule, "--report", report])
                self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
                self.assertLess(time.monotonic() - start, 120)
                folder = self.cluster.shared / out
                self.assertEqual(sorted(p.name for p in folder.iterdir()), sorted(p[1:] for p in FILES))
                for path, size in FILES.items():
                    self.assertEqual((folder / path[1:]).read_bytes(), content(path, size), path)
                entries = json.loads((self.cluster.shared / report).read_text())["results"]
                self.assertEqual([e["status"] for e in entries], ["ok"] * len(FILES))
                for e in entries:  # srun places ranks 0-1 on node1, 2-3 on node2, 4-5 on node3
                    self.assertEqual(e["host"], f"node{e['rank'] // 2 + 1}", e)
                if schedule != "dynamic":  # dynamic hands out work as ranks ask; the others are fixed
                    self.assertEqual({e["host"] for e in entries}, {"node1", "node2", "node3"})


if __name__ == "__main__":
    unittest.main()
