#!/usr/bin/env python3
"""The tutorial's square job, as the tutorial writes it, plus the HDF5 output rankpool writes.

    tutorial_square.py [--n N] [--processes P] [--output FILE.h5] [--report FILE.json]

A pandas column of N np.random.randint(1, 100) values, np.array_split into P chunks,
Pool(P).map(calculate_square, chunks), pd.concat back -- exactly the tutorial's steps -- then
/numbers and /squared written with h5py so that it does the same job as `rankpool square`.
This is the "tutorial" contender of scripts/bench.sh: keep it in the tutorial's style; do not
optimise it.
"""
import argparse
import json
import time
from multiprocessing import Pool

import h5py
import numpy as np
import pandas as pd


# Define a function to process data (the tutorial's, verbatim)
def calculate_square(chunk):
    return chunk ** 2


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--n', type=int, default=10_000_000, help='number of records (default 10 million)')
    parser.add_argument('--processes', type=int, default=2, help='pool size = number of chunks (default 2)')
    parser.add_argument('--output', default='tutorial.h5', help='HDF5 file for /numbers and /squared')
    parser.add_argument('--report', help='write the phase timings as JSON (rankpool\'s report shape)')
    args = parser.parse_args()
    start = time.perf_counter()

    # Create a DataFrame with a large number of entries
    num_records = args.n
    df = pd.DataFrame({'numbers': np.random.randint(1, 100, size=num_records)})
    generated = time.perf_counter()

    # Split the DataFrame into chunks for processing
    num_chunks = args.processes
    chunks = np.array_split(df['numbers'], num_chunks)

    # Create a Pool of worker processes (starting them is part of the tutorial's cost, so it is timed)
    with Pool(processes=num_chunks) as pool:
        # Use map to apply the calculate_square function to each chunk
        results = pool.map(calculate_square, chunks)

    # Concatenate results back into a single DataFrame
    squared_df = pd.concat(results)
    squared_df = squared_df.reset_index(drop=True)  # Reset index
    squared = time.perf_counter()

    # The tutorial stops at print(squared_df.head()); rankpool also keeps both arrays in HDF5.
    with h5py.File(args.output, 'w') as f:
        f.create_dataset('numbers', data=df['numbers'].to_numpy())
        f.create_dataset('squared', data=squared_df.to_numpy())
    written = time.perf_counter()

    print(squared_df.head())
    if args.report:
        # One process does every phase, so min = mean = max.
        seconds = {'generate': generated - start, 'square': squared - generated, 'write': written - squared,
                   'total': written - start}
        report = {'command': 'tutorial', 'processes': num_chunks, 'n': num_records,
                  'phases': {name: {'min': s, 'mean': s, 'max': s} for name, s in seconds.items()}}
        with open(args.report, 'w') as f:
            json.dump(report, f, indent=2)
