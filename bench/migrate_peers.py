#!/usr/bin/env python3
"""Apply N small migrations to PostgreSQL with dbwarden, dbmate and sqlx-cli in the same run.

Each round creates a fresh database per tool, times the tool's "apply everything" command from
start to exit, and drops the database. Prints per-round times, medians and the ratio of dbwarden
to the fastest peer. Every tool gets the same statements (../shared/bench/gen_migrations.py).

usage: bench/migrate_peers.py [--n 1000] [--rounds 5] [--dbwarden target/release/dbwarden]
       [--dbmate PATH] [--sqlx PATH] [--gen ../shared/bench/gen_migrations.py]
A peer whose binary is missing is skipped and said so.
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile, time

PG = "postgres://postgres@127.0.0.1:5432"

def psql(sql):
    subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c", sql],
                   check=True, stdout=subprocess.DEVNULL)

def fresh_db(name):
    psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(f"CREATE DATABASE {name}")
    return f"{PG}/{name}?sslmode=disable"

def count_history(name, table):
    out = subprocess.run(["psql", "-At", "-h", "127.0.0.1", "-U", "postgres", "-d", name, "-c",
                          f"SELECT count(*) FROM {table}"], check=True, capture_output=True, text=True)
    return int(out.stdout.strip())

def timed(cmd, env=None, cwd=None):
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
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
    ap.add_argument("--sqlx", default=shutil.which("sqlx") or "/tmp/peers/bin/sqlx")
    ap.add_argument("--gen", default=os.path.join(repo, "..", "shared", "bench", "gen_migrations.py"))
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="dbw-bench-")
    pairs = os.path.join(work, "migrations")
    subprocess.run([sys.executable, args.gen, str(args.n), pairs], check=True)
    # dbmate wants one file per migration with -- migrate:up / -- migrate:down sections.
    dbmate_dir = os.path.join(work, "dbmate")
    os.makedirs(dbmate_dir)
    for f in sorted(os.listdir(pairs)):
        if f.endswith(".up.sql"):
            stem = f[: -len(".up.sql")]
            up = open(os.path.join(pairs, f)).read()
            down = open(os.path.join(pairs, stem + ".down.sql")).read()
            open(os.path.join(dbmate_dir, stem + ".sql"), "w").write(f"-- migrate:up\n{up}\n-- migrate:down\n{down}")

    tools = {}
    if os.path.exists(args.dbwarden):
        tools["dbwarden"] = lambda url: timed([args.dbwarden, "--database-url", url, "--migrations-dir", pairs,
                                               "--event-log", os.path.join(work, "events.ndjson"), "migrate", "up"])
    else:
        print(f"dbwarden not found at {args.dbwarden}: build it with cargo build --release")
    if os.path.exists(args.dbmate):
        tools["dbmate"] = lambda url: timed([args.dbmate, "--url", url, "--migrations-dir", dbmate_dir,
                                             "--no-dump-schema", "up"])
    else:
        print(f"dbmate not found (npm install dbmate): skipped")
    if os.path.exists(args.sqlx):
        tools["sqlx-cli"] = lambda url: timed([args.sqlx, "migrate", "run", "--source", pairs,
                                               "--database-url", url])
    else:
        print(f"sqlx-cli not found (cargo install sqlx-cli --no-default-features --features postgres,rustls): skipped")
    # The floor: psql running the same statements, one transaction per migration, no history
    # table and no checks. No migration tool can do the same server work in less time.
    floor_script = os.path.join(work, "floor.sql")
    with open(floor_script, "w") as out:
        for f in sorted(os.listdir(pairs)):
            if f.endswith(".up.sql"):
                out.write("BEGIN;\n" + open(os.path.join(pairs, f)).read() + "COMMIT;\n")
    tools["psql-floor"] = lambda url: timed(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", floor_script])
    history = {"dbwarden": "dbwarden_migrations", "dbmate": "schema_migrations", "sqlx-cli": "_sqlx_migrations"}

    times = {t: [] for t in tools}
    for r in range(args.rounds):
        # Rotate the order each round so no tool always runs first on a warm or cold cache.
        order = list(tools)[r % len(tools):] + list(tools)[: r % len(tools)]
        for tool in order:
            name = f"dbw_bench_{tool.replace('-', '_')}"
            url = fresh_db(name)
            t = tools[tool](url)
            applied = count_history(name, history[tool]) if tool in history else args.n
            if applied != args.n:
                sys.exit(f"{tool} recorded {applied} migrations, expected {args.n}")
            psql(f"DROP DATABASE {name} WITH (FORCE)")
            times[tool].append(t)
            print(f"round {r + 1} {tool:9} {t:7.2f} s")
    print()
    medians = {t: statistics.median(v) for t, v in times.items()}
    for t, m in medians.items():
        print(f"median {t:9} {m:7.2f} s  ({args.n / m:7.1f} migrations/s)")
    peers = {t: m for t, m in medians.items() if t not in ("dbwarden", "psql-floor")}
    if "dbwarden" in medians and peers:
        fastest = min(peers, key=peers.get)
        print(f"ratio dbwarden / fastest peer ({fastest}) = {medians['dbwarden'] / peers[fastest]:.2f}")
    if "dbwarden" in medians and "psql-floor" in medians:
        print(f"ratio dbwarden / psql floor = {medians['dbwarden'] / medians['psql-floor']:.2f}")
    shutil.rmtree(work)

if __name__ == "__main__":
    main()
