#!/usr/bin/env python3
"""dbwarden lint side by side with squawk (PyPI squawk-cli) on the same PostgreSQL migrations.

usage: bench/lint_squawk.py [--files 1000] [--reps 5] [--dbwarden target/release/dbwarden]
                            [--squawk squawk] [--dir /tmp/lint_squawk_workload]

Writes FILES migrations of 8 statements each (a deterministic mix of table creation, seeds,
column and constraint changes, index builds, backfills, renames and drops, most of which one of
the linters flags), then runs both tools over the same list of files in one process each, REPS
times, alternating which runs first. Reports the median wall time of each, the ratio, and what
each found: findings, and statements with at least one finding (squawk reports several findings
per statement, dbwarden reports some only once per migration, so the second count is the fairer
comparison). Both tools exit non-zero when they find something; that is expected.

The workload generator named in /work/shared/bench/ (gen_migrations.py) writes two-statement
migrations (CREATE TABLE + INSERT) that neither linter flags, so this script writes its own.
"""
import argparse, json, os, random, shutil, statistics, subprocess, sys, tempfile, time

TEMPLATES = [
    "SET lock_timeout = '5s'",
    "CREATE TABLE t{i}_{n} (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
    "    account_id bigint NOT NULL,\n    name text NOT NULL,\n"
    "    created_at timestamptz NOT NULL DEFAULT now()\n)",
    "CREATE TABLE legacy_{i}_{n} (id serial PRIMARY KEY, code varchar(255), seen_at timestamp, doc json)",
    "INSERT INTO lookup_{k} (code, label) VALUES ('a{i}', 'A; {n}'), ('b{i}', 'B ''quoted''')",
    "CREATE INDEX accounts_{k}_name_{i}_idx ON accounts_{k} (name)",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_{k}_email_{i}_idx ON accounts_{k} (email)",
    "ALTER TABLE accounts_{k} ADD COLUMN note_{i} text",
    "ALTER TABLE accounts_{k} ADD COLUMN uid_{i} uuid DEFAULT gen_random_uuid()",
    "ALTER TABLE accounts_{k} ADD COLUMN flag_{i} boolean NOT NULL",
    "ALTER TABLE accounts_{k} ALTER COLUMN status_{i} SET NOT NULL",
    "ALTER TABLE accounts_{k} ALTER COLUMN amount_{i} TYPE bigint",
    "ALTER TABLE accounts_{k} ADD CONSTRAINT accounts_{k}_owner_{i}_fkey FOREIGN KEY (owner_id) REFERENCES users (id)",
    "ALTER TABLE accounts_{k} ADD CONSTRAINT accounts_{k}_amount_{i}_check CHECK (amount >= 0)",
    "ALTER TABLE accounts_{k} ADD CONSTRAINT accounts_{k}_ref_{i}_check CHECK (ref IS NOT NULL) NOT VALID",
    "ALTER TABLE accounts_{k} VALIDATE CONSTRAINT accounts_{k}_ref_{i}_check",
    "UPDATE accounts_{k} SET flag = true WHERE id BETWEEN {i}000 AND {i}999",
    "UPDATE accounts_{k} SET migrated = false",
    "DELETE FROM sessions_{k} WHERE expires_at < now() - interval '30 days'",
    "ALTER TABLE accounts_{k} RENAME COLUMN old_{i} TO new_{i}",
    "ALTER TABLE accounts_{k} DROP COLUMN legacy_{i}",
    "DROP TABLE IF EXISTS scratch_{i}",
    "COMMENT ON COLUMN accounts_{k}.note_{i} IS 'free text, {i}'",
]


def generate(directory, files):
    if os.path.isdir(directory):
        shutil.rmtree(directory)
    os.makedirs(directory)
    rng = random.Random(20260101)
    paths = []
    for i in range(1, files + 1):
        statements = [
            rng.choice(TEMPLATES).format(i=i, n=n, k=rng.randrange(20)) for n in range(8)
        ]
        path = os.path.join(directory, f"{20260101000000 + i}_m{i}.up.sql")
        with open(path, "w") as f:
            f.write(f"-- migration {i}\n" + ";\n\n".join(statements) + ";\n")
        paths.append(path)
    return paths


def run(cmd):
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tempfile.gettempdir())
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1, 3):
        sys.exit(f"{cmd[0]} failed ({done.returncode}): {done.stderr.decode()[:500]}")
    return elapsed, done.stdout


def dbwarden_counts(out):
    report = json.loads(out)
    findings = report["findings"]
    statements = {(f["file"], f["line"]) for f in findings}
    return len(findings), len(statements), len(report["unparsed"])


def squawk_counts(out):
    findings = json.loads(out) if out.strip() else []
    # squawk's lines are 0-based and point at the statement; count distinct statements.
    statements = {(f["file"], f["line"]) for f in findings}
    return len(findings), len(statements)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--dbwarden", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "dbwarden"))
    ap.add_argument("--squawk", default="squawk")
    ap.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "lint_squawk_workload"))
    args = ap.parse_args()
    dbwarden = os.path.abspath(args.dbwarden)
    paths = generate(args.dir, args.files)
    dbwarden_cmd = [dbwarden, "lint", "--dialect", "postgres", "--format", "json", *paths]
    squawk_cmd = [args.squawk, "--reporter", "json", *paths]
    version = subprocess.run([args.squawk, "--version"], stdout=subprocess.PIPE).stdout.decode().strip()
    times = {"dbwarden": [], "squawk": []}
    outputs = {}
    # One warm-up each (page cache, binary loading), not timed.
    run(dbwarden_cmd)
    run(squawk_cmd)
    for rep in range(args.reps):
        order = [("dbwarden", dbwarden_cmd), ("squawk", squawk_cmd)]
        if rep % 2:
            order.reverse()
        for name, cmd in order:
            elapsed, out = run(cmd)
            times[name].append(elapsed)
            outputs[name] = out
    d_findings, d_statements, d_unparsed = dbwarden_counts(outputs["dbwarden"])
    s_findings, s_statements = squawk_counts(outputs["squawk"])
    d_median = statistics.median(times["dbwarden"])
    s_median = statistics.median(times["squawk"])
    print(f"workload: {args.files} PostgreSQL migrations x 8 statements in {args.dir}")
    print(f"{version}; dbwarden {dbwarden}; {args.reps} repetitions, alternating order, medians")
    print(f"{'tool':10} {'median s':>9} {'runs':30} {'findings':>9} {'statements flagged':>19}")
    print(f"{'dbwarden':10} {d_median:9.3f} {' '.join(f'{t:.3f}' for t in times['dbwarden']):30} "
          f"{d_findings:9} {d_statements:19}   unparsed: {d_unparsed}")
    print(f"{'squawk':10} {s_median:9.3f} {' '.join(f'{t:.3f}' for t in times['squawk']):30} "
          f"{s_findings:9} {s_statements:19}")
    print(f"ratio dbwarden/squawk: {d_median / s_median:.2f}x (target <= 0.50x)")


if __name__ == "__main__":
    main()
