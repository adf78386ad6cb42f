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
