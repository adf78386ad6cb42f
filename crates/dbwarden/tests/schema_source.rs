//! Schemas read from SQL files and migration folders go through a scratch database that is
//! always dropped, on every engine.

use dbwarden::schema_source::{SchemaSource, SourceError, load_schema};
use dbwarden_core::QualifiedName;
use dbwarden_testkit::{Server, TestDb, server_admin_url, test_db};

/// Scratch databases this test process still has. Tests in this file run in parallel and each
/// makes its own for a moment, so wait (up to 10 s) for the count to reach zero.
async fn scratch_databases_left(server: Server) -> i64 {
    let mut left = count_scratch(server).await;
    for _ in 0..100 {
        if left == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        left = count_scratch(server).await;
    }
    left
}

async fn count_scratch(server: Server) -> i64 {
    let sql = match server {
        Server::Postgres => format!(
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'dbw_scratch_{}_%'",
            std::process::id()
        ),
        _ => format!(
            "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'dbw_scratch_{}_%'",
            std::process::id()
        ),
    };
    let mut admin = dbwarden::engine::connect(&server_admin_url(server))
        .await
        .expect("admin");
    let rows = admin.query(&sql, &[]).await.expect("count");
    rows[0][0].as_i64().unwrap_or(-1)
}

async fn sql_file_is_read_through_a_scratch_database(server: Server) {
    let db: TestDb = test_db!(server);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("schema.sql");
    std::fs::write(&file, "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL);\nCREATE INDEX accounts_email ON accounts (email);\n")
        .expect("write");
    let source = SchemaSource::parse(&file.display().to_string()).expect("source");
    let schema = load_schema(&source, Some(&db.url), &Default::default())
        .await
        .expect("schema");
    let table = schema
        .tables
        .iter()
        .find(|t| t.name.name == "accounts")
        .expect("table");
    assert_eq!(table.columns.len(), 2);
    assert_eq!(table.indexes[0].name, "accounts_email");
    // The target itself was not touched.
    let mut engine = db.connect().await;
    assert!(engine.table_names().await.expect("tables").is_empty());

    // A broken file names file and line, and the scratch database still goes away.
    std::fs::write(
        &file,
        "CREATE TABLE ok (id INTEGER);\n\nCREATE TABLEE broken (id INTEGER);\n",
    )
    .expect("write");
    let err = load_schema(&source, Some(&db.url), &Default::default())
        .await
        .err();
    assert!(
        matches!(err, Some(SourceError::Apply { line: 3, .. })),
        "{err:?}"
    );
    if server != Server::Sqlite {
        assert_eq!(scratch_databases_left(server).await, 0);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sql_file_postgres() {
    sql_file_is_read_through_a_scratch_database(Server::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sql_file_mariadb() {
    sql_file_is_read_through_a_scratch_database(Server::Mysql).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn sql_file_sqlite() {
    sql_file_is_read_through_a_scratch_database(Server::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn migrations_folder_is_replayed() {
    let db = test_db!(Server::Postgres);
    let dir = tempfile::tempdir().expect("tempdir");
    let m = dir.path().join("migrations");
    std::fs::create_dir(&m).expect("mkdir");
    std::fs::write(
        m.join("0001_a.up.sql"),
        "CREATE TABLE a (id bigint PRIMARY KEY);",
    )
    .expect("write");
    std::fs::write(m.join("0001_a.down.sql"), "DROP TABLE a;").expect("write");
    std::fs::write(
        m.join("0002_b.up.sql"),
        "ALTER TABLE a ADD COLUMN note text;",
    )
    .expect("write");
    std::fs::write(m.join("0002_b.down.sql"), "ALTER TABLE a DROP COLUMN note;").expect("write");
    let source = SchemaSource::parse(&m.display().to_string()).expect("source");
    assert!(matches!(source, SchemaSource::Migrations(_)));
    let schema = load_schema(&source, Some(&db.url), &Default::default())
        .await
        .expect("schema");
    let a = schema.table(&QualifiedName::new("public", "a")).expect("a");
    assert_eq!(
        a.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["id", "note"]
    );
    assert_eq!(scratch_databases_left(Server::Postgres).await, 0);
}
