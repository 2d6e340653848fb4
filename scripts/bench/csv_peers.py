#!/usr/bin/env python3
"""Times pandas.read_csv on the file BenchmarkReadCSV (frame/csv_bench_test.go) generates,
for comparison with gomle's frame.ReadFile (issue 12). Make the file and time gomle with

  GOMLE_CSV_BENCH_FILE=/tmp/csvbench/bench.csv \
    go test ./frame/ -run '^$' -bench ReadCSV -benchtime 3x -count 5

then time pandas on it (pip install --target /tmp/pandas-site pandas):

  PYTHONPATH=/tmp/pandas-site python3 scripts/bench/csv_peers.py /tmp/csvbench/bench.csv --reps 5

Each engine reads the file once untimed (to warm the page cache), then --reps times; the
median, min and max MB/s are printed, MB being 10⁶ bytes as in Go's benchmarks. pandas'
default C engine is single-threaded, like gomle's reader; --pyarrow also times
engine="pyarrow" (multi-threaded) when pyarrow is installed.
"""
import argparse, os, statistics, sys, time

import pandas as pd


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--pyarrow", action="store_true")
    args = ap.parse_args()
    size = os.path.getsize(args.file)
    engines = ["c"] + (["pyarrow"] if args.pyarrow else [])
    print(f"pandas {pd.__version__}, file {args.file}, {size / 1e6:.1f} MB")
    for engine in engines:
        df = pd.read_csv(args.file, engine=engine)  # untimed
        assert df.shape == (1_000_000, 20), df.shape
        times = []
        for _ in range(args.reps):
            t0 = time.perf_counter()
            pd.read_csv(args.file, engine=engine)
            times.append(time.perf_counter() - t0)
        mbs = sorted(size / 1e6 / t for t in times)
        print(f"engine={engine}: median {statistics.median(mbs):.1f} MB/s "
              f"(min {mbs[0]:.1f}, max {mbs[-1]:.1f}; {args.reps} reps, median "
              f"{statistics.median(times):.3f} s)")


if __name__ == "__main__":
    sys.exit(main())
