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

/// The server's own self-signed certificate (Debian's snakeoil, CN=localhost), used as the root.
const PG_SERVER_CERT: &str = "/etc/ssl/certs/ssl-cert-snakeoil.pem";

fn pg_cert_available() -> bool {
    if std::path::Path::new(PG_SERVER_CERT).is_file() {
        return true;
    }
    assert!(
        !dbwarden_testkit::in_ci(),
        "CI=true but {PG_SERVER_CERT} is missing"
    );
    eprintln!("SKIPPED: {PG_SERVER_CERT} not found");
    false
}

#[tokio::test]
async fn postgres_verify_ca_and_full_trust_the_servers_own_certificate() {
    let db = test_db!(Server::Postgres);
    if !pg_cert_available() {
        return;
    }
    let name = db.name().to_owned();
    let ok = [
        format!(
            "postgres://postgres@127.0.0.1:5432/{name}?sslmode=verify-ca&sslrootcert={PG_SERVER_CERT}"
        ),
        format!(
            "postgres://postgres@localhost:5432/{name}?sslmode=verify-full&sslrootcert={PG_SERVER_CERT}"
        ),
    ];
    for u in ok {
        let mut engine = connect(&url(&u))
            .await
            .unwrap_or_else(|e| panic!("{u}: {e}"));
        let rows = engine
            .query(
                "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                &[],
            )
            .await
            .expect("query");
        assert_eq!(rows[0][0].as_string().as_deref(), Some("true"), "{u}");
    }
    // The certificate names localhost, not 127.0.0.1: verify-full must refuse the IP.
    let u = format!(
        "postgres://postgres@127.0.0.1:5432/{name}?sslmode=verify-full&sslrootcert={PG_SERVER_CERT}"
    );
    let msg = connect(&url(&u))
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(msg.contains("cannot connect"), "{msg}");
    // A root file that does not exist is named in the error.
    let u = format!(
        "postgres://postgres@localhost:5432/{name}?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem"
    );
    let msg = connect(&url(&u))
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(msg.contains("/nonexistent/ca.pem"), "{msg}");
}

/// The CA that `.ci/services` made for MariaDB's certificate.
fn mysql_ca() -> Option<String> {
    let path = std::env::var("DBWARDEN_TEST_MYSQL_CA")
        .unwrap_or_else(|_| "/var/lib/dbwarden-ci-tls/ca.pem".to_owned());
    if std::path::Path::new(&path).is_file() {
        return Some(path);
    }
    assert!(
        !dbwarden_testkit::in_ci(),
        "CI=true but the MariaDB test CA {path} is missing: run .ci/services"
    );
    eprintln!(
        "SKIPPED: MariaDB test CA {path} not found; run .ci/services to give MariaDB a certificate"
    );
    None
}

async fn mysql_cipher(u: &str) -> String {
    let mut engine = connect(&url(u))
        .await
        .unwrap_or_else(|e| panic!("{u}: {e}"));
    let rows = engine
        .query("SHOW SESSION STATUS LIKE 'Ssl_cipher'", &[])
        .await
        .expect("query");
    rows[0][1].as_string().unwrap_or_default()
}

#[tokio::test]
async fn mysql_tls_modes_against_the_servers_certificate() {
    let db = test_db!(Server::Mysql);
    let Some(ca) = mysql_ca() else { return };
    let name = db.name().to_owned();
    let base = format!("mysql://root@127.0.0.1:3306/{name}");
    assert_eq!(mysql_cipher(&format!("{base}?ssl-mode=DISABLED")).await, "");
    assert_ne!(mysql_cipher(&format!("{base}?ssl-mode=REQUIRED")).await, "");
    assert_ne!(
        mysql_cipher(&format!("{base}?ssl-mode=PREFERRED")).await,
        ""
    );
    assert_ne!(
        mysql_cipher(&format!("{base}?ssl-mode=VERIFY_CA&ssl-ca={ca}")).await,
        ""
    );
    assert_ne!(
        mysql_cipher(&format!("{base}?ssl-mode=VERIFY_IDENTITY&ssl-ca={ca}")).await,
        ""
    );
    // Without the CA, verification against the public roots must fail.
    let msg = connect(&url(&format!("{base}?ssl-mode=VERIFY_CA")))
        .await
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(msg.contains("cannot connect"), "{msg}");
}
