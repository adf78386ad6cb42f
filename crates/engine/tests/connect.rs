//! Connections to the real servers: TLS modes, clear errors, and no password in any message.

use dbwarden_engine::{ConnectionUrl, EngineError, connect};
use dbwarden_testkit::{Server, TestDb, server_admin_url, test_db};

fn url(s: &str) -> ConnectionUrl {
    ConnectionUrl::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn with_param(db: &TestDb, param: &str) -> ConnectionUrl {
    let raw = db.url_string();
    let base = raw
        .split_once('?')
        .map_or(raw.as_str(), |(b, _)| b)
        .to_owned();
    url(&format!("{base}?{param}"))
}

#[tokio::test]
async fn postgres_tls_require_encrypts_the_session() {
    let db = test_db!(Server::Postgres);
    let mut engine = connect(&with_param(&db, "sslmode=require"))
        .await
        .expect("TLS connect");
    let rows = engine
        .query(
            "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .expect("query");
    assert_eq!(rows[0][0].as_string().as_deref(), Some("true"));
}

#[tokio::test]
async fn postgres_tls_disable_is_plain() {
    let db = test_db!(Server::Postgres);
    let mut engine = connect(&with_param(&db, "sslmode=disable"))
        .await
        .expect("connect");
    let rows = engine
        .query(
            "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .expect("query");
    assert_eq!(rows[0][0].as_string().as_deref(), Some("false"));
}

#[tokio::test]
async fn postgres_verify_full_rejects_an_untrusted_certificate() {
    let db = test_db!(Server::Postgres);
    // The server's self-signed certificate is not in the Mozilla roots.
    let err = connect(&with_param(&db, "sslmode=verify-full")).await.err();
    let msg = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(msg.contains("cannot connect"), "{msg}");
}

#[tokio::test]
async fn postgres_wrong_password_is_clear_and_redacted() {
    // Trust authentication accepts any password on loopback, so use a user that must not exist.
    let _db = test_db!(Server::Postgres);
    let admin = server_admin_url(Server::Postgres);
    let host = admin.host().unwrap_or("127.0.0.1").to_owned();
    let u = url(&format!(
        "postgres://no_such_user_dbw:Sup3rS3cret@{host}:5432/postgres?sslmode=disable"
    ));
    let msg = connect(&u)
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(msg.contains("no_such_user_dbw"), "{msg}");
    assert!(!msg.contains("Sup3rS3cret"), "{msg}");
}

#[tokio::test]
async fn mysql_wrong_password_is_clear_and_redacted() {
    let _db = test_db!(Server::Mysql);
    let u = url("mysql://root:Sup3rS3cret@127.0.0.1:3306/mysql?ssl-mode=DISABLED");
    let err = connect(&u).await.err();
    let msg = err.as_ref().map(|e| e.to_string()).unwrap_or_default();
    assert!(matches!(err, Some(EngineError::Connect { .. })), "{msg}");
    assert!(msg.contains("Access denied"), "{msg}");
    assert!(!msg.contains("Sup3rS3cret"), "{msg}");
}

#[tokio::test]
async fn unreachable_host_says_where() {
    let u = url("postgres://u:pw12345@127.0.0.1:1/db?connect_timeout=2");
    let msg = connect(&u)
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(msg.contains("127.0.0.1:1"), "{msg}");
    assert!(!msg.contains("pw12345"), "{msg}");
    let u = url("mysql://u:pw12345@127.0.0.1:1/db");
    let msg = connect(&u)
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(msg.contains("127.0.0.1:1"), "{msg}");
    assert!(!msg.contains("pw12345"), "{msg}");
}

#[tokio::test]
async fn mysql_connects_and_reports_mariadb() {
    let db = test_db!(Server::Mysql);
    let mut engine = db.connect().await;
    let info = engine.server_info().await.expect("info");
    assert_eq!(info.database, db.name());
    assert!(!info.version.is_empty());
}
