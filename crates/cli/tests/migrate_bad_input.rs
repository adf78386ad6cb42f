//! `dbwarden migrate` given something wrong: a server it cannot reach or log in to, a URL it
//! does not understand, broken or incomplete migration files, a database it may not write.
//! Each case must exit with the documented code, say what is wrong in words a user can act on,
//! never print a password, and leave the database as it was.

mod harness;

use dbwarden_testkit::{Server, test_db};
use harness::{Probe, Project};

const CREATE_ITEMS: &str = "CREATE TABLE items (id INTEGER NOT NULL PRIMARY KEY);\n";
const DROP_ITEMS: &str = "DROP TABLE items;\n";

/// `url` with `password` added to its user (`scheme://user@` → `scheme://user:password@`).
fn with_password(url: &str, password: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let at = url[start..]
        .find('@')
        .map(|i| start + i)
        .unwrap_or_else(|| panic!("{url} has no user to give a password to"));
    format!("{}:{password}{}", &url[..at], &url[at..])
}

/// Panics if `secret` appears in the run's output or in the project's event log.
#[track_caller]
fn assert_never_shown(project: &Project, outcome: &harness::Outcome, secret: &str) {
    assert!(
        !outcome.all_output().contains(secret),
        "the password appears in the output:\n{outcome}"
    );
    let log = std::fs::read_to_string(project.event_log()).unwrap_or_default();
    assert!(
        !log.contains(secret),
        "the password appears in the event log:\n{log}"
    );
}

#[test]
fn unreachable_server_is_named_and_exits_1() {
    let project = Project::with_url("postgres://u:pw@127.0.0.1:1/x");
    project.migration("0001_create_items", CREATE_ITEMS, DROP_ITEMS);
    let out = project.run(&["migrate", "up"]);
    out.assert_code(1)
        .assert_stderr_mentions(&["cannot connect", "127.0.0.1:1"]);
    assert_never_shown(&project, &out, ":pw@");

    let json = project.run(&["--json", "migrate", "up"]);
    json.assert_code(1);
    assert_eq!(json.json()["error"]["kind"], "connection", "{json}");
}

#[test]
fn unknown_scheme_is_bad_input() {
    let project = Project::with_url("oracle://scott:tiger-pass@127.0.0.1/orcl");
    project.migration("0001_create_items", CREATE_ITEMS, DROP_ITEMS);
    let out = project.run(&["migrate", "up"]);
    out.assert_code(2).assert_stderr_mentions(&[
        "unknown database URL scheme",
        "oracle",
        "postgres://",
    ]);
    assert_never_shown(&project, &out, "tiger-pass");
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_mariadb_password_is_denied_without_echoing_it() {
    let db = test_db!(Server::Mysql);
    let mut probe = Probe::new(&db).await;
    let secret = "Wr0ng-Secret-4471";
    let project = Project::with_url(&with_password(&db.url_string(), secret));
    project.migration("0001_create_items", CREATE_ITEMS, DROP_ITEMS);

    let out = project.run(&["migrate", "up"]);
    out.assert_code(1)
        .assert_stderr_mentions(&["Access denied", "password"]);
    assert_never_shown(&project, &out, secret);
    let json = project.run(&["--json", "migrate", "status"]);
    json.assert_code(1);
    assert_eq!(json.json()["error"]["kind"], "connection", "{json}");
    assert_never_shown(&project, &json, secret);
    assert!(
        probe.tables().await.is_empty(),
        "a denied run changed the database"
    );
}

/// Trust authentication ignores the password, so the runs succeed and write events: the
/// password must still appear nowhere, debug logs included.
#[tokio::test(flavor = "multi_thread")]
async fn postgres_password_never_appears_in_output_or_events() {
    let db = test_db!(Server::Postgres);
    let mut probe = Probe::new(&db).await;
    let secret = "Tr0ub4dor-Secret-9921";
    let project = Project::with_url(&with_password(&db.url_string(), secret));
    project.migration("0001_create_items", CREATE_ITEMS, DROP_ITEMS);

    let runs = [
        project.run(&["migrate", "up"]),
        project.run(&["--json", "migrate", "status"]),
        project.run(&["-vv", "migrate", "status"]),
        project.run(&["migrate", "verify"]),
        project.run(&["--json", "migrate", "down"]),
        project.run(&["-vv", "migrate", "up"]),
    ];
    for out in &runs {
        out.assert_code(0);
        assert_never_shown(&project, out, secret);
    }
    assert_eq!(probe.history_versions().await, [1]);

    // A failure prints the target too.
    project.migration(
        "0002_broken",
        "CREATE TABLE other (id INTEGER);\nCREATE TABLEE broken (id INTEGER);\n",
        "DROP TABLE other;\n",
    );
    let failed = project.run(&["-vv", "migrate", "up"]);
    failed.assert_code(1);
    assert_never_shown(&project, &failed, secret);
    assert!(
        !project.events().is_empty(),
        "no events were written, so the event-log check proved nothing"
    );
}

on_every_engine!(
    malformed_second_statement,
    missing_down_script,
    duplicate_versions,
    empty_or_missing_folder
);

const BROKEN_UP: &str = "-- Two tables; the second statement is misspelt.\n\
    CREATE TABLE first_table (id INTEGER NOT NULL PRIMARY KEY);\n\
    \n\
    CREATE TABLEE second_table (id INTEGER NOT NULL PRIMARY KEY);\n";
const BROKEN_DOWN: &str = "DROP TABLE IF EXISTS second_table;\nDROP TABLE IF EXISTS first_table;\n";

/// A syntax error in statement 2 (line 4). PostgreSQL and SQLite roll the whole migration
/// back; MariaDB has already committed statement 1, so the migration is recorded as failed
/// part-way and blocks `up` until it is resumed.
async fn malformed_second_statement(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.migration("0001_broken", BROKEN_UP, BROKEN_DOWN);

    let out = project.run(&["migrate", "up"]);
    out.assert_code(1).assert_stderr_mentions(&[
        "0001_broken.up.sql:4",
        "statement 2",
        "TABLEE",
        "syntax",
    ]);

    let fixed = BROKEN_UP.replace("TABLEE", "TABLE");
    if server == Server::Mysql {
        assert_eq!(probe.user_tables().await, ["first_table"]);
        let history = probe.history().await;
        assert_eq!(history.len(), 1, "{history:?}");
        assert_eq!(
            (history[0].status.as_str(), history[0].statements_done),
            ("failed", 1)
        );

        project
            .run(&["migrate", "status"])
            .assert_code(0)
            .assert_stdout_mentions(&["0001", "FAILED"]);
        let status = project.run(&["--json", "migrate", "status"]);
        status.assert_code(0);
        let report = &status.json()["migrations"];
        assert_eq!(report["migrations"][0]["state"], "failed", "{status}");
        project
            .run(&["migrate", "up"])
            .assert_code(3)
            .assert_stderr_mentions(&[
                "0001_broken",
                "1 of 2 statements ran",
                "line 2",
                "--resume",
            ]);
        assert_eq!(probe.user_tables().await, ["first_table"]);

        project.write("0001_broken.up.sql", &fixed);
        project.run(&["migrate", "up", "--resume"]).assert_code(0);
        assert_eq!(probe.user_tables().await, ["first_table", "second_table"]);
        let history = probe.history().await;
        assert_eq!(
            (history[0].status.as_str(), history[0].statements_done),
            ("applied", 2)
        );
        project.run(&["migrate", "verify"]).assert_code(0);
    } else {
        assert!(
            probe.user_tables().await.is_empty(),
            "statement 1 was not rolled back"
        );
        assert!(probe.history().await.is_empty());

        project.write("0001_broken.up.sql", &fixed);
        project.run(&["migrate", "up"]).assert_code(0);
        assert_eq!(probe.user_tables().await, ["first_table", "second_table"]);
    }
}

/// `status` counts a migration that stopped part-way as neither applied nor pending.
#[tokio::test(flavor = "multi_thread")]
async fn failed_mariadb_migration_is_not_counted_as_applied() {
    let db = test_db!(Server::Mysql);
    let project = Project::new(&db);
    project.migration("0001_broken", BROKEN_UP, BROKEN_DOWN);
    project.run(&["migrate", "up"]).assert_code(1);
    let status = project.run(&["--json", "migrate", "status"]);
    status.assert_code(0);
    let report = &status.json()["migrations"];
    assert_eq!(report["migrations"][0]["state"], "failed", "{status}");
    assert_eq!(
        (&report["applied"], &report["pending"]),
        (&serde_json::json!(0), &serde_json::json!(0)),
        "a migration that stopped part-way counts as neither applied nor pending:\n{status}"
    );
}

/// The other way out of a half-applied MariaDB migration that the refusal offers: `down` runs
/// its down script and forgets it.
#[tokio::test(flavor = "multi_thread")]
async fn failed_mariadb_migration_can_be_rolled_back() {
    let db = test_db!(Server::Mysql);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.migration("0001_broken", BROKEN_UP, BROKEN_DOWN);
    project.run(&["migrate", "up"]).assert_code(1);
    assert_eq!(probe.user_tables().await, ["first_table"]);

    project.run(&["migrate", "down"]).assert_code(0);
    assert!(probe.user_tables().await.is_empty());
    assert!(probe.history().await.is_empty());
}

/// Without a down script, `up` refuses (exit 3) unless the migration says it is irreversible.
async fn missing_down_script(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.write("0001_create_items.up.sql", CREATE_ITEMS);

    project
        .run(&["migrate", "up"])
        .assert_code(3)
        .assert_stderr_mentions(&[
            "0001_create_items",
            "no down script",
            "0001_create_items.down.sql",
            "-- dbwarden:irreversible",
        ]);
    assert!(probe.user_tables().await.is_empty());
    assert!(probe.history().await.is_empty());

    project.write(
        "0001_create_items.up.sql",
        &format!("-- dbwarden:irreversible\n{CREATE_ITEMS}"),
    );
    project.run(&["migrate", "up"]).assert_code(0);
    assert_eq!(probe.user_tables().await, ["items"]);
    assert_eq!(probe.history_versions().await, [1]);
}

/// Two migrations with one version: exit 2 before touching the database.
async fn duplicate_versions(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.migration("0001_create_items", CREATE_ITEMS, DROP_ITEMS);
    project.migration(
        "0001_create_other",
        "CREATE TABLE other (id INTEGER);\n",
        "DROP TABLE other;\n",
    );
    project
        .run(&["migrate", "up"])
        .assert_code(2)
        .assert_stderr_mentions(&["0001_create_items", "0001_create_other", "twice"]);
    assert!(probe.tables().await.is_empty(), "the database was touched");
}

/// An empty or absent migrations folder: exit 2, and nothing created in the database.
async fn empty_or_missing_folder(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);

    project
        .run(&["migrate", "up"])
        .assert_code(2)
        .assert_stderr_mentions(&["migrations", "does not exist", "migrate new"]);

    std::fs::create_dir_all(project.migrations_dir())
        .unwrap_or_else(|e| panic!("cannot create the migrations folder: {e}"));
    project
        .run(&["migrate", "up"])
        .assert_code(2)
        .assert_stderr_mentions(&["no migrations", "migrate new"]);
    assert!(probe.tables().await.is_empty(), "the database was touched");
}

/// A read-only SQLite database: `up` of a new migration fails with exit 1 and says the file is
/// read-only, and not one byte of the file changes.
///
/// `chmod 0444` alone cannot make the file read-only for root (or any process with
/// CAP_DAC_OVERRIDE), which writes through file permissions, and these tests often run as root.
/// So the file is both chmod-ed and opened with `?mode=ro`; when the process cannot write the
/// chmod-ed file (an ordinary user), the plain URL is tried as well.
#[tokio::test(flavor = "multi_thread")]
async fn read_only_sqlite_file_is_left_untouched() {
    let db = test_db!(Server::Sqlite);
    let path = std::path::PathBuf::from(db.name());
    let mut project = Project::new(&db);
    project.migration("0001_create_items", CREATE_ITEMS, DROP_ITEMS);
    project.run(&["migrate", "up"]).assert_code(0);
    project.migration(
        "0002_create_other",
        "CREATE TABLE other (id INTEGER);\n",
        "DROP TABLE other;\n",
    );

    let before = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read the db: {e}"));
    let mut perms = std::fs::metadata(&path)
        .unwrap_or_else(|e| panic!("cannot stat the db: {e}"))
        .permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o444);
    std::fs::set_permissions(&path, perms).unwrap_or_else(|e| panic!("cannot chmod: {e}"));
    let privileged = std::fs::OpenOptions::new().append(true).open(&path).is_ok();

    let mut urls = vec![format!("{}?mode=ro", db.url_string())];
    if !privileged {
        urls.push(db.url_string());
    }
    for url in &urls {
        project.set_url(url);
        let out = project.run(&["migrate", "up"]);
        out.assert_code(1)
            .assert_stderr_mentions(&["read-only", "test.db", "Nothing was changed"]);
        let after = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read the db: {e}"));
        assert!(after == before, "{url}: the read-only file changed");
        assert!(
            !path.with_extension("db-journal").exists() && !path.with_extension("db-wal").exists(),
            "{url}: a journal was left next to the read-only file"
        );
    }

    // Still the one applied migration, as read through a read-only connection.
    project.set_url(&urls[0]);
    let status = project.run(&["--json", "migrate", "status"]);
    status.assert_code(0);
    assert_eq!(status.json()["migrations"]["applied"], 1, "{status}");
    assert_eq!(status.json()["migrations"]["pending"], 1, "{status}");
}
