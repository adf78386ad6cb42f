//! What the `dbwarden` CLI tests share: a project folder with a migrations folder and its own
//! event log, the built binary run inside it, and a probe that looks at the database the binary
//! worked on through a separate connection.
//!
//! Every test file compiles this module on its own and uses part of it.
#![allow(dead_code)]

pub mod writer;

use dbwarden::engine::{Engine, Value};
use dbwarden_testkit::{Server, TestDb};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Generates one `#[tokio::test]` per engine for each scenario `async fn NAME(server: Server)`,
/// named `NAME::sqlite`, `NAME::postgres` and `NAME::mariadb`.
#[macro_export]
macro_rules! on_every_engine {
    ($($scenario:ident),* $(,)?) => {$(
        mod $scenario {
            #[tokio::test(flavor = "multi_thread")]
            async fn sqlite() {
                super::$scenario(dbwarden_testkit::Server::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread")]
            async fn postgres() {
                super::$scenario(dbwarden_testkit::Server::Postgres).await;
            }
            #[tokio::test(flavor = "multi_thread")]
            async fn mariadb() {
                super::$scenario(dbwarden_testkit::Server::Mysql).await;
            }
        }
    )*};
}

/// How one run of the binary ended.
pub struct Outcome {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// Everything it printed on stdout.
    pub stdout: String,
    /// Everything it printed on stderr.
    pub stderr: String,
}

impl Outcome {
    fn from_output(output: std::process::Output) -> Outcome {
        Outcome {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Both streams, for assertions that do not care which one carries a message.
    pub fn all_output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// stdout parsed as JSON (for `--json` runs).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{self}"))
    }

    /// Panics, showing both streams, unless the run exited with `code`.
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "unexpected exit code:\n{self}");
        self
    }

    /// Panics unless stderr contains every one of `needles` (case-insensitive).
    #[track_caller]
    pub fn assert_stderr_mentions(&self, needles: &[&str]) -> &Self {
        let haystack = self.stderr.to_lowercase();
        for needle in needles {
            assert!(
                haystack.contains(&needle.to_lowercase()),
                "stderr does not mention {needle:?}:\n{self}"
            );
        }
        self
    }

    /// Panics unless stdout contains every one of `needles` (case-insensitive).
    #[track_caller]
    pub fn assert_stdout_mentions(&self, needles: &[&str]) -> &Self {
        let haystack = self.stdout.to_lowercase();
        for needle in needles {
            assert!(
                haystack.contains(&needle.to_lowercase()),
                "stdout does not mention {needle:?}:\n{self}"
            );
        }
        self
    }
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// A project folder (temporary) holding `migrations/` and the event log, pointed at one
/// database URL.
pub struct Project {
    dir: tempfile::TempDir,
    url: String,
}

impl Project {
    /// A project for the test database `db`.
    pub fn new(db: &TestDb) -> Project {
        Project::with_url(&db.url_string())
    }

    /// A project whose runs pass `url` as `--database-url`.
    pub fn with_url(url: &str) -> Project {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("cannot make a temp dir: {e}"));
        Project {
            dir,
            url: url.to_owned(),
        }
    }

    /// The project folder (the binary's working directory).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The URL runs pass.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Runs now pass `url` instead.
    pub fn set_url(&mut self, url: &str) {
        url.clone_into(&mut self.url);
    }

    /// The migrations folder (not created until a file is written).
    pub fn migrations_dir(&self) -> PathBuf {
        self.dir.path().join("migrations")
    }

    /// The event log every run appends to (inside the project folder).
    pub fn event_log(&self) -> PathBuf {
        self.dir.path().join(".dbwarden").join("events.ndjson")
    }

    /// Writes `migrations/FILE`, creating the folder.
    pub fn write(&self, file: &str, text: &str) {
        let dir = self.migrations_dir();
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        let path = dir.join(file);
        std::fs::write(&path, text)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }

    /// Writes the pair `migrations/LABEL.up.sql` and `migrations/LABEL.down.sql`.
    pub fn migration(&self, label: &str, up: &str, down: &str) {
        self.write(&format!("{label}.up.sql"), up);
        self.write(&format!("{label}.down.sql"), down);
    }

    /// Reads `migrations/FILE`.
    pub fn read(&self, file: &str) -> String {
        let path = self.migrations_dir().join(file);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// The binary, in the project folder, with the URL and event log given and nothing
    /// inherited from the environment that could point it elsewhere.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_dbwarden"));
        cmd.current_dir(self.dir.path())
            .env_remove("DATABASE_URL")
            .env_remove("DBWARDEN_EVENT_LOG")
            .env_remove("DBWARDEN_LOG")
            .env("NO_COLOR", "1")
            .arg("--database-url")
            .arg(&self.url)
            .arg("--event-log")
            .arg(self.event_log())
            .args(args)
            .stdin(Stdio::null());
        cmd
    }

    /// Runs the binary to the end.
    pub fn run(&self, args: &[&str]) -> Outcome {
        let output = self
            .command(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run dbwarden: {e}"));
        Outcome::from_output(output)
    }

    /// Starts the binary with both streams captured, without waiting.
    pub fn spawn(&self, args: &[&str]) -> Child {
        self.command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start dbwarden: {e}"))
    }

    /// Every line of the event log, parsed (empty when there is no log yet).
    pub fn events(&self) -> Vec<serde_json::Value> {
        let Ok(text) = std::fs::read_to_string(self.event_log()) else {
            return Vec::new();
        };
        text.lines()
            .map(|line| {
                serde_json::from_str(line)
                    .unwrap_or_else(|e| panic!("event log line is not JSON ({e}): {line}"))
            })
            .collect()
    }

    /// Whether the event log has an event of `kind` for migration `version`.
    pub fn has_event(&self, kind: &str, version: &str) -> bool {
        self.events()
            .iter()
            .any(|e| e["type"] == kind && e["payload"]["version"] == version)
    }

    /// Waits (polling the event log) until it has an event of `kind` for `version`.
    pub fn wait_for_event(&self, kind: &str, version: &str, timeout: Duration) {
        let started = Instant::now();
        while !self.has_event(kind, version) {
            assert!(
                started.elapsed() < timeout,
                "no {kind} event for {version} within {timeout:?}; the log has:\n{:#?}",
                self.events()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Waits for `child` at most `timeout`, killing it if it runs longer.
pub fn wait_with_timeout(mut child: Child, timeout: Duration) -> Outcome {
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() >= timeout => {
                let _ = child.kill();
                let output = child.wait_with_output().ok();
                panic!(
                    "dbwarden still running after {timeout:?}; killed it. Output:\n{}",
                    output
                        .map(Outcome::from_output)
                        .map_or(String::new(), |o| o.to_string())
                );
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => panic!("cannot wait for dbwarden: {e}"),
        }
    }
    Outcome::from_output(
        child
            .wait_with_output()
            .unwrap_or_else(|e| panic!("cannot collect dbwarden's output: {e}")),
    )
}

/// One row of `dbwarden_migrations`, as the tests read it.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// Version number.
    pub version: i64,
    /// Migration name.
    pub name: String,
    /// `applied`, `baseline`, `running` or `failed`.
    pub status: String,
    /// SHA-256 of the up file, as stored.
    pub checksum_up: String,
    /// Statements that completed.
    pub statements_done: i64,
    /// Who applied it.
    pub applied_by: String,
    /// The recorded error.
    pub error: Option<String>,
}

/// A separate connection to the database the binary works on, for looking at the result.
pub struct Probe {
    /// The connection.
    pub engine: Box<dyn Engine>,
    /// Which server.
    pub server: Server,
}

impl Probe {
    /// Connects to `db`.
    pub async fn new(db: &TestDb) -> Probe {
        Probe {
            engine: db.connect().await,
            server: db.server,
        }
    }

    /// Runs a statement, panicking on failure.
    pub async fn execute(&mut self, sql: &str) {
        self.engine
            .execute(sql)
            .await
            .unwrap_or_else(|e| panic!("probe statement failed: {e}\n{sql}"));
    }

    /// Runs a query, panicking on failure.
    pub async fn query(&mut self, sql: &str) -> Vec<Vec<Value>> {
        self.engine
            .query(sql, &[])
            .await
            .unwrap_or_else(|e| panic!("probe query failed: {e}\n{sql}"))
    }

    /// The first column of the first row, as an integer.
    pub async fn scalar(&mut self, sql: &str) -> i64 {
        let rows = self.query(sql).await;
        rows.first()
            .and_then(|r| r.first())
            .and_then(Value::as_i64)
            .unwrap_or_else(|| panic!("no integer from {sql}: {rows:?}"))
    }

    /// Every table in the database (dbwarden's own included), sorted.
    pub async fn tables(&mut self) -> Vec<String> {
        let sql = match self.server {
            Server::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
            }
            Server::Postgres => {
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
            }
            Server::Mysql => {
                "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1"
            }
        };
        let mut names: Vec<String> = self
            .query(sql)
            .await
            .into_iter()
            .filter_map(|r| r.into_iter().next().and_then(|v| v.as_string()))
            .collect();
        names.sort();
        names
    }

    /// The tables that are not dbwarden's own (history, meta, lock).
    pub async fn user_tables(&mut self) -> Vec<String> {
        self.tables()
            .await
            .into_iter()
            .filter(|t| !t.starts_with("dbwarden_"))
            .collect()
    }

    /// Whether `table` exists.
    pub async fn has_table(&mut self, table: &str) -> bool {
        self.tables().await.iter().any(|t| t == table)
    }

    /// The history table's rows by version (none where the table does not exist).
    pub async fn history(&mut self) -> Vec<HistoryEntry> {
        if !self.has_table("dbwarden_migrations").await {
            return Vec::new();
        }
        self.query(
            "SELECT version, name, status, checksum_up, statements_done, applied_by, error \
             FROM dbwarden_migrations ORDER BY version",
        )
        .await
        .into_iter()
        .map(|r| {
            let text = |i: usize| r.get(i).and_then(Value::as_string).unwrap_or_default();
            HistoryEntry {
                version: r.first().and_then(Value::as_i64).unwrap_or(-1),
                name: text(1),
                status: text(2),
                checksum_up: text(3),
                statements_done: r.get(4).and_then(Value::as_i64).unwrap_or(-1),
                applied_by: text(5),
                error: r.get(6).and_then(Value::as_string),
            }
        })
        .collect()
    }

    /// The versions in the history table.
    pub async fn history_versions(&mut self) -> Vec<i64> {
        self.history().await.iter().map(|h| h.version).collect()
    }

    /// The scratch databases on the server that process `pid` made (read from the server's
    /// own catalog; SQLite keeps them in memory, so none).
    pub async fn scratch_databases_of(&mut self, pid: u32) -> Vec<String> {
        let sql = match self.server {
            Server::Postgres => {
                "SELECT datname::text FROM pg_database WHERE datname LIKE 'dbw\\_%'"
            }
            Server::Mysql => {
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'dbw\\_%'"
            }
            Server::Sqlite => return Vec::new(),
        };
        self.query(sql)
            .await
            .into_iter()
            .filter_map(|r| r.into_iter().next().and_then(|v| v.as_string()))
            .filter(|name| name.contains(&format!("_{pid}_")))
            .collect()
    }

    /// How many rows `table` has.
    pub async fn count(&mut self, table: &str) -> i64 {
        self.scalar(&format!("SELECT COUNT(*) FROM {table}")).await
    }
}
