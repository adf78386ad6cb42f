#!/usr/bin/env python3
"""Backup, verify and fingerprint on a 2,000,000-row PostgreSQL table (about 480 MB), side by
side with pg_dump -Fc and a bare COPY ... TO STDOUT, in one run.

    cargo build --release -p dbwarden-cli
    python3 bench/backup_pg.py [--rows 2000000] [--runs 3]

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and pg_dump/psql on PATH. Prints
medians, ratios and peak memory (max RSS via /usr/bin/time -v). The table and its database
(dbw_bench_backup) are created once and kept between runs; pass --fresh to rebuild them.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "dbwarden")
ADMIN = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q"]
DB = "dbw_bench_backup"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}?sslmode=disable"

# About 240 bytes a row: the size the issue describes.
TABLE = """
CREATE TABLE bench_rows (
  id bigint PRIMARY KEY,
  account_id integer NOT NULL,
  email text NOT NULL,
  name text,
  payload text,
  amount numeric(12,2),
  created_at timestamptz NOT NULL,
  flags integer,
  note text
);
INSERT INTO bench_rows
SELECT g, g % 50000, 'user' || g || '@example.com', 'Name ' || md5(g::text),
       repeat(md5((g * 7)::text), 3), (g % 100000) / 100.0,
       timestamptz '2024-01-01' + (g || ' seconds')::interval,
       CASE WHEN g % 10 = 0 THEN NULL ELSE g % 7 END,
       CASE WHEN g % 3 = 0 THEN NULL ELSE 'note ' || g END
FROM generate_series(1, {rows}) AS g;
VACUUM ANALYZE bench_rows;
"""


def psql(sql, db="postgres"):
    subprocess.run(ADMIN + ["-d", db, "-c", sql], check=True, stdout=subprocess.DEVNULL)


def prepare(rows, fresh):
    exists = subprocess.run(
        ADMIN + ["-d", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{DB}'"],
        check=True, capture_output=True, text=True).stdout.strip() == "1"
    if exists and not fresh:
        count = subprocess.run(ADMIN + ["-d", DB, "-tAc", "SELECT count(*) FROM bench_rows"],
                               capture_output=True, text=True).stdout.strip()
        if count == str(rows):
            return
    psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB}")
    subprocess.run(ADMIN + ["-d", DB], input=TABLE.format(rows=rows), text=True, check=True,
                   stdout=subprocess.DEVNULL)


def timed(cmd, env=None, stdout=subprocess.DEVNULL):
    """Runs cmd under /usr/bin/time -v; returns (seconds, peak RSS in MB)."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=stdout, stderr=subprocess.PIPE,
                          text=True, env=env)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stderr[-2000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    return seconds, int(rss.group(1)) / 1024 if rss else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    if not os.path.exists(BINARY):
        sys.exit("build first: cargo build --release -p dbwarden-cli")
    prepare(args.rows, args.fresh)
    size = subprocess.run(ADMIN + ["-d", DB, "-tAc",
                                   "SELECT pg_size_pretty(pg_table_size('bench_rows'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    print(f"table bench_rows: {args.rows} rows, {size} (heap + toast)")
    env = dict(os.environ, DATABASE_URL=URL)
    results = {k: [] for k in ["pg_dump", "backup", "verify", "copy", "fingerprint"]}
    memory = {"backup": 0.0, "verify": 0.0, "fingerprint": 0.0}
    sizes = {}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            dump = os.path.join(tmp, f"dump{run}.pgdump")
            results["pg_dump"].append(timed(
                ["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "-Fc", "-t", "bench_rows",
                 "-f", dump, DB])[0])
            sizes["pg_dump"] = os.path.getsize(dump)
            backup = os.path.join(tmp, f"b{run}.dbwb")
            seconds, rss = timed([BINARY, "--no-event-log", "backup", "create", "--table",
                                  "bench_rows", "-o", backup], env)
            results["backup"].append(seconds)
            memory["backup"] = max(memory["backup"], rss)
            sizes["dbwarden"] = os.path.getsize(backup)
            seconds, rss = timed([BINARY, "--no-event-log", "backup", "verify", backup], env)
            results["verify"].append(seconds)
            memory["verify"] = max(memory["verify"], rss)
            results["copy"].append(timed(ADMIN + ["-d", DB, "-c",
                                                  "COPY bench_rows TO STDOUT"])[0])
            seconds, rss = timed([BINARY, "--no-event-log", "validate", "snapshot", "--table",
                                  "bench_rows", "-o", os.path.join(tmp, "snap.json")], env)
            results["fingerprint"].append(seconds)
            memory["fingerprint"] = max(memory["fingerprint"], rss)
            os.remove(dump)
            os.remove(backup)
            print(f"run {run + 1}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in results.items()),
                  flush=True)
    med = {k: statistics.median(v) for k, v in results.items()}
    print()
    print(f"median of {args.runs} runs")
    print(f"  pg_dump -Fc            {med['pg_dump']:7.2f} s   ({sizes['pg_dump'] / 2**20:.0f} MB)")
    print(f"  dbwarden backup create {med['backup']:7.2f} s   ({sizes['dbwarden'] / 2**20:.0f} MB)"
          f"   ratio {med['backup'] / med['pg_dump']:.2f}x pg_dump   peak {memory['backup']:.0f} MB")
    print(f"  dbwarden backup verify {med['verify']:7.2f} s   ratio {med['verify'] / med['backup']:.2f}x"
          f" backup   peak {memory['verify']:.0f} MB")
    print(f"  COPY TO STDOUT (psql)  {med['copy']:7.2f} s")
    print(f"  dbwarden fingerprint   {med['fingerprint']:7.2f} s   ratio"
          f" {med['fingerprint'] / med['copy']:.2f}x COPY   peak {memory['fingerprint']:.0f} MB")


if __name__ == "__main__":
    main()
