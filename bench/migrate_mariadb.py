#!/usr/bin/env python3
"""Apply N small migrations to MariaDB with dbwarden and dbmate in the same run.

Each round creates a fresh database per tool, times the tool's "apply everything" command from
start to exit, checks that its history table records N migrations, and drops the database. The
order of the tools rotates each round. Prints per-round times, medians, the load average and the
ratio of dbwarden to dbmate. Every tool gets the same statements (../shared/bench/gen_migrations.py).

usage: bench/migrate_mariadb.py [--n 1000] [--rounds 5] [--dbwarden target/release/dbwarden]
       [--dbmate PATH] [--gen ../shared/bench/gen_migrations.py]
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

HOST = "127.0.0.1"

def mysql(sql, db=None):
    cmd = ["mysql", "-h", HOST, "-u", "root", "-N", "-e", sql]
    if db:
        cmd.insert(1, f"--database={db}")
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()

def fresh_db(name):
    mysql(f"DROP DATABASE IF EXISTS {name}")
    mysql(f"CREATE DATABASE {name}")

def timed(cmd):
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return elapsed

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(here)
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--dbwarden", default=os.path.join(repo, "target/release/dbwarden"))
    ap.add_argument("--dbmate", default=shutil.which("dbmate") or "/tmp/peers/npm/node_modules/.bin/dbmate")
    ap.add_argument("--gen", default=os.path.join(repo, "..", "shared", "bench", "gen_migrations.py"))
    args = ap.parse_args()
    for tool in (args.dbwarden, args.dbmate):
        if not os.path.exists(tool):
            sys.exit(f"{tool} not found (cargo build --release -p dbwarden-cli; npm install dbmate)")

    work = tempfile.mkdtemp(prefix="dbw-bench-")
    pairs = os.path.join(work, "migrations")
    subprocess.run([sys.executable, args.gen, str(args.n), pairs], check=True)
    dbmate_dir = os.path.join(work, "dbmate")
    os.makedirs(dbmate_dir)
    for f in sorted(os.listdir(pairs)):
        if f.endswith(".up.sql"):
            stem = f[: -len(".up.sql")]
            up = open(os.path.join(pairs, f)).read()
            down = open(os.path.join(pairs, stem + ".down.sql")).read()
            open(os.path.join(dbmate_dir, stem + ".sql"), "w").write(f"-- migrate:up\n{up}\n-- migrate:down\n{down}")

    url = lambda name: f"mysql://root@{HOST}:3306/{name}"
    tools = {
        "dbwarden": lambda name: timed([args.dbwarden, "--database-url", url(name), "--migrations-dir", pairs,
                                        "--event-log", os.path.join(work, "events.ndjson"), "migrate", "up"]),
        "dbmate": lambda name: timed([args.dbmate, "--url", url(name), "--migrations-dir", dbmate_dir,
                                      "--no-dump-schema", "up"]),
    }
    history = {"dbwarden": "dbwarden_migrations", "dbmate": "schema_migrations"}
    times = {t: [] for t in tools}
    for r in range(args.rounds):
        order = list(tools)[r % len(tools):] + list(tools)[: r % len(tools)]
        for tool in order:
            name = f"dbw_bench_{tool}"
            fresh_db(name)
            t = tools[tool](name)
            applied = int(mysql(f"SELECT COUNT(*) FROM {history[tool]}", name))
            if applied != args.n:
                sys.exit(f"{tool} recorded {applied} migrations, expected {args.n}")
            mysql(f"DROP DATABASE {name}")
            times[tool].append(t)
            print(f"round {r + 1} {tool:9} {t:7.2f} s  (load {os.getloadavg()[0]:.2f})")
    print()
    medians = {t: statistics.median(v) for t, v in times.items()}
    for t, m in medians.items():
        print(f"median {t:9} {m:7.2f} s  ({args.n / m:7.1f} migrations/s)")
    print(f"ratio dbwarden / dbmate = {medians['dbwarden'] / medians['dbmate']:.2f}  (load average {os.getloadavg()})")
    shutil.rmtree(work)

if __name__ == "__main__":
    main()
