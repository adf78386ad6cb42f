//! Wrong SQL found on third-party schema-diff cases, one regression test each: what the first
//! plan did, the database's own answer, and a second plan that must find nothing. Plans that
//! change a table run under a concurrent writer whose ledger is checked afterwards.

mod harness;

use dbwarden_testkit::{Server, TestDb, test_db};
use harness::writer::{Ledger, Writer, assert_ledger_holds, table_rows};
use harness::{Outcome, Probe, Project};
use std::time::Duration;

const USERS: &str =
    "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100) NOT NULL, score integer);\n";

/// Plans `base.sql`, applies it and seeds 3,000 users.
async fn seeded(db: &TestDb, project: &Project, base: &str) -> Probe {
    let url = db.url_string();
    project.write("../base.sql", base);
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
    let mut probe = Probe::new(db).await;
    let rows = match db.server {
        Server::Mysql => "SELECT seq, CONCAT('u', seq), seq FROM seq_1_to_3000",
        _ => "SELECT g, 'u' || g, g FROM generate_series(1, 3000) g",
    };
    probe
        .execute(&format!("INSERT INTO users (id, email, score) {rows}"))
        .await;
    probe
}

/// Runs `args` while a writer writes to `users`; the writer must see no failed write, and the
/// table must hold everything it wrote.
async fn under_writes(db: &TestDb, project: &Project, probe: &mut Probe, args: &[&str]) -> Outcome {
    let writer = Writer::start(db, Ledger::seeded(3000)).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let run = tokio::task::block_in_place(|| project.run(args));
    let ledger = writer.stop().await;
    assert_eq!(ledger.refused, 0, "the writer's writes failed:\n{run}");
    let rows = table_rows(probe.engine.as_mut()).await;
    assert_ledger_holds(&ledger, &rows, "after the run");
    run
}

/// Plans `desired` from the live database, applies it under writes, and checks that a second
/// plan finds nothing.
async fn plan_apply_replan(
    db: &TestDb,
    project: &Project,
    probe: &mut Probe,
    desired: &str,
    apply: &[&str],
) {
    let url = db.url_string();
    project.write("../desired.sql", desired);
    let plan = project.run(&[
        "plan",
        "--from",
        &url,
        "--to",
        "desired.sql",
        "--name",
        "change",
        "--dev-url",
        &url,
    ]);
    plan.assert_code(0);
    let args = [&["apply", "--contract"][..], apply].concat();
    under_writes(db, project, probe, &args).await.assert_code(0);
    project
        .run(&[
            "plan",
            "--from",
            &url,
            "--to",
            "desired.sql",
            "--name",
            "again",
            "--dev-url",
            &url,
        ])
        .assert_code(0)
        .assert_stdout_mentions(&["no differences"]);
}

/// A column meant to go between two others is appended (PostgreSQL cannot place it), and the
/// next plan used to refuse forever ("PostgreSQL cannot reorder columns"): column order is not
/// compared on PostgreSQL.
#[tokio::test(flavor = "multi_thread")]
async fn postgres_added_column_in_the_middle_converges() {
    let db = test_db!(Server::Postgres);
    let project = Project::new(&db);
    let mut probe = seeded(&db, &project, USERS).await;
    let desired = "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100) NOT NULL, nickname text, score integer);\n";
    plan_apply_replan(&db, &project, &mut probe, desired, &[]).await;
}

/// A column moved from one enum type to another was written `USING col::new_type`, which
/// PostgreSQL refuses (no cast joins two enums): it goes through text.
#[tokio::test(flavor = "multi_thread")]
async fn postgres_column_moved_to_another_enum_type_converts_through_text() {
    let db = test_db!(Server::Postgres);
    let project = Project::new(&db);
    let base = format!(
        "CREATE TYPE mood AS ENUM ('happy', 'sad');\n{}",
        USERS.replace("score integer", "score integer, feeling mood DEFAULT NULL")
    );
    let mut probe = seeded(&db, &project, &base).await;
    probe
        .execute("UPDATE users SET feeling = 'happy' WHERE id % 3 = 0")
        .await;
    let desired = format!(
        "CREATE TYPE feeling AS ENUM ('happy', 'sad', 'meh');\n{}",
        USERS.replace(
            "score integer",
            "score integer, feeling feeling DEFAULT NULL"
        )
    );
    // The conversion rewrites the table, which a person accepts for a small one.
    plan_apply_replan(
        &db,
        &project,
        &mut probe,
        &desired,
        &["--allow", "alter-column-type"],
    )
    .await;
    assert_eq!(
        probe
            .scalar("SELECT count(*) FROM users WHERE feeling = 'happy'")
            .await,
        // The writer deleted some of the seeded rows.
        probe
            .scalar("SELECT count(*) FROM users WHERE id % 3 = 0 AND id <= 3000")
            .await,
        "the values did not survive the conversion"
    );
}

on_every_engine!(desired_schema_out_of_dependency_order_loads);

/// A desired file whose foreign key names a table created further down loads, as other
/// declarative tools read it.
async fn desired_schema_out_of_dependency_order_loads(server: Server) {
    let db = test_db!(server);
    let project = Project::new(&db);
    let url = db.url_string();
    project.write(
        "../desired.sql",
        "CREATE TABLE orders (id INTEGER NOT NULL PRIMARY KEY, customer_id INTEGER NOT NULL, \
         CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id));\n\
         CREATE VIEW big_orders AS SELECT id FROM orders WHERE customer_id > 10;\n\
         CREATE TABLE customers (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL);\n",
    );
    let planned = project.run(&[
        "plan",
        "--to",
        "desired.sql",
        "--name",
        "shop",
        "--dev-url",
        &url,
    ]);
    planned.assert_code(0);
    project.run(&["migrate", "up"]).assert_code(0);
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

/// A `pg_dump` file, data blocks included, is a desired schema like any other (the data is
/// ignored).
#[tokio::test(flavor = "multi_thread")]
async fn postgres_dump_with_data_loads_as_a_desired_schema() {
    let db = test_db!(Server::Postgres);
    let project = Project::new(&db);
    let url = db.url_string();
    let _probe = seeded(&db, &project, USERS).await;
    let dump = std::process::Command::new("pg_dump")
        .args(["--no-owner", "--table", "users"])
        .arg(&url)
        .output()
        .unwrap_or_else(|e| panic!("cannot run pg_dump: {e}"));
    assert!(dump.status.success());
    let text = String::from_utf8_lossy(&dump.stdout).into_owned();
    assert!(text.contains("FROM stdin;"), "the dump holds no data block");
    project.write("../dump.sql", &text);
    project
        .run(&[
            "diff",
            "--from",
            &url,
            "--to",
            "dump.sql",
            "--dev-url",
            &url,
            "--fail-on-diff",
        ])
        .assert_code(0)
        .assert_stdout_mentions(&["no differences"]);
}

/// A 4-byte UTF-8 character in a default came back as `?`. MariaDB itself keeps definition
/// text in 3-byte utf8 (the mysql client with utf8mb4 gets the same `?`), so the desired
/// schema is refused with the reason instead of planned wrong; row data keeps 4-byte
/// characters (the connection speaks utf8mb4).
#[tokio::test(flavor = "multi_thread")]
async fn mysql_four_byte_character_in_a_default_is_refused_not_mangled() {
    let db = test_db!(Server::Mysql);
    let project = Project::new(&db);
    let url = db.url_string();
    let mut probe = seeded(&db, &project, USERS).await;
    let desired = USERS.replace(
        "score integer",
        "score integer, mood varchar(20) DEFAULT '\u{1F600} ok'",
    );
    project.write("../desired.sql", &desired);
    project
        .run(&[
            "plan",
            "--from",
            &url,
            "--to",
            "desired.sql",
            "--name",
            "mood",
            "--dev-url",
            &url,
        ])
        .assert_code(1)
        .assert_stderr_mentions(&["desired.sql", "4-byte character", "stored as '?'"]);
    assert!(!project.migrations_dir().join("0002_mood.up.sql").exists());
    probe
        .execute("UPDATE users SET email = 'smile \u{1F600}' WHERE id = 1")
        .await;
    let email = probe.query("SELECT email FROM users WHERE id = 1").await;
    assert_eq!(email[0][0].as_string().as_deref(), Some("smile \u{1F600}"));
}
