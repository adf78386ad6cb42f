//! Schemas as real applications keep them: extensions, functions used by defaults, checks and
//! triggers, trigger functions, views over views, operator classes; other tools' history
//! tables; tables never analyzed; objects the model does not manage. Judged by the engines'
//! own tools (`pg_dump --schema-only`, `SHOW CREATE`, `sqlite_master`) and, where dbwarden
//! changes a live table, by a concurrent writer's ledger.

mod harness;

use dbwarden_testkit::{Server, TestDb, test_db};
use harness::writer::{Ledger, Writer, assert_ledger_holds, table_rows};
use harness::{Probe, Project};
use std::process::Command;
use std::time::Duration;

const SHOP: &str = include_str!("fixtures/shop_postgres.sql");

/// Runs `sql` through `psql` (the fixture holds a `DO` block and dollar-quoted bodies, as a
/// dump would), failing the test on the first error.
fn psql(db: &TestDb, sql: &str) {
    let file = tempfile::NamedTempFile::new().unwrap_or_else(|e| panic!("temp file: {e}"));
    std::fs::write(file.path(), sql).unwrap_or_else(|e| panic!("write: {e}"));
    let out = Command::new("psql")
        .args(["-q", "-v", "ON_ERROR_STOP=1", "-X", "-f"])
        .arg(file.path())
        .arg(db.url_string())
        .output()
        .unwrap_or_else(|e| panic!("cannot run psql (install postgresql-client): {e}"));
    assert!(
        out.status.success(),
        "psql failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `pg_dump --schema-only`, without what differs between two databases holding the same
/// schema: comments, SET lines, the \restrict key, blank lines.
fn schema_dump(db: &TestDb) -> String {
    let out = Command::new("pg_dump")
        .args(["--schema-only", "--no-owner"])
        .arg(db.url_string())
        .output()
        .unwrap_or_else(|e| panic!("cannot run pg_dump: {e}"));
    assert!(
        out.status.success(),
        "pg_dump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| {
            !l.is_empty()
                && !l.starts_with("--")
                && !l.starts_with("SET ")
                && !l.starts_with("SELECT pg_catalog.set_config")
                && !l.starts_with("\\restrict")
                && !l.starts_with("\\unrestrict")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `inspect` of the shop replayed into an empty database gives the same `pg_dump -s`.
#[tokio::test(flavor = "multi_thread")]
async fn rich_postgres_schema_replays_identically() {
    let original = test_db!(Server::Postgres);
    let replay = test_db!(Server::Postgres);
    psql(&original, SHOP);
    let inspected = Project::new(&original).run(&["inspect"]);
    inspected.assert_code(0);
    assert!(
        !inspected.stderr.contains("warning:"),
        "the shop holds only objects dbwarden manages:\n{inspected}"
    );
    for kind in [
        "CREATE EXTENSION",
        "CREATE OR REPLACE FUNCTION",
        "CREATE TRIGGER",
    ] {
        assert!(
            inspected.stdout.contains(kind),
            "no {kind} in:\n{inspected}"
        );
    }
    psql(&replay, &inspected.stdout);
    let (a, b) = (schema_dump(&original), schema_dump(&replay));
    if a != b {
        let first = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        panic!(
            "pg_dump -s differs from line {first}:\noriginal: {:?}\nreplay:   {:?}",
            a.lines().nth(first),
            b.lines().nth(first)
        );
    }
    // And dbwarden's own diff of the two is empty, both ways.
    let project = Project::new(&original);
    project
        .run(&[
            "diff",
            "--from",
            &original.url_string(),
            "--to",
            &replay.url_string(),
            "--fail-on-diff",
        ])
        .assert_code(0)
        .assert_stdout_mentions(&["no differences"]);
}

/// A verified backup, and `apply` of a destructive migration under a concurrent writer whose
/// every write fires an audit trigger, on the shop: the backup's scratch restore needs the
/// extensions and the functions the defaults, checks and triggers call.
#[tokio::test(flavor = "multi_thread")]
async fn rich_postgres_schema_backs_up_and_applies_under_writes() {
    let db = test_db!(Server::Postgres);
    psql(&db, SHOP);
    let project = Project::new(&db);
    project
        .run(&["backup", "create", "--verify", "-o", "shop.dbwb"])
        .assert_code(0);
    project.migration(
        "0001_drop_coupon_expiry",
        "-- dbwarden:allow drop-column coupons never expire any more\nALTER TABLE shop.coupons DROP COLUMN valid_until;\n",
        "ALTER TABLE shop.coupons ADD COLUMN valid_until date;\n",
    );
    let writer = Writer::start(&db, Ledger::seeded(3000)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let run = tokio::task::block_in_place(|| project.run(&["--json", "apply"]));
    let ledger = writer.stop().await;
    assert_eq!(run.code, 0, "{run}");
    assert_eq!(run.json()["status"], "success", "{run}");
    assert_eq!(ledger.refused, 0, "the writer's writes failed during apply");
    let mut probe = Probe::new(&db).await;
    ledger_holds(&mut probe, &ledger).await;
    // The audit trigger kept firing: one audit row per acknowledged write at least.
    let audited = probe
        .scalar("SELECT count(*) FROM shop.audit_log WHERE table_name = 'users'")
        .await;
    assert!(
        u64::try_from(audited).unwrap_or(0) >= ledger.acknowledged,
        "{audited} audit rows for {} writes",
        ledger.acknowledged
    );
}

/// Every write the writer saw acknowledged is in `users`, and nothing it deleted is back.
async fn ledger_holds(probe: &mut Probe, ledger: &Ledger) {
    let rows = table_rows(probe.engine.as_mut()).await;
    assert_ledger_holds(ledger, &rows, "after the run");
}

const RENAME_BASE: &str = "\
CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100) NOT NULL, score integer, name text);
CREATE FUNCTION users_fill_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.name := coalesce(NEW.name, NEW.email);
  RETURN NEW;
END $$;
CREATE TRIGGER users_fill BEFORE INSERT OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_fill_name();
";

/// The rename that once passed every check and then broke every INSERT: the trigger function
/// still named the old column. `plan` refuses it, naming the function and the line; with the
/// function changed too, the plan replaces it in the expand step, and `apply --contract` runs
/// under a writer whose every write goes through the trigger.
#[tokio::test(flavor = "multi_thread")]
async fn rename_used_by_a_trigger_function_is_refused_until_the_function_changes() {
    let db = test_db!(Server::Postgres);
    let project = Project::new(&db);
    let url = db.url_string();
    project.write("../base.sql", RENAME_BASE);
    let stale = RENAME_BASE.replace(" name text", " full_name text");
    project.write("../stale.sql", &stale);
    project.write(
        "../desired.sql",
        &stale.replace("NEW.name", "NEW.full_name"),
    );
    let plan = |to: &str| {
        project.run(&[
            "plan",
            "--to",
            to,
            "--name",
            "rename",
            "--rename",
            "users.name=full_name",
            "--dev-url",
            &url,
        ])
    };
    project
        .run(&[
            "plan",
            "--to",
            "base.sql",
            "--name",
            "base",
            "--dev-url",
            &url,
        ])
        .assert_code(0);
    project.run(&["migrate", "up"]).assert_code(0);
    let mut probe = Probe::new(&db).await;
    probe
        .execute(
            "INSERT INTO users (id, email, score) SELECT g, 'u' || g, g FROM generate_series(1, 3000) g",
        )
        .await;

    plan("stale.sql").assert_code(3).assert_stderr_mentions(&[
        "function public.users_fill_name()",
        "line 6",
        "column public.users.name",
    ]);
    assert!(
        !project.migrations_dir().join("0002_rename.up.sql").exists(),
        "a refused plan wrote a migration"
    );
    project
        .run(&[
            "diff",
            "--from",
            &url,
            "--to",
            "stale.sql",
            "--dev-url",
            &url,
            "--rename",
            "users.name=full_name",
        ])
        .assert_code(0)
        .assert_stdout_mentions(&["breaks:", "function public.users_fill_name()"]);

    plan("desired.sql").assert_code(0);
    let expand = project.read("0002_rename.up.sql");
    let replaced = expand
        .find("CREATE OR REPLACE FUNCTION public.users_fill_name()")
        .unwrap_or_else(|| panic!("the expand step does not replace the function:\n{expand}"));
    assert!(expand[replaced..].contains("NEW.full_name"), "{expand}");
    assert!(
        !project
            .read("0003_rename_contract.up.sql")
            .contains("users_fill_name"),
        "the function belongs to the expand step"
    );

    let writer = Writer::start(&db, Ledger::seeded(3000)).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let run = tokio::task::block_in_place(|| project.run(&["--json", "apply", "--contract"]));
    let ledger = writer.stop().await;
    assert_eq!(run.json()["status"], "success", "{run}");
    assert_eq!(ledger.refused, 0, "writes failed through the trigger");
    ledger_holds(&mut probe, &ledger).await;
    // Rows written after the contract step went through the new body.
    probe
        .execute("INSERT INTO users (id, email, score) VALUES (5000000, 'late', 1)")
        .await;
    assert_eq!(
        probe
            .query("SELECT full_name FROM users WHERE id = 5000000")
            .await[0][0]
            .as_string()
            .as_deref(),
        Some("late")
    );
    project
        .run(&[
            "diff",
            "--from",
            "desired.sql",
            "--to",
            &url,
            "--dev-url",
            &url,
            "--fail-on-diff",
        ])
        .assert_code(0);
}

on_every_engine!(
    other_tools_bookkeeping_is_left_out,
    unmanaged_objects_are_named
);

/// History and lock tables of sqlx, Prisma, Flyway, Liquibase, dbmate/Rails, Django, knex,
/// goose, diesel, Alembic, Atlas and Sequelize are no part of the application's schema.
async fn other_tools_bookkeeping_is_left_out(server: Server) {
    let db = test_db!(server);
    let project = Project::new(&db);
    let url = db.url_string();
    let mut probe = Probe::new(&db).await;
    let quote = |name: &str| dbwarden::core::quote_ident(db.url.dialect(), name);
    probe
        .execute(
            "CREATE TABLE accounts (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL)",
        )
        .await;
    for (table, _) in dbwarden::core::bookkeeping::TOOL_TABLES {
        probe
            .execute(&format!(
                "CREATE TABLE {} (version VARCHAR(100) NOT NULL PRIMARY KEY)",
                quote(table)
            ))
            .await;
    }
    let inspected = project.run(&["inspect"]);
    inspected.assert_code(0);
    for (table, tool) in dbwarden::core::bookkeeping::TOOL_TABLES {
        assert!(
            !inspected.stdout.contains(&quote(table)),
            "{table} of {tool} inspected as application schema:\n{inspected}"
        );
        assert!(
            inspected.stderr.contains(table),
            "{table} not reported:\n{inspected}"
        );
    }
    assert!(inspected.stdout.contains(&quote("accounts")), "{inspected}");
    project.write(
        "../desired.sql",
        "CREATE TABLE accounts (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL);\n",
    );
    project
        .run(&[
            "diff",
            "--from",
            &url,
            "--to",
            "desired.sql",
            "--dev-url",
            &url,
            "--fail-on-diff",
        ])
        .assert_code(0)
        .assert_stdout_mentions(&["no differences"]);
    project
        .run(&[
            "plan",
            "--from",
            &url,
            "--to",
            "desired.sql",
            "--name",
            "none",
            "--dev-url",
            &url,
        ])
        .assert_code(0)
        .assert_stdout_mentions(&["no differences"]);
    // Asked for, they are compared like any table.
    let with = project.run(&["--include-tool-tables", "inspect"]);
    with.assert_code(0);
    assert!(with.stdout.contains(&quote("_sqlx_migrations")), "{with}");
}

/// An object of a kind the model does not manage is named on stderr, never silently dropped;
/// `--strict` refuses.
async fn unmanaged_objects_are_named(server: Server) {
    let db = test_db!(server);
    let project = Project::new(&db);
    let mut probe = Probe::new(&db).await;
    probe
        .execute(
            "CREATE TABLE accounts (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL)",
        )
        .await;
    let (create, kind, name) = match server {
        Server::Postgres => (
            "CREATE TYPE id_range AS RANGE (subtype = integer)",
            "range type",
            "public.id_range",
        ),
        Server::Mysql => (
            "CREATE EVENT purge_accounts ON SCHEDULE EVERY 1 DAY DO DELETE FROM accounts WHERE id < 0",
            "event",
            "purge_accounts",
        ),
        Server::Sqlite => (
            "CREATE VIRTUAL TABLE boxes USING rtree(id, min_x, max_x)",
            "virtual table",
            "boxes",
        ),
    };
    probe.execute(create).await;
    let inspected = project.run(&["inspect"]);
    inspected
        .assert_code(0)
        .assert_stderr_mentions(&["warning:", &format!("{kind} {name}")]);
    let json = project.run(&["--json", "inspect"]);
    assert!(
        json.json()["unmanaged"]
            .as_array()
            .is_some_and(|a| a.iter().any(|o| o["name"] == name && o["kind"] == kind)),
        "{json}"
    );
    project
        .run(&["--strict", "inspect"])
        .assert_code(3)
        .assert_stderr_mentions(&["--strict", name]);
    let url = db.url_string();
    project
        .run(&["diff", "--from", &url, "--to", &url])
        .assert_code(0)
        .assert_stdout_mentions(&["no differences in the objects dbwarden manages"]);
}

/// A table PostgreSQL never analyzed has `reltuples = -1`: its size must still be estimated,
/// or the large-table escalation never fires on it.
#[tokio::test(flavor = "multi_thread")]
async fn never_analyzed_table_is_estimated_from_its_size() {
    let db = test_db!(Server::Postgres);
    let project = Project::new(&db);
    let url = db.url_string();
    let mut probe = Probe::new(&db).await;
    probe
        .execute("CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz) WITH (autovacuum_enabled = false)")
        .await;
    probe
        .execute(
            "INSERT INTO events SELECT g, 'kind ' || g, now() FROM generate_series(1, 50000) g",
        )
        .await;
    assert_eq!(
        probe
            .scalar("SELECT reltuples::bigint FROM pg_class WHERE relname = 'events'")
            .await,
        -1,
        "the table was analyzed after all; the test needs one that was not"
    );
    project.write(
        "../desired.sql",
        "CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz);\nCREATE INDEX events_kind ON events (kind);\n",
    );
    let diff = project.run(&[
        "--json",
        "diff",
        "--from",
        &url,
        "--to",
        "desired.sql",
        "--dev-url",
        &url,
    ]);
    diff.assert_code(0);
    let rows = diff.json()["changes"][0]["rows_affected"].as_u64();
    assert!(
        rows.is_some_and(|r| r >= 25_000),
        "estimated {rows:?} rows for a 50,000-row table:\n{diff}"
    );
}

const MYSQL_SHOP: &str = "\
CREATE TABLE accounts (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, email VARCHAR(100) NOT NULL, name VARCHAR(50), updated_at DATETIME);
CREATE TABLE audit (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, account_id INT, what VARCHAR(20));
CREATE TRIGGER accounts_audit AFTER INSERT ON accounts FOR EACH ROW INSERT INTO audit (account_id, what) VALUES (NEW.id, 'insert');
DELIMITER //
CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW
BEGIN
  SET NEW.updated_at = NOW();
  SET NEW.name = TRIM(NEW.name);
END//
CREATE PROCEDURE purge_audit(IN keep INT)
BEGIN
  DELETE FROM audit WHERE id < keep;
  SELECT ROW_COUNT() AS purged;
END//
CREATE FUNCTION label_of(e VARCHAR(100)) RETURNS VARCHAR(120) DETERMINISTIC RETURN CONCAT('<', e, '>')//
DELIMITER ;
";

/// MySQL/MariaDB: `inspect` replayed into an empty database gives the same `SHOW CREATE` for
/// every table, trigger and routine.
#[tokio::test(flavor = "multi_thread")]
async fn mysql_triggers_and_routines_replay_identically() {
    let original = test_db!(Server::Mysql);
    let replay = test_db!(Server::Mysql);
    let load = |db: &TestDb, sql: &str| {
        let project = Project::new(db);
        project.write("0001_load.up.sql", sql);
        project.write("0001_load.down.sql", "SELECT 1;\n");
        project.run(&["migrate", "up", "--no-lint"]).assert_code(0);
    };
    load(&original, MYSQL_SHOP);
    let inspected = Project::new(&original).run(&["inspect"]);
    inspected.assert_code(0);
    load(&replay, &inspected.stdout);
    let mut a = Probe::new(&original).await;
    let mut b = Probe::new(&replay).await;
    for object in [
        "TABLE accounts",
        "TABLE audit",
        "TRIGGER accounts_audit",
        "TRIGGER accounts_touch",
        "PROCEDURE purge_audit",
        "FUNCTION label_of",
    ] {
        // The statement is the third column for triggers and routines, the second for tables.
        let column = if object.starts_with("TABLE") { 1 } else { 2 };
        let show = format!("SHOW CREATE {object}");
        let x = a.query(&show).await[0][column].as_string();
        let y = b.query(&show).await[0][column].as_string();
        assert!(x.is_some(), "{show}");
        assert_eq!(x, y, "{show} differs after the replay");
    }
}

/// SQLite: the replay holds every trigger with the same stored text (`sqlite_master.sql`).
#[tokio::test(flavor = "multi_thread")]
async fn sqlite_triggers_replay_identically() {
    let original = test_db!(Server::Sqlite);
    let replay = test_db!(Server::Sqlite);
    let mut a = Probe::new(&original).await;
    for sql in [
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT)",
        "CREATE TABLE audit (id INTEGER PRIMARY KEY, account_id INTEGER, what TEXT)",
        "CREATE VIEW account_emails AS SELECT id, email FROM accounts",
        "CREATE TRIGGER accounts_audit AFTER INSERT ON accounts BEGIN INSERT INTO audit (account_id, what) VALUES (NEW.id, 'insert'); END",
        "CREATE TRIGGER account_emails_insert INSTEAD OF INSERT ON account_emails BEGIN INSERT INTO accounts (id, email) VALUES (NEW.id, NEW.email); END",
    ] {
        a.execute(sql).await;
    }
    let inspected = Project::new(&original).run(&["inspect"]);
    inspected.assert_code(0);
    let project = Project::new(&replay);
    project.write("0001_load.up.sql", &inspected.stdout);
    project.write("0001_load.down.sql", "SELECT 1;\n");
    project.run(&["migrate", "up", "--no-lint"]).assert_code(0);
    let triggers = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name";
    let mut b = Probe::new(&replay).await;
    let (x, y) = (a.query(triggers).await, b.query(triggers).await);
    assert_eq!(x.len(), 2, "{x:?}");
    assert_eq!(x, y);
}

/// (name, base schema, desired schema) per engine: each new object kind created, changed and
/// dropped. Checked as the plan corpus is: up reaches the desired schema, down the base, rows
/// survive, and a second plan finds nothing.
fn program_pairs(server: Server) -> Vec<(&'static str, String, String)> {
    let table = "CREATE TABLE items (id INTEGER NOT NULL PRIMARY KEY, label VARCHAR(50), touched VARCHAR(50));\n";
    match server {
        Server::Postgres => {
            let function = |body: &str| {
                format!(
                    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := {body}; RETURN NEW; END $$;\n"
                )
            };
            let trigger = "CREATE TRIGGER items_touch BEFORE INSERT OR UPDATE ON items FOR EACH ROW EXECUTE FUNCTION touch();\n";
            let with = format!("{table}{}{trigger}", function("'yes'"));
            vec![
                (
                    "create_function_and_trigger",
                    table.to_owned(),
                    with.clone(),
                ),
                (
                    "change_function_body",
                    with.clone(),
                    format!("{table}{}{trigger}", function("'again'")),
                ),
                ("drop_function_and_trigger", with.clone(), table.to_owned()),
                (
                    "change_trigger_events",
                    with.clone(),
                    format!(
                        "{table}{}{}",
                        function("'yes'"),
                        trigger.replace("INSERT OR UPDATE", "INSERT")
                    ),
                ),
                (
                    "disable_trigger",
                    with.clone(),
                    format!("{with}ALTER TABLE items DISABLE TRIGGER items_touch;\n"),
                ),
                (
                    "change_result_type",
                    format!(
                        "{table}CREATE FUNCTION item_count() RETURNS integer LANGUAGE sql AS $$ SELECT count(*)::integer FROM items $$;\n"
                    ),
                    format!(
                        "{table}CREATE FUNCTION item_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM items $$;\n"
                    ),
                ),
                (
                    "create_extension",
                    table.to_owned(),
                    format!("CREATE EXTENSION citext;\n{table}"),
                ),
            ]
        }
        Server::Mysql => {
            let trigger = |body: &str| {
                format!(
                    "DELIMITER //\nCREATE TRIGGER items_touch BEFORE INSERT ON items FOR EACH ROW\nBEGIN\n  SET NEW.touched = {body};\n  SET NEW.label = TRIM(NEW.label);\nEND//\nDELIMITER ;\n"
                )
            };
            let procedure = |body: &str| {
                format!(
                    "DELIMITER //\nCREATE PROCEDURE clear_items()\nBEGIN\n  {body};\nEND//\nDELIMITER ;\n"
                )
            };
            let with = format!("{table}{}", trigger("'yes'"));
            vec![
                ("create_trigger", table.to_owned(), with.clone()),
                (
                    "change_trigger",
                    with.clone(),
                    format!("{table}{}", trigger("'again'")),
                ),
                ("drop_trigger", with, table.to_owned()),
                (
                    "create_procedure",
                    table.to_owned(),
                    format!("{table}{}", procedure("DELETE FROM items")),
                ),
                (
                    "change_procedure",
                    format!("{table}{}", procedure("DELETE FROM items")),
                    format!("{table}{}", procedure("DELETE FROM items WHERE id < 0")),
                ),
            ]
        }
        Server::Sqlite => {
            let trigger = |body: &str| {
                format!(
                    "CREATE TRIGGER items_touch AFTER INSERT ON items BEGIN UPDATE items SET touched = {body} WHERE id = NEW.id; END;\n"
                )
            };
            let with = format!("{table}{}", trigger("'yes'"));
            vec![
                ("create_trigger", table.to_owned(), with.clone()),
                (
                    "change_trigger",
                    with.clone(),
                    format!("{table}{}", trigger("'again'")),
                ),
                ("drop_trigger", with.clone(), table.to_owned()),
                (
                    // A CHECK needs the table rebuilt, which drops its triggers: they come back.
                    "rebuild_keeps_triggers",
                    with,
                    format!(
                        "CREATE TABLE items (id INTEGER NOT NULL PRIMARY KEY, label VARCHAR(50), touched VARCHAR(50), CHECK (label <> ''));\n{}",
                        trigger("'yes'")
                    ),
                ),
            ]
        }
    }
}

on_every_engine!(program_changes_round_trip);

async fn program_changes_round_trip(server: Server) {
    let mut failures = Vec::new();
    let pairs = program_pairs(server);
    for (name, base, desired) in &pairs {
        if let Err(e) = program_pair(server, name, base, desired).await {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} pairs failed on {server:?}:\n{}",
        failures.len(),
        pairs.len(),
        failures.join("\n\n")
    );
}

async fn program_pair(server: Server, name: &str, base: &str, desired: &str) -> Result<(), String> {
    let Some(db) = TestDb::create(server).await else {
        return Ok(());
    };
    let project = Project::new(&db);
    let url = db.url_string();
    // The table the concurrent writer writes to while the change and its undo run.
    let users = "CREATE TABLE users (id BIGINT NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, score INTEGER);\n";
    project.write("../base.sql", &format!("{users}{base}"));
    project.write("../desired.sql", &format!("{users}{desired}"));
    let check = |out: harness::Outcome, what: &str| {
        if out.code == 0 {
            Ok(out)
        } else {
            Err(format!("{what} failed:\n{out}"))
        }
    };
    let run = |args: &[&str]| project.run(args);
    check(
        run(&[
            "plan",
            "--to",
            "base.sql",
            "--name",
            "base",
            "--dev-url",
            &url,
        ]),
        "plan base",
    )?;
    check(run(&["migrate", "up", "--no-lint"]), "up base")?;
    let mut probe = Probe::new(&db).await;
    probe
        .execute("INSERT INTO items (id, label) VALUES (1, 'one'), (2, 'two')")
        .await;
    let seeded: Vec<String> = (1..=300)
        .map(|id| format!("({id}, 'u{id}', {id})"))
        .collect();
    probe
        .execute(&format!(
            "INSERT INTO users (id, email, score) VALUES {}",
            seeded.join(", ")
        ))
        .await;
    let writer = Writer::start(&db, Ledger::seeded(300)).await;
    check(
        run(&[
            "plan",
            "--to",
            "desired.sql",
            "--name",
            name,
            "--dev-url",
            &url,
        ]),
        "plan change",
    )?;
    let script = project.read(&format!("0002_{name}.up.sql"));
    // MariaDB replaces a trigger or routine in one statement: no write between a drop and a
    // create skips the trigger.
    if server == Server::Mysql
        && name.starts_with("change_")
        && !script.contains("CREATE OR REPLACE")
    {
        return Err(format!("a MariaDB replace is not one statement:\n{script}"));
    }
    // A SQLite rebuild drops the old table after copying it: a verified backup covers that.
    check(
        run(&["backup", "create", "--verify", "-o", "before.dbwb"]),
        "backup",
    )?;
    let up = tokio::task::block_in_place(|| {
        run(&[
            "migrate",
            "up",
            "--contract",
            "--no-lint",
            "--backup",
            "before.dbwb",
        ])
    });
    let ledger = writer.stop().await;
    check(up, &format!("up (script:\n{script})"))?;
    assert_ledger_holds(&ledger, &table_rows(probe.engine.as_mut()).await, name);
    check(
        run(&[
            "diff",
            "--from",
            "desired.sql",
            "--to",
            &url,
            "--dev-url",
            &url,
            "--fail-on-diff",
        ]),
        "the schema after up differs from the desired one",
    )?;
    if probe.count("items").await != 2 {
        return Err("rows lost by up".into());
    }
    let again = check(
        run(&[
            "plan",
            "--from",
            &url,
            "--to",
            "desired.sql",
            "--name",
            "again",
            "--dev-url",
            &url,
        ]),
        "second plan",
    )?;
    if !again.stdout.contains("no differences") {
        return Err(format!("a second plan is not empty:\n{again}"));
    }
    if name == "rebuild_keeps_triggers" {
        probe
            .execute("INSERT INTO items (id, label) VALUES (3, 'three')")
            .await;
        let touched = probe.query("SELECT touched FROM items WHERE id = 3").await;
        if touched[0][0].as_string().as_deref() != Some("yes") {
            return Err(format!(
                "the trigger did not fire after the rebuild: {touched:?}"
            ));
        }
        probe.execute("DELETE FROM items WHERE id = 3").await;
    }
    let down = project.read(&format!("0002_{name}.down.sql"));
    let writer = Writer::start(&db, ledger).await;
    let undone = tokio::task::block_in_place(|| run(&["migrate", "down", "--to", "1"]));
    let ledger = writer.stop().await;
    check(undone, &format!("down (script:\n{down})"))?;
    assert_ledger_holds(&ledger, &table_rows(probe.engine.as_mut()).await, name);
    check(
        run(&[
            "diff",
            "--from",
            "base.sql",
            "--to",
            &url,
            "--dev-url",
            &url,
            "--fail-on-diff",
        ]),
        "the schema after down differs from the base one",
    )?;
    if probe.count("items").await != 2 {
        return Err("rows lost by down".into());
    }
    Ok(())
}

/// The expand step of a rename leaves a view over the column readable under its old name
/// (code reading it has not moved yet); the contract step gives it the new column, and the
/// view keeps its grants through the drop and create. Both steps run under a writer.
#[tokio::test(flavor = "multi_thread")]
async fn renamed_column_keeps_its_view_readable_until_contract() {
    let db = test_db!(Server::Postgres);
    let project = Project::new(&db);
    let url = db.url_string();
    let base = "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100) NOT NULL, score integer, name text);\n\
                CREATE VIEW user_names AS SELECT id, name FROM users;\n";
    project.write("../base.sql", base);
    project.write(
        "../desired.sql",
        &base
            .replace(" name text", " full_name text")
            .replace("id, name", "id, full_name"),
    );
    project
        .run(&[
            "plan",
            "--to",
            "base.sql",
            "--name",
            "base",
            "--dev-url",
            &url,
        ])
        .assert_code(0);
    project.run(&["migrate", "up"]).assert_code(0);
    let mut probe = Probe::new(&db).await;
    probe
        .execute("INSERT INTO users (id, email, score, name) SELECT g, 'u' || g, g, 'n' || g FROM generate_series(1, 3000) g")
        .await;
    probe.execute("GRANT SELECT ON user_names TO PUBLIC").await;
    let public_can_read =
        "SELECT count(*) FROM pg_class WHERE relname = 'user_names' AND relacl::text LIKE '%=r/%'";
    let old_reader = "SELECT count(*) FROM user_names WHERE name IS NOT NULL";
    assert_eq!(probe.scalar(old_reader).await, 3000);
    project
        .run(&[
            "plan",
            "--from",
            &url,
            "--to",
            "desired.sql",
            "--name",
            "rename",
            "--rename",
            "users.name=full_name",
            "--dev-url",
            &url,
        ])
        .assert_code(0);

    let under_writes = async |args: &[&str], ledger: Ledger| {
        let writer = Writer::start(&db, ledger).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let run = tokio::task::block_in_place(|| project.run(args));
        (run, writer.stop().await)
    };
    let (expand, ledger) = under_writes(&["migrate", "up"], Ledger::seeded(3000)).await;
    expand.assert_code(0);
    assert_eq!(ledger.refused, 0, "writes failed during the expand step");
    assert!(
        probe.scalar(old_reader).await > 0,
        "the old reader stopped working at the expand step"
    );
    assert_eq!(
        probe.scalar(public_can_read).await,
        1,
        "grant lost at expand"
    );

    // The writer goes on from what it wrote during the expand step.
    let (contract, ledger) = under_writes(&["apply", "--contract"], ledger).await;
    contract.assert_code(0);
    assert_eq!(ledger.refused, 0, "writes failed during the contract step");
    ledger_holds(&mut probe, &ledger).await;
    assert!(
        probe
            .scalar("SELECT count(*) FROM user_names WHERE full_name IS NOT NULL")
            .await
            > 0
    );
    assert_eq!(
        probe.scalar(public_can_read).await,
        1,
        "grant lost at contract"
    );
}

/// A hand-written migration that renames a column a trigger function still uses passes every
/// check of its own SQL; the rehearsal fires the table's triggers on the copy afterwards and
/// fails there, so production is not touched (its writer never sees the broken trigger).
#[tokio::test(flavor = "multi_thread")]
async fn rehearsal_fires_triggers_and_catches_one_the_migration_broke() {
    let db = test_db!(Server::Postgres);
    let project = Project::new(&db);
    project.migration(
        "0001_base",
        RENAME_BASE,
        "DROP TABLE users;\nDROP FUNCTION users_fill_name();\n",
    );
    project.run(&["migrate", "up"]).assert_code(0);
    let mut probe = Probe::new(&db).await;
    probe
        .execute(
            "INSERT INTO users (id, email, score) SELECT g, 'u' || g, g FROM generate_series(1, 3000) g",
        )
        .await;
    project.migration(
        "0002_rename",
        "-- dbwarden:allow rename-column the application reads both names already\n\
         ALTER TABLE users RENAME COLUMN name TO full_name;\n",
        "ALTER TABLE users RENAME COLUMN full_name TO name;\n",
    );
    let writer = Writer::start(&db, Ledger::seeded(3000)).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let run = tokio::task::block_in_place(|| project.run(&["apply"]));
    let ledger = writer.stop().await;
    run.assert_code(3)
        .assert_stderr_mentions(&["rehearsal", "a trigger on public.users fails"]);
    assert_eq!(ledger.refused, 0, "production's trigger broke");
    ledger_holds(&mut probe, &ledger).await;
    assert_eq!(
        probe
            .scalar("SELECT count(*) FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'name'")
            .await,
        1,
        "the rename reached production"
    );
}
