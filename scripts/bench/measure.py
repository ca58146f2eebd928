#!/usr/bin/env python3
"""measure.py LOG -- COMMAND [ARGS...]: run COMMAND once, measured from outside.

Prints one JSON line: {"wall_s": ..., "exit_code": ..., "peak_rss_bytes": ...}; COMMAND's own
stdout and stderr go to LOG.

fork/exec + os.wait4: wait4's rusage covers the child and every descendant it waited for,
and ru_maxrss is the largest single process among them -- under mpirun, the largest rank.
This runs as its own small process (standard library only) because a forked child's
ru_maxrss starts at its parent's resident size (Linux records the pre-exec copy at exec): forked
straight from bench.py, with numpy, pandas and h5py loaded, every contender would show at
least the driver's size. From here the floor is about 7 MB.
"""
import json
import os
import sys
import time


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit(__doc__)
    log_path, argv = sys.argv[1], sys.argv[3:]
    with open(log_path, "wb") as log:
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:  # the child: never returns into this script
            try:
                os.dup2(log.fileno(), 1)
                os.dup2(log.fileno(), 2)
                os.execvp(argv[0], argv)
            except BaseException as e:
                os.write(2, f"cannot run {argv[0]}: {e}\n".encode())
            os._exit(127)
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
    print(json.dumps({"wall_s": wall, "exit_code": os.waitstatus_to_exitcode(status),
                      "peak_rss_bytes": usage.ru_maxrss * 1024}))  # Linux reports KiB


if __name__ == "__main__":
    main()
