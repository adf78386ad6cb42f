//! `dbwarden diff`: SQL sources read through scratch databases, changes classified, renames
//! only on request, drift exit code.

mod harness;

use dbwarden_testkit::{Server, test_db};
use harness::{Probe, Project};

const FROM: &str = "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, name TEXT);\n";
const TO: &str = "CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, email VARCHAR(100) NOT NULL, full_name TEXT, age INTEGER);\n";

async fn sql_files_are_compared(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.write("../from.sql", FROM);
    project.write("../to.sql", TO);
    let dev = db.url_string();

    let out = project.run(&[
        "--json",
        "diff",
        "--from",
        "from.sql",
        "--to",
        "to.sql",
        "--dev-url",
        &dev,
    ]);
    out.assert_code(0);
    let json = out.json();
    let kinds: Vec<&str> = json["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["change"]["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"drop_column") && kinds.contains(&"add_column"),
        "{out}"
    );
    assert!(
        !kinds.contains(&"rename_column"),
        "a drop and an add are never a silent rename: {out}"
    );
    let drop = json["changes"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["change"]["kind"] == "drop_column"))
        .expect("drop");
    assert_eq!(drop["classification"]["safety"], "destructive", "{out}");
    assert_eq!(
        json["rename_suspects"].as_array().map(Vec::len),
        Some(1),
        "{out}"
    );

    let out = project.run(&[
        "--json",
        "diff",
        "--from",
        "from.sql",
        "--to",
        "to.sql",
        "--dev-url",
        &dev,
        "--rename",
        "users.name=full_name",
    ]);
    let json = out.json();
    let kinds: Vec<&str> = json["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["change"]["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"rename_column") && !kinds.contains(&"drop_column"),
        "{out}"
    );

    project
        .run(&[
            "diff",
            "--from",
            "from.sql",
            "--to",
            "to.sql",
            "--dev-url",
            &dev,
            "--fail-on-diff",
        ])
        .assert_code(4);
    project
        .run(&[
            "diff",
            "--from",
            "from.sql",
            "--to",
            "from.sql",
            "--dev-url",
            &dev,
            "--fail-on-diff",
        ])
        .assert_code(0)
        .assert_stdout_mentions(&["no differences"]);
    // Reading SQL never touches the target.
    assert!(probe.user_tables().await.is_empty());
}

on_every_engine!(sql_files_are_compared);

/// Drift: the migrations folder against the live database shows a change made by hand.
#[tokio::test(flavor = "multi_thread")]
async fn migrations_against_database_shows_hand_made_changes() {
    let db = test_db!(Server::Postgres);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    project.migration("0001_users", FROM, "DROP TABLE users;\n");
    project.run(&["migrate", "up"]).assert_code(0);
    let url = db.url_string();
    project
        .run(&[
            "diff",
            "--from",
            "migrations",
            "--to",
            &url,
            "--fail-on-diff",
        ])
        .assert_code(0);
    probe
        .execute("ALTER TABLE users ADD COLUMN added_by_hand TEXT")
        .await;
    project
        .run(&[
            "diff",
            "--from",
            "migrations",
            "--to",
            &url,
            "--fail-on-diff",
        ])
        .assert_code(4)
        .assert_stdout_mentions(&["added_by_hand"]);
}

/// Diffing from a live database: changes carry the catalog's row estimate of the table they
/// touch, the classification follows the server's release, and what a dropped column takes
/// with it (a view reading it) is named.
async fn live_source_adds_row_estimates_version_and_dependents(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    let project = Project::new(&db);
    probe.execute(FROM.trim_end().trim_end_matches(';')).await;
    let values: Vec<String> = (1..=300)
        .map(|i| format!("({i}, 'u{i}@example.com', 'n{i}')"))
        .collect();
    probe
        .execute(&format!(
            "INSERT INTO users (id, email, name) VALUES {}",
            values.join(", ")
        ))
        .await;
    probe
        .execute("CREATE VIEW user_names AS SELECT id, name FROM users")
        .await;
    match server {
        Server::Postgres => probe.execute("ANALYZE users").await,
        Server::Mysql => probe.execute("ANALYZE TABLE users").await,
        Server::Sqlite => {}
    }
    project.write("../to.sql", TO);
    let url = db.url_string();

    let out = project.run(&["--json", "diff", "--from", &url, "--to", "to.sql"]);
    out.assert_code(0);
    let json = out.json();
    let version = json["server_version"].as_str().unwrap_or_default();
    let expected = match server {
        Server::Postgres => "PostgreSQL",
        Server::Mysql => "MariaDB",
        Server::Sqlite => "SQLite",
    };
    assert!(version.starts_with(expected), "{out}");
    let changes = json["changes"].as_array().expect("changes");
    let drop = changes
        .iter()
        .find(|c| c["change"]["kind"] == "drop_column")
        .expect("drop column");
    let rows = drop["rows_affected"].as_u64().expect("a row estimate");
    // Estimates are estimates: InnoDB samples pages, so only the order of magnitude holds.
    assert!((100..=1000).contains(&rows), "{rows}: {out}");
    let view = changes
        .iter()
        .find(|c| c["change"]["kind"] == "drop_view")
        .expect("the view reading the column goes too");
    assert!(view.get("rows_affected").is_none(), "{out}");

    let human = project.run(&["diff", "--from", &url, "--to", "to.sql"]);
    human.assert_code(0).assert_stdout_mentions(&[
        expected,
        "rows]",
        "touches: view",
        "user_names",
    ]);
}

on_every_engine!(live_source_adds_row_estimates_version_and_dependents);
