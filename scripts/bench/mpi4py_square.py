#!/usr/bin/env python3
"""`rankpool square --io root` written with mpi4py + numpy + h5py: the "mpi4py" contender.

    mpirun -np P mpi4py_square.py [--n N] [--seed S] [--output FILE.h5] [--report FILE.json]

Same job, same phases, same values as rankpool: rank 0 generates N int64 values in [1, 99]
with rankpool's counter-based SplitMix64 (src/square/generate.hpp), writes /numbers, Scatterv
of np.array_split chunks, every rank squares its chunk, Gatherv, rank 0 writes /squared.
Each phase starts with a barrier and is timed with MPI.Wtime on every rank; the report holds
min / mean / max over ranks, like rankpool's. scripts/bench.sh checks that /squared is
bit-identical to rankpool's.
"""
import argparse
import json
import resource

import h5py
import numpy as np
from mpi4py import MPI

GOLDEN_GAMMA = np.uint64(0x9E3779B97F4A7C15)
MIX1 = np.uint64(0xBF58476D1CE4E5B9)
MIX2 = np.uint64(0x94D049BB133111EB)
LOW, SPAN = 1, 99  # integers in [LOW, LOW + SPAN - 1] = [1, 99]


def generate(n, seed):
    """Element i = LOW + hi64(splitmix64(seed, i) * SPAN), as in generate.hpp, vectorised.

    numpy's uint64 array arithmetic wraps modulo 2^64 like C++'s; everything is done in place
    so that at most two n-element arrays are alive at once.
    """
    z = np.arange(1, n + 1, dtype=np.uint64)  # index + 1
    z *= GOLDEN_GAMMA
    z += np.uint64(seed)
    z ^= z >> np.uint64(30)
    z *= MIX1
    z ^= z >> np.uint64(27)
    z *= MIX2
    z ^= z >> np.uint64(31)
    values = mulhi_span(z).view(np.int64)  # in [0, SPAN), so the bits read the same as int64
    values += LOW
    return values


def mulhi_span(bits):
    """hi64(bits * SPAN) without 128-bit integers, computed in place (bits is overwritten).

    Split bits into 32-bit halves: bits * SPAN = hi * SPAN * 2^32 + lo * SPAN, so its top 64
    bits are (hi * SPAN + (lo * SPAN >> 32)) >> 32, exactly (no term exceeds 2^40).
    """
    lo = bits & np.uint64(0xFFFFFFFF)
    lo *= np.uint64(SPAN)
    lo >>= np.uint64(32)
    bits >>= np.uint64(32)
    bits *= np.uint64(SPAN)
    bits += lo
    bits >>= np.uint64(32)
    return bits


def check_mulhi(samples=100_000):
    """The 32-bit split must equal the exact product in Python integers (run with --self-test)."""
    rng = np.random.default_rng(1)
    bits = np.concatenate([rng.integers(0, 2**64, size=samples, dtype=np.uint64, endpoint=False),
                           np.array([0, 1, 2**32 - 1, 2**32, 2**63, 2**64 - 1], dtype=np.uint64)])
    fast = mulhi_span(bits.copy())
    exact = [(int(b) * SPAN) >> 64 for b in bits]
    assert fast.tolist() == exact, "mulhi_span disagrees with exact 128-bit arithmetic"
    # splitmix64(20240601, 0..2) with the reference C++ formula, also in Python integers
    mask = 2**64 - 1
    for i in range(3):
        z = (20240601 + (i + 1) * 0x9E3779B97F4A7C15) & mask
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        z ^= z >> 31
        assert generate(3, 20240601)[i] == LOW + ((z * SPAN) >> 64)
    print(f"mulhi_span matches exact arithmetic on {len(bits)} samples; generate matches the reference")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--n', type=int, default=10_000_000)
    parser.add_argument('--seed', type=int, default=20240601)
    parser.add_argument('--output', default='mpi4py.h5')
    parser.add_argument('--report')
    parser.add_argument('--self-test', action='store_true', help='check the generator arithmetic and exit')
    args = parser.parse_args()
    if args.self_test:
        check_mulhi()
        return

    comm = MPI.COMM_WORLD
    rank, size = comm.Get_rank(), comm.Get_size()
    root = rank == 0
    # np.array_split's partition: the first n % size ranks get one element more.
    counts = np.array([args.n // size + (r < args.n % size) for r in range(size)], dtype=np.int64)
    displs = np.concatenate([[0], np.cumsum(counts)[:-1]])
    seconds = {}

    def phase(name, work):
        # Like rankpool: a barrier, then each rank times its own part of the phase.
        comm.Barrier()
        start = MPI.Wtime()
        result = work()
        seconds[name] = MPI.Wtime() - start
        return result

    # Created before the clock starts, as rankpool creates its output before its phases.
    out = h5py.File(args.output, 'w') if root else None
    comm.Barrier()
    t0 = MPI.Wtime()
    numbers = phase('generate', lambda: generate(args.n, args.seed) if root else None)
    phase('write_input', lambda: out.create_dataset('numbers', data=numbers) if root else None)

    chunk = np.empty(counts[rank], dtype=np.int64)
    send = [numbers, counts, displs, MPI.INT64_T] if root else None
    phase('scatter', lambda: comm.Scatterv(send, chunk, root=0))
    phase('square', lambda: np.square(chunk, out=chunk))  # in place, as rankpool does
    squared = np.empty(args.n, dtype=np.int64) if root else None
    recv = [squared, counts, displs, MPI.INT64_T] if root else None
    phase('gather', lambda: comm.Gatherv(chunk, recv, root=0))

    def write_output():
        if root:
            out.create_dataset('squared', data=squared)
            out.close()  # the flush is part of writing, as in rankpool
    phase('write_output', write_output)
    seconds['total'] = MPI.Wtime() - t0

    # Min / mean / max over ranks for every phase, and every rank's peak RSS (Linux: KiB).
    all_seconds = comm.gather(seconds, root=0)
    peak = comm.gather(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, root=0)
    if root:
        print(f"mpi4py_square: {args.n} int64 values, seed {args.seed}, {size} ranks -> {args.output}")
        print(' | '.join(f"{k} {max(s[k] for s in all_seconds):.4f}" for k in seconds))
    if root and args.report:
        phases = {k: {'min': min(s[k] for s in all_seconds), 'mean': sum(s[k] for s in all_seconds) / size,
                      'max': max(s[k] for s in all_seconds)} for k in seconds}
        report = {'command': 'square', 'program': 'mpi4py_square.py', 'io': 'root', 'n': args.n, 'ranks': size,
                  'seed': args.seed, 'counts': counts.tolist(), 'phases': phases,
                  'peak_rss_bytes': {'min': min(peak), 'max': max(peak), 'per_rank': peak}}
        with open(args.report, 'w') as f:
            json.dump(report, f, indent=2)


if __name__ == '__main__':
    main()
