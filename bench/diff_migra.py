#!/usr/bin/env python3
"""dbwarden diff side by side with migra (PyPI) on two PostgreSQL databases of N tables each.

usage: bench/diff_migra.py [--tables 1000] [--rounds 5]
                           [--functions 1000 --triggers 500 --views 100]
                           [--dbwarden $CARGO_TARGET_DIR/release/dbwarden (else target/...)]
                           [--migra migra] [--gen ../shared/bench/gen_schema.py]

Workload: `gen_schema.py N a` and `gen_schema.py N b` (N tables of 13 columns with a primary
key, a foreign key to an earlier table, two indexes and a check each, a view per ten tables;
`b` changes about 10% of the tables), loaded with `psql -f` into two fresh databases with unique
names (then VACUUM ANALYZE, so autovacuum does not run on the new catalogs during the timing),
which are dropped at the end, also when something fails or on Ctrl-C. Then, ROUNDS times,
alternating which runs first:

    migra postgresql://.../A postgresql://.../B --unsafe
    dbwarden diff --from postgres://.../A --to postgres://.../B

Both read the two catalogs and print every difference (migra as SQL, dbwarden as classified
changes grouped by table). Reports the median wall time of each, the ratio, and checks that
both found differences (migra exits 2 when there are some; dbwarden prints "N changes: ...").

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and psql on PATH. Pins: a plain
`pip install migra` brings SQLAlchemy 2.1, under which a postgresql:// URL loads the psycopg 3
driver (not installed), and migra fails with "No module named 'psycopg'"; migra 3.0 was written
for SQLAlchemy 1.x with psycopg2, so sqlalchemy<2 is pinned. The versions measured:

    python3 -m venv /tmp/peers/migra-venv
    /tmp/peers/migra-venv/bin/pip install migra psycopg2-binary "sqlalchemy<2"
    # migra 3.0.1663481299, schemainspect 3.1.1663587362, sqlbag 0.1.1617247075,
    # SQLAlchemy 1.4.54, psycopg2-binary 2.9.13 (Python 3.11)
    CARGO_TARGET_DIR=/work/target-bench cargo build --release -p dbwarden-cli
    python3 bench/diff_migra.py --migra /tmp/peers/migra-venv/bin/migra \\
        --dbwarden /work/target-bench/release/dbwarden
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Where `cargo build --release` puts the binary (CARGO_TARGET_DIR when set).
BINARY = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")),
                      "release", "dbwarden")
GEN = os.path.join(os.path.dirname(ROOT), "shared", "bench", "gen_schema.py")
ADMIN = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-q"]


def psql(sql, db="postgres"):
    subprocess.run(ADMIN + ["-d", db, "-c", sql], check=True, stdout=subprocess.DEVNULL)


def programs_sql(variant, tables, functions, triggers, views):
    """Functions, triggers and views on top of the generated tables (issue 11's workload).
    Variant `b` changes every tenth function body, drops every twentieth trigger and changes
    every tenth extra view."""
    out = ["SET check_function_bodies = false;"]
    for i in range(functions):
        step = 2 if variant == "b" and i % 10 == 0 else 1
        if i % 2:
            out.append(f"CREATE FUNCTION fn_{i}(v bigint) RETURNS bigint LANGUAGE sql IMMUTABLE "
                       f"AS $$ SELECT v + {step} $$;")
        else:
            out.append(f"CREATE FUNCTION fn_{i}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                       f"BEGIN NEW.id := NEW.id + {step - 1}; RETURN NEW; END $$;")
    for i in range(triggers):
        if variant == "b" and i % 20 == 0:
            continue
        table = f"t{i % tables:04d}"
        out.append(f"CREATE TRIGGER trg_{i} BEFORE INSERT ON {table} FOR EACH ROW "
                   f"EXECUTE FUNCTION fn_{(2 * i) % functions}();")
    for i in range(views):
        extra = ", 1 AS changed" if variant == "b" and i % 10 == 0 else ""
        out.append(f"CREATE VIEW extra_view_{i} AS SELECT id{extra} FROM t{i % tables:04d};")
    return "\n".join(out) + "\n"


def load(db, gen, tables, variant, tmp, programs=None):
    path = os.path.join(tmp, f"{variant}.sql")
    with open(path, "w") as f:
        subprocess.run([sys.executable, gen, str(tables), variant], stdout=f, check=True)
        if programs:
            f.write(programs_sql(variant, tables, *programs))
    psql(f"CREATE DATABASE {db}")
    subprocess.run(ADMIN + ["-d", db, "-f", path], check=True, stdout=subprocess.DEVNULL)
    # Settle the new catalog (statistics, visibility) now, rather than under autovacuum while
    # the tools are timed.
    psql("VACUUM (ANALYZE)", db)


def timed(cmd, ok_codes, cwd):
    started = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd)
    seconds = time.perf_counter() - started
    if done.returncode not in ok_codes:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-2000:]}")
    return seconds, done.returncode, done.stdout


def migra_statements(out):
    return sum(1 for line in out.splitlines() if line.rstrip().endswith(";"))


def dbwarden_changes(out):
    found = re.search(r"^(\d+) changes: ", out, re.MULTILINE)
    return int(found.group(1)) if found else 0


def version(cmd):
    done = subprocess.run(cmd, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dbwarden", default=BINARY)
    parser.add_argument("--migra", default="migra")
    parser.add_argument("--gen", default=GEN)
    parser.add_argument("--functions", type=int, default=0,
                        help="also create this many functions (half of them trigger functions)")
    parser.add_argument("--triggers", type=int, default=0)
    parser.add_argument("--views", type=int, default=0, help="extra views, on top of gen's")
    args = parser.parse_args()
    programs = ((args.functions, args.triggers, args.views)
                if args.functions or args.triggers or args.views else None)
    if programs and args.triggers and args.functions < 2:
        sys.exit("--triggers needs --functions (at least 2)")
    if not os.path.exists(args.dbwarden):
        sys.exit(f"{args.dbwarden} missing: build first (cargo build --release -p dbwarden-cli)")
    if shutil.which(args.migra) is None:
        sys.exit(f"{args.migra} not found: pip install migra psycopg2-binary 'sqlalchemy<2'")
    migra_python = os.path.join(os.path.dirname(shutil.which(args.migra)), "python")
    migra_version = version([migra_python, "-c",
                             "import importlib.metadata as m; print(m.version('migra'))"])

    dbwarden_version = version([args.dbwarden, "--version"])
    print(f"{dbwarden_version} ({args.dbwarden}), migra {migra_version}; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)

    suffix = uuid.uuid4().hex[:8]
    dbs = {"a": f"dbw_bench_diff_a_{suffix}", "b": f"dbw_bench_diff_b_{suffix}"}
    created = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            for variant, db in dbs.items():
                created.append(db)
                load(db, args.gen, args.tables, variant, tmp, programs)
            print(f"loaded {args.tables} tables into {dbs['a']} and {dbs['b']} in "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
            migra_cmd = [args.migra, f"postgresql://postgres@127.0.0.1:5432/{dbs['a']}",
                         f"postgresql://postgres@127.0.0.1:5432/{dbs['b']}", "--unsafe"]
            dbwarden_cmd = [args.dbwarden, "diff",
                            "--from", f"postgres://postgres@127.0.0.1:5432/{dbs['a']}",
                            "--to", f"postgres://postgres@127.0.0.1:5432/{dbs['b']}"]
            runs = {"migra": [], "dbwarden": []}
            counts = {}
            for round_ in range(args.rounds):
                order = ["migra", "dbwarden"] if round_ % 2 == 0 else ["dbwarden", "migra"]
                for tool in order:
                    if tool == "migra":
                        # 2: differences found (0 would mean none, which the check below rejects).
                        seconds, _, out = timed(migra_cmd, (0, 2), tmp)
                        counts["migra"] = migra_statements(out)
                    else:
                        seconds, _, out = timed(dbwarden_cmd, (0,), tmp)
                        counts["dbwarden"] = dbwarden_changes(out)
                    runs[tool].append(seconds)
                print(f"round {round_ + 1}: migra {runs['migra'][-1]:.3f} s, "
                      f"dbwarden {runs['dbwarden'][-1]:.3f} s", flush=True)
            for tool, count in counts.items():
                if count == 0:
                    sys.exit(f"{tool} found no differences: the benchmark is void")
    finally:
        for db in created:
            subprocess.run(ADMIN + ["-d", "postgres", "-c",
                                    f"DROP DATABASE IF EXISTS {db} WITH (FORCE)"],
                           stdout=subprocess.DEVNULL)

    med = {tool: statistics.median(times) for tool, times in runs.items()}
    print()
    print(f"median of {args.rounds} rounds, {args.tables} tables per database"
          + (f", {args.functions} functions, {args.triggers} triggers, {args.views} extra views"
             if programs else ""))
    print(f"  migra {migra_version:<18} {med['migra']:7.3f} s   "
          f"({counts['migra']} statements)")
    print(f"  dbwarden diff            {med['dbwarden']:7.3f} s   "
          f"({counts['dbwarden']} changes)")
    print(f"  migra / dbwarden         {med['migra'] / med['dbwarden']:7.1f}x   "
          f"(target: at least 10x)")


if __name__ == "__main__":
    main()
