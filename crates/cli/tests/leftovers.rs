//! What a killed run leaves, and how it goes: SIGKILL while `backup create --verify` or
//! `apply`'s rehearsal works on a scratch database; `clean --dry-run` lists exactly that
//! database (its name says its owner is gone), the next `apply` or `clean` drops it; `backup
//! prune` keeps the newest backups.

mod harness;

use dbwarden_testkit::{Server, TestDb, test_db};
use harness::{Probe, Project};
use std::time::{Duration, Instant};

async fn scratch_of(db: &TestDb, pid: u32) -> Vec<String> {
    Probe::new(db).await.scratch_databases_of(pid).await
}

async fn seed(db: &TestDb, project: &Project) {
    project.migration(
        "0001_rows",
        "CREATE TABLE big (id INTEGER PRIMARY KEY, payload VARCHAR(200));\n",
        "DROP TABLE big;\n",
    );
    project.run(&["migrate", "up"]).assert_code(0);
    let mut probe = Probe::new(db).await;
    for chunk in 0..100 {
        let values: Vec<String> = (1..=1000)
            .map(|i| format!("({}, '{}')", chunk * 1000 + i, "y".repeat(180)))
            .collect();
        probe
            .execute(&format!(
                "INSERT INTO big (id, payload) VALUES {}",
                values.join(", ")
            ))
            .await;
    }
}

/// Starts `args`, waits until it has a scratch database, kills it (SIGKILL), and returns
/// the killed process id and the databases it left.
async fn kill_while_on_scratch(
    db: &TestDb,
    project: &Project,
    args: &[&str],
) -> (u32, Vec<String>) {
    let mut child = project.spawn(args);
    let pid = child.id();
    let started = Instant::now();
    let left = loop {
        let found = scratch_of(db, pid).await;
        if !found.is_empty() {
            break found;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no scratch database appeared"
        );
        assert!(
            child.try_wait().ok().flatten().is_none(),
            "the run ended before it made a scratch database"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let _ = child.kill();
    let _ = child.wait();
    (pid, left)
}

async fn killed_verify_is_cleaned(server: Server) {
    let db = test_db!(server);
    let project = Project::new(&db);
    seed(&db, &project).await;
    let (pid, left) = kill_while_on_scratch(
        &db,
        &project,
        &["backup", "create", "-o", "b.dbwb", "--verify"],
    )
    .await;
    // The kill left the scratch copy (it holds the backed-up rows).
    assert_eq!(scratch_of(&db, pid).await, left);
    let listed = project.run(&["--json", "clean", "--dry-run"]);
    listed.assert_code(0);
    let mine: Vec<serde_json::Value> = listed.json()["leftovers"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|l| {
            l["name"]
                .as_str()
                .is_some_and(|n| n.contains(&format!("_{pid}_")))
        })
        .collect();
    assert_eq!(mine.len(), left.len(), "{listed}");
    assert!(mine.iter().all(|l| l["owner"] == "gone"), "{listed}");
    assert_eq!(
        scratch_of(&db, pid).await,
        left,
        "a dry run removed something"
    );
    project.run(&["clean"]).assert_code(0);
    assert!(
        scratch_of(&db, pid).await.is_empty(),
        "clean left the scratch database"
    );
}

/// Any next command that connects drops what a killed run left (here `migrate status`).
async fn any_next_command_sweeps(server: Server) {
    let db = test_db!(server);
    let project = Project::new(&db);
    seed(&db, &project).await;
    let (pid, left) = kill_while_on_scratch(
        &db,
        &project,
        &["backup", "create", "-o", "b.dbwb", "--verify"],
    )
    .await;
    assert!(!left.is_empty());
    project.run(&["migrate", "status"]).assert_code(0);
    assert!(
        scratch_of(&db, pid).await.is_empty(),
        "migrate status left {left:?}"
    );
}

async fn killed_rehearsal_is_swept_by_the_next_apply(server: Server) {
    let db = test_db!(server);
    let project = Project::new(&db);
    seed(&db, &project).await;
    let change = match server {
        Server::Mysql => "ALTER TABLE big ADD COLUMN note VARCHAR(10), ALGORITHM=INSTANT;\n",
        _ => "ALTER TABLE big ADD COLUMN note VARCHAR(10);\n",
    };
    let undo = match server {
        Server::Mysql => "ALTER TABLE big DROP COLUMN note, ALGORITHM=INSTANT;\n",
        _ => "ALTER TABLE big DROP COLUMN note;\n",
    };
    project.migration("0002_note", change, undo);
    let args = [
        "apply",
        "--rehearse",
        "always",
        "--rehearse-rows",
        "0",
        "--allow",
        "missing-lock-timeout",
    ];
    let (pid, left) = kill_while_on_scratch(&db, &project, &args).await;
    assert!(!left.is_empty());
    // The next run sweeps it first, then applies.
    project.run(&args).assert_code(0);
    assert!(
        scratch_of(&db, pid).await.is_empty(),
        "the next apply left {left:?}"
    );
}

/// `backup prune --keep 1` keeps the newest backup and removes the others.
#[tokio::test(flavor = "multi_thread")]
async fn prune_keeps_the_newest_backup() {
    let db = test_db!(Server::Sqlite);
    let project = Project::new(&db);
    project.migration(
        "0001_t",
        "CREATE TABLE t (id INTEGER PRIMARY KEY);\n",
        "DROP TABLE t;\n",
    );
    project.run(&["migrate", "up"]).assert_code(0);
    for name in ["one", "two", "three"] {
        project
            .run(&["backup", "create", "-o", &format!("backups/{name}.dbwb")])
            .assert_code(0);
        std::thread::sleep(Duration::from_millis(30));
    }
    project
        .run(&["backup", "prune", "--keep", "1", "--dry-run"])
        .assert_code(0);
    assert!(
        project.path().join("backups/one.dbwb").exists(),
        "dry run removed a file"
    );
    project
        .run(&["backup", "prune", "--keep", "1"])
        .assert_code(0);
    let left: Vec<String> = std::fs::read_dir(project.path().join("backups"))
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".dbwb"))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(left, ["three.dbwb"]);
}

mod killed_verify_is_cleaned {
    #[tokio::test(flavor = "multi_thread")]
    async fn postgres() {
        super::killed_verify_is_cleaned(dbwarden_testkit::Server::Postgres).await;
    }
    #[tokio::test(flavor = "multi_thread")]
    async fn mariadb() {
        super::killed_verify_is_cleaned(dbwarden_testkit::Server::Mysql).await;
    }
}

mod any_next_command_sweeps {
    #[tokio::test(flavor = "multi_thread")]
    async fn postgres() {
        super::any_next_command_sweeps(dbwarden_testkit::Server::Postgres).await;
    }
    #[tokio::test(flavor = "multi_thread")]
    async fn mariadb() {
        super::any_next_command_sweeps(dbwarden_testkit::Server::Mysql).await;
    }
}

mod killed_rehearsal_is_swept_by_the_next_apply {
    #[tokio::test(flavor = "multi_thread")]
    async fn postgres() {
        super::killed_rehearsal_is_swept_by_the_next_apply(dbwarden_testkit::Server::Postgres)
            .await;
    }
    #[tokio::test(flavor = "multi_thread")]
    async fn mariadb() {
        super::killed_rehearsal_is_swept_by_the_next_apply(dbwarden_testkit::Server::Mysql).await;
    }
}
