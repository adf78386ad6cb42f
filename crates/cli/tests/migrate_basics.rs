//! `dbwarden migrate` end to end on every engine: creating, applying, listing, rolling back,
//! drift and its cosmetic exception, ordering, baselines, a newer history format, and the event
//! log a run leaves behind.

mod harness;

use dbwarden_testkit::{Server, test_db};
use harness::{Probe, Project};

const USERS_UP: &str = "-- The people who sign in.\n\
    CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(255) NOT NULL);\n";
const USERS_DOWN: &str = "DROP TABLE users;\n";
const POSTS_UP: &str = "CREATE TABLE posts (id INTEGER NOT NULL PRIMARY KEY, \
    user_id INTEGER NOT NULL, title VARCHAR(200) NOT NULL);\n";
const POSTS_DOWN: &str = "DROP TABLE posts;\n";
const TAGS_UP: &str = "CREATE TABLE tags (id INTEGER NOT NULL PRIMARY KEY, label VARCHAR(50) NOT NULL);\n\
    INSERT INTO tags (id, label) VALUES (1, 'news');\n\
    INSERT INTO tags (id, label) VALUES (2, 'howto');\n";
const TAGS_DOWN: &str = "DROP TABLE tags;\n";

/// Writes the three migrations used by most scenarios.
fn three_migrations(project: &Project) {
    project.migration("0001_create_users", USERS_UP, USERS_DOWN);
    project.migration("0002_create_posts", POSTS_UP, POSTS_DOWN);
    project.migration("0003_create_tags", TAGS_UP, TAGS_DOWN);
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit())
}

on_every_engine!(
    lifecycle,
    drift_and_rehash,
    out_of_order,
    baseline,
    newer_history_format,
    down_undoes_one_run_newest_first
);

/// new → up → status → down --steps 1 → up → down --to 0 → up --to, and the event log.
async fn lifecycle(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);

    // `migrate new` numbers each pair after the highest version in the folder.
    for (name, version) in [
        ("create users", "0001"),
        ("create_posts", "0002"),
        ("create_tags", "0003"),
    ] {
        let out = project.run(&["migrate", "new", name]);
        out.assert_code(0);
        let label = format!("{version}_{}", name.replace(' ', "_"));
        for half in ["up", "down"] {
            let file = format!("{label}.{half}.sql");
            assert!(
                project.migrations_dir().join(&file).is_file(),
                "`migrate new {name}` did not create {file}:\n{out}"
            );
            out.assert_stdout_mentions(&[&file]);
        }
    }
    three_migrations(&project);

    project.run(&["migrate", "up"]).assert_code(0);
    let history = probe.history().await;
    assert_eq!(
        history.iter().map(|h| h.version).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    for h in &history {
        assert_eq!(h.status, "applied", "{h:?}");
        assert!(is_sha256_hex(&h.checksum_up), "checksum: {h:?}");
        assert!(!h.applied_by.trim().is_empty(), "applied_by: {h:?}");
    }
    assert_eq!(probe.user_tables().await, ["posts", "tags", "users"]);
    assert_eq!(probe.count("tags").await, 2);

    let status = project.run(&["--json", "migrate", "status"]);
    status.assert_code(0);
    let json = status.json();
    let entries = json["migrations"]["migrations"]
        .as_array()
        .unwrap_or_else(|| panic!("no migrations array in status --json:\n{status}"));
    let listed: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["version"].as_str().unwrap_or(""),
                e["state"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("0001", "applied"),
            ("0002", "applied"),
            ("0003", "applied")
        ],
        "{status}"
    );
    assert_eq!(json["migrations"]["applied"], 3, "{status}");
    assert_eq!(json["migrations"]["pending"], 0, "{status}");

    project
        .run(&["migrate", "down", "--steps", "1"])
        .assert_code(0);
    assert_eq!(probe.user_tables().await, ["posts", "users"]);
    assert_eq!(probe.history_versions().await, [1, 2]);

    project.run(&["migrate", "up"]).assert_code(0);
    assert_eq!(probe.user_tables().await, ["posts", "tags", "users"]);
    assert_eq!(probe.history_versions().await, [1, 2, 3]);

    project
        .run(&["migrate", "down", "--to", "0"])
        .assert_code(0);
    assert!(probe.user_tables().await.is_empty());
    assert!(probe.history_versions().await.is_empty());

    let partial = project.run(&["--json", "migrate", "up", "--to", "0002"]);
    partial.assert_code(0);
    assert_eq!(probe.history_versions().await, [1, 2]);
    assert_eq!(probe.user_tables().await, ["posts", "users"]);
    let report = partial.json();
    assert_eq!(report["up"]["applied"].as_array().map(Vec::len), Some(2));
    assert_eq!(report["up"]["remaining"], 1, "{partial}");

    // Every event is one JSON object with an id, a type, a time and a payload naming the
    // migration it concerns.
    let events = project.events();
    for e in &events {
        for field in ["event_id", "type", "timestamp", "payload"] {
            assert!(!e[field].is_null(), "event without {field}: {e}");
        }
    }
    let ids: std::collections::HashSet<&str> = events
        .iter()
        .filter_map(|e| e["event_id"].as_str())
        .collect();
    assert_eq!(ids.len(), events.len(), "event ids repeat");
    for version in ["0001", "0002", "0003"] {
        assert!(
            project.has_event("MIGRATION_STARTED", version),
            "{events:#?}"
        );
        assert!(
            project.has_event("MIGRATION_COMPLETE", version),
            "{events:#?}"
        );
        assert!(
            project.has_event("ROLLBACK_COMPLETE", version),
            "{events:#?}"
        );
    }
}

/// A real edit to an applied migration is drift (exit 4) that `up` and `rehash` refuse; an
/// edit of comments and whitespace only is reported as such and `rehash` accepts it.
async fn drift_and_rehash(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.migration("0001_create_users", USERS_UP, USERS_DOWN);
    project.migration("0002_create_posts", POSTS_UP, POSTS_DOWN);
    project.run(&["migrate", "up"]).assert_code(0);
    project.run(&["migrate", "verify"]).assert_code(0);
    // A pending migration, to show that a refused `up` applies nothing at all.
    project.migration("0003_create_tags", TAGS_UP, TAGS_DOWN);

    let cosmetic = format!("-- Reviewed: no change in behaviour.\n\n{}  \n\n", USERS_UP);
    project.write("0001_create_users.up.sql", &cosmetic);
    project
        .run(&["migrate", "verify"])
        .assert_code(4)
        .assert_stdout_mentions(&[
            "0001_create_users.up.sql",
            "comments or whitespace",
            "rehash",
        ]);
    let refused = project.run(&["migrate", "up"]);
    refused
        .assert_code(4)
        .assert_stderr_mentions(&["0001_create_users.up.sql", "rehash"]);
    assert!(
        !probe.has_table("tags").await,
        "up applied 0003 despite drift"
    );

    project
        .run(&["migrate", "rehash"])
        .assert_code(0)
        .assert_stdout_mentions(&["0001_create_users"]);
    project.run(&["migrate", "verify"]).assert_code(0);

    let stored = probe.history().await;
    let real_edit = POSTS_UP.replace("title VARCHAR(200)", "headline VARCHAR(200)");
    project.write("0002_create_posts.up.sql", &real_edit);
    project
        .run(&["migrate", "verify"])
        .assert_code(4)
        .assert_stdout_mentions(&["0002_create_posts.up.sql", "the SQL changed"]);
    project
        .run(&["migrate", "up"])
        .assert_code(4)
        .assert_stderr_mentions(&["0002_create_posts.up.sql"]);
    assert!(
        !probe.has_table("tags").await,
        "up applied 0003 despite drift"
    );
    project
        .run(&["migrate", "rehash"])
        .assert_code(4)
        .assert_stderr_mentions(&["0002_create_posts.up.sql"]);
    assert_eq!(
        probe.history().await,
        stored,
        "a refused rehash changed the history"
    );
}

/// A pending migration older than the newest applied one runs only when allowed.
async fn out_of_order(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.migration("0001_create_users", USERS_UP, USERS_DOWN);
    project.migration("0003_create_tags", TAGS_UP, TAGS_DOWN);
    project.run(&["migrate", "up"]).assert_code(0);

    project.migration("0002_create_posts", POSTS_UP, POSTS_DOWN);
    project
        .run(&["migrate", "up"])
        .assert_code(3)
        .assert_stderr_mentions(&[
            "0002_create_posts",
            "0003_create_tags",
            "--allow-out-of-order",
        ]);
    assert!(!probe.has_table("posts").await);
    assert_eq!(probe.history_versions().await, [1, 3]);

    project
        .run(&["migrate", "up", "--allow-out-of-order"])
        .assert_code(0);
    assert!(probe.has_table("posts").await);
    assert_eq!(probe.history_versions().await, [1, 2, 3]);
}

/// `baseline V` records the migrations up to V without running their SQL.
async fn baseline(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    // The existing database already has the users table that 0001 would create, so running
    // 0001 would fail; 0002's table does not exist, so running 0002 would show.
    probe
        .execute(
            "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(255) NOT NULL)",
        )
        .await;
    let project = Project::new(&db);
    three_migrations(&project);

    project
        .run(&["migrate", "baseline", "0002"])
        .assert_code(0)
        .assert_stdout_mentions(&["2 migration(s)"]);
    let history = probe.history().await;
    assert_eq!(
        history
            .iter()
            .map(|h| (h.version, h.status.as_str()))
            .collect::<Vec<_>>(),
        [(1, "baseline"), (2, "baseline")]
    );
    assert_eq!(
        probe.user_tables().await,
        ["users"],
        "baseline ran migration SQL"
    );

    let status = project.run(&["--json", "migrate", "status"]);
    status.assert_code(0);
    let states: Vec<String> = status.json()["migrations"]["migrations"]
        .as_array()
        .map(|a| a.iter().map(|e| e["state"].to_string()).collect())
        .unwrap_or_default();
    assert_eq!(
        states,
        ["\"baseline\"", "\"baseline\"", "\"pending\""],
        "{status}"
    );

    project.run(&["migrate", "up"]).assert_code(0);
    assert_eq!(probe.user_tables().await, ["tags", "users"]);
    assert_eq!(probe.history_versions().await, [1, 2, 3]);
}

/// A history table written by a newer dbwarden is left alone.
async fn newer_history_format(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.migration("0001_create_users", USERS_UP, USERS_DOWN);
    project.run(&["migrate", "up"]).assert_code(0);
    project.migration("0002_create_posts", POSTS_UP, POSTS_DOWN);
    probe
        .execute("UPDATE dbwarden_meta SET meta_value = '99' WHERE meta_key = 'history_format'")
        .await;

    project
        .run(&["migrate", "up"])
        .assert_code(3)
        .assert_stderr_mentions(&["newer dbwarden", "99"]);
    assert!(!probe.has_table("posts").await);
    assert_eq!(probe.history_versions().await, [1]);
}

/// Migrations applied in one run are rolled back newest first, one step at a time. (On MySQL
/// the next migration's `running` row is written with the previous one's last commit; it was
/// once stamped before the previous one started, so `down` picked the older one.)
async fn down_undoes_one_run_newest_first(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    let count = 6;
    for v in 1..=count {
        project.migration(
            &format!("{v:04}_table_{v}"),
            &format!("CREATE TABLE t{v} (id INTEGER NOT NULL PRIMARY KEY);\n"),
            &format!("DROP TABLE t{v};\n"),
        );
    }
    project.run(&["migrate", "up"]).assert_code(0);
    let stamps: Vec<String> = probe
        .query("SELECT applied_at FROM dbwarden_migrations ORDER BY version")
        .await
        .into_iter()
        .filter_map(|r| r.into_iter().next().and_then(|v| v.as_string()))
        .collect();
    assert_eq!(stamps.len(), count, "{stamps:?}");
    assert!(
        stamps.windows(2).all(|w| w[0] <= w[1]),
        "applied times go back: {stamps:?}"
    );
    for v in (1..=count as i64).rev() {
        project
            .run(&["migrate", "down", "--steps", "1"])
            .assert_code(0);
        let left: Vec<i64> = (1..v).collect();
        assert_eq!(probe.history_versions().await, left);
    }
}
