//! Bounded lock waits. A DDL statement that waits for a table lock queues every later query on
//! that table behind it (PostgreSQL manual, "Explicit Locking": lock requests are granted in
//! order), so one long transaction turns a waiting `ALTER TABLE` into an outage for everyone.
//! dbwarden therefore never waits long: each statement on a user table runs with a short lock
//! wait (PostgreSQL `lock_timeout`, MySQL/MariaDB `lock_wait_timeout` and
//! `innodb_lock_wait_timeout`), and a statement or transaction that timed out is retried with
//! jittered backoff within a budget, each retry logged with the sessions that blocked it.

use dbwarden_core::Dialect;
use dbwarden_engine::{Engine, EngineError, Executed, Value};
use serde::Serialize;
use std::time::{Duration, Instant};

/// How long dbwarden waits for a lock, and how often it tries again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockPolicy {
    /// The longest one statement waits for a lock before it gives up (default 2 s).
    pub wait: Duration,
    /// How many times a statement or transaction is tried in all (default 10).
    pub tries: u32,
    /// The time after which no new try starts (default 10 minutes).
    pub budget: Duration,
    /// Terminate sessions that have blocked the lock longer than this, never one that has
    /// written (its work would be lost); `None` (the default) terminates nothing.
    pub kill_blockers_after: Option<Duration>,
}

impl Default for LockPolicy {
    fn default() -> Self {
        LockPolicy {
            wait: Duration::from_secs(2),
            tries: 10,
            budget: Duration::from_secs(600),
            kill_blockers_after: None,
        }
    }
}

/// A session that held a lock dbwarden waited for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Blocker {
    /// The server's id of the session (PostgreSQL pid, MySQL connection id).
    pub session: i64,
    /// How long its transaction has been open, in seconds.
    pub age_seconds: i64,
    /// Its state (`idle in transaction`, `active`, ...).
    pub state: String,
    /// Its current or last query, with literals replaced by `?`.
    pub query: String,
    /// Whether its transaction has written (such a session is never terminated).
    pub wrote: bool,
}

impl std::fmt::Display for Blocker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "session {} ({}, transaction open {} s): {}",
            self.session, self.state, self.age_seconds, self.query
        )
    }
}

/// Whether `error` is a lock wait that ran out (and so worth retrying).
pub fn is_lock_timeout(dialect: Dialect, error: &EngineError) -> bool {
    let code = error.code().unwrap_or("");
    match dialect {
        // lock_not_available
        Dialect::Postgres => code == "55P03",
        // ER_LOCK_WAIT_TIMEOUT covers metadata and row lock waits; the engine writes the
        // code as `1205 (HY000)`.
        Dialect::Mysql => code.split_whitespace().next() == Some("1205"),
        Dialect::Sqlite => code == "DatabaseBusy",
    }
}

/// Whether a statement should run without a lock timeout: `CREATE/DROP INDEX CONCURRENTLY`
/// and `REINDEX CONCURRENTLY` wait for older transactions without blocking writers, and a
/// timeout would only leave an INVALID index behind.
pub fn waits_without_blocking(sql: &str) -> bool {
    // The statement's own leading keywords, comments left out: a column named `concurrently`
    // or a comment mentioning it does not count.
    let code: String = sql
        .lines()
        .map(|line| line.split("--").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join(" ");
    let words: Vec<String> = code
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .take(5)
        .map(str::to_ascii_uppercase)
        .collect();
    matches!(
        words.first().map(String::as_str),
        Some("CREATE" | "DROP" | "REINDEX")
    ) && words.iter().any(|w| w == "CONCURRENTLY")
}

impl LockPolicy {
    /// The statements that set this session's lock wait.
    pub fn session_statements(&self, dialect: Dialect) -> Vec<String> {
        let ms = self.wait.as_millis().max(1);
        let seconds = self.wait.as_secs().max(1);
        match dialect {
            Dialect::Postgres => vec![format!("SET lock_timeout = '{ms}ms'")],
            Dialect::Mysql => vec![
                format!("SET SESSION lock_wait_timeout = {seconds}"),
                format!("SET SESSION innodb_lock_wait_timeout = {seconds}"),
            ],
            Dialect::Sqlite => Vec::new(),
        }
    }

    /// Sets this session's lock wait.
    pub async fn apply_to(&self, engine: &mut dyn Engine) -> Result<(), EngineError> {
        for sql in self.session_statements(engine.dialect()) {
            engine.execute(&sql).await?;
        }
        Ok(())
    }

    /// How long to sleep before try number `attempt` (1-based, after the first failed one):
    /// doubling from 100 ms up to 5 s, with up to half of it as jitter so that several
    /// waiting runs do not retry in step.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let base = 100u64.saturating_mul(1 << attempt.min(6)).min(5_000);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| u64::from(d.subsec_nanos()))
            .unwrap_or(0);
        Duration::from_millis(base / 2 + nanos % (base / 2 + 1))
    }

    /// Whether another try may start after `tries` tries since `started`.
    pub fn may_retry(&self, tries: u32, started: Instant) -> bool {
        tries < self.tries && started.elapsed() < self.budget
    }

    /// Runs one statement of dbwarden's own (outside any transaction) under this policy:
    /// with the session's lock wait set, retried on lock timeouts; `on_wait` hears of each
    /// wait that ran out.
    pub async fn execute(
        &self,
        engine: &mut dyn Engine,
        sql: &str,
        on_wait: &(dyn Fn(&LockWait) + Send + Sync),
    ) -> Result<Executed, EngineError> {
        self.apply_to(engine).await?;
        let started = Instant::now();
        let mut tries = 0;
        loop {
            tries += 1;
            match engine.execute(sql).await {
                Err(e) if is_lock_timeout(engine.dialect(), &e) => {
                    let found = blockers(engine, self.wait).await;
                    let retry = self.may_retry(tries, started);
                    let terminated = if retry {
                        self.end_blockers(engine, &found).await
                    } else {
                        Vec::new()
                    };
                    let wait = LockWait {
                        statement: first_line(sql).to_owned(),
                        attempt: tries,
                        tries: self.tries,
                        wait_ms: u64::try_from(self.wait.as_millis()).unwrap_or(u64::MAX),
                        blockers: found,
                        retry,
                        terminated,
                    };
                    tracing::warn!(
                        "lock wait of {} ms ran out (try {tries} of {}): {}; blocked by {}",
                        wait.wait_ms,
                        self.tries,
                        wait.statement,
                        describe(&wait.blockers)
                    );
                    on_wait(&wait);
                    if !wait.retry {
                        return Err(e);
                    }
                    tokio::time::sleep(self.backoff(tries)).await;
                }
                other => return other,
            }
        }
    }
}

/// One lock wait that ran out.
#[derive(Debug, Clone, Serialize)]
pub struct LockWait {
    /// The statement's first line.
    pub statement: String,
    /// Which try it was (1-based).
    pub attempt: u32,
    /// Tries allowed.
    pub tries: u32,
    /// The wait of each try.
    pub wait_ms: u64,
    /// Who held the lock, as far as the database told.
    pub blockers: Vec<Blocker>,
    /// Whether another try follows.
    pub retry: bool,
    /// Blockers terminated (`--kill-blockers-after`) before the next try.
    pub terminated: Vec<Blocker>,
}

fn first_line(sql: &str) -> &str {
    sql.lines().next().unwrap_or("")
}

/// Blockers as one line for messages.
pub fn describe(blockers: &[Blocker]) -> String {
    if blockers.is_empty() {
        return "a session that had ended by the time dbwarden looked".into();
    }
    blockers
        .iter()
        .map(Blocker::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Replaces string and number literals in `query` with `?`, so a logged query shows its
/// shape without the values it carried.
pub fn redact_literals(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    let mut chars = query.chars().peekable();
    let mut previous_word = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                while let Some(n) = chars.next() {
                    if n == '\'' {
                        if chars.peek() == Some(&'\'') {
                            chars.next();
                            continue;
                        }
                        break;
                    }
                }
                out.push('?');
                previous_word = false;
            }
            c if c.is_ascii_digit() && !previous_word => {
                while chars
                    .peek()
                    .is_some_and(|n| n.is_ascii_digit() || *n == '.')
                {
                    chars.next();
                }
                out.push('?');
            }
            c => {
                previous_word = c.is_alphanumeric() || c == '_' || c == '"' || c == '`';
                out.push(c);
            }
        }
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    match out.char_indices().nth(200) {
        Some((at, _)) => format!("{}...", &out[..at]),
        None => out,
    }
}

/// Sessions of this database whose transactions have been open longer than `wait` and hold
/// table locks: the likely blockers of a lock wait that just ran out. Sessions of other
/// databases on the same server are never listed (nor, so, terminated). Read on the waiting session itself once
/// its statement failed (outside a transaction, or after a rollback).
pub async fn blockers(engine: &mut dyn Engine, wait: Duration) -> Vec<Blocker> {
    let seconds = wait.as_secs_f64();
    let sql = match engine.dialect() {
        Dialect::Postgres => format!(
            "SELECT a.pid::bigint, extract(epoch FROM now() - a.xact_start)::bigint, a.state, coalesce(a.query, ''), \
             (a.backend_xid IS NOT NULL)::int \
             FROM pg_stat_activity a WHERE a.pid <> pg_backend_pid() AND a.datname = current_database() \
             AND a.xact_start < now() - interval '{seconds} seconds' \
             AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted AND l.locktype = 'relation') \
             ORDER BY a.xact_start LIMIT 5"
        ),
        Dialect::Mysql => format!(
            "SELECT CAST(t.trx_mysql_thread_id AS SIGNED), CAST(TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS SIGNED), \
             COALESCE(p.COMMAND, t.trx_state), COALESCE(t.trx_query, p.INFO, ''), \
             CAST(t.trx_rows_modified > 0 AS SIGNED) \
             FROM information_schema.INNODB_TRX t LEFT JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id \
             WHERE t.trx_mysql_thread_id <> CONNECTION_ID() AND t.trx_started < NOW() - INTERVAL {} SECOND \
             AND p.DB = DATABASE() \
             ORDER BY t.trx_started LIMIT 5",
            seconds.floor()
        ),
        Dialect::Sqlite => return Vec::new(),
    };
    let rows = match engine.query(&sql, &[]).await {
        Ok(rows) => rows,
        // Said as it is (no privilege to see other sessions, say), not as "no blocker".
        Err(e) => {
            return vec![Blocker {
                session: -1,
                age_seconds: 0,
                state: "unknown".into(),
                query: format!("dbwarden could not list the blocking sessions: {e}"),
                wrote: true,
            }];
        }
    };
    rows.iter()
        .map(|r| {
            let int = |i: usize| r.get(i).and_then(Value::as_i64).unwrap_or(0);
            let text = |i: usize| r.get(i).and_then(Value::as_string).unwrap_or_default();
            Blocker {
                session: int(0),
                age_seconds: int(1),
                state: text(2),
                query: redact_literals(&text(3)),
                // Unknown counts as written: a session is terminated only when known not to.
                wrote: r.get(4).and_then(Value::as_i64).is_none_or(|w| w != 0),
            }
        })
        .collect()
}

impl LockPolicy {
    /// Terminates the `blockers` that have held their transaction longer than
    /// `kill_blockers_after` and have not written (a read-only transaction left open loses
    /// nothing; a writer's work would be lost, so it is never terminated). Returns the ones
    /// terminated.
    pub async fn end_blockers(
        &self,
        engine: &mut dyn Engine,
        blockers: &[Blocker],
    ) -> Vec<Blocker> {
        let Some(after) = self.kill_blockers_after else {
            return Vec::new();
        };
        let mut ended = Vec::new();
        for b in blockers {
            let old_enough = u64::try_from(b.age_seconds).unwrap_or(0) >= after.as_secs();
            if b.session <= 0 || b.wrote || !old_enough {
                continue;
            }
            let sql = match engine.dialect() {
                Dialect::Postgres => format!("SELECT pg_terminate_backend({})", b.session),
                Dialect::Mysql => format!("KILL {}", b.session),
                Dialect::Sqlite => continue,
            };
            match engine.execute(&sql).await {
                Ok(_) => {
                    tracing::warn!("terminated blocking session {b}");
                    ended.push(b.clone());
                }
                Err(e) => tracing::warn!("could not terminate blocking session {}: {e}", b.session),
            }
        }
        ended
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_redacted() {
        assert_eq!(
            redact_literals(
                "UPDATE users SET email = 'a@b.c', n = 42 WHERE id = 7 AND t2 = 'it''s'"
            ),
            "UPDATE users SET email = ?, n = ? WHERE id = ? AND t2 = ?"
        );
    }

    #[test]
    fn backoff_grows_and_stays_bounded() {
        let p = LockPolicy::default();
        for attempt in 1..20 {
            let d = p.backoff(attempt);
            assert!(d <= Duration::from_millis(5_000), "{d:?}");
            assert!(d >= Duration::from_millis(100), "{d:?}");
        }
        assert!(p.backoff(6) >= Duration::from_millis(2_500));
    }

    #[test]
    fn the_budget_ends_retries() {
        let p = LockPolicy {
            tries: 3,
            ..LockPolicy::default()
        };
        assert!(p.may_retry(2, Instant::now()));
        assert!(!p.may_retry(3, Instant::now()));
    }

    #[test]
    fn lock_timeouts_are_told_by_their_codes() {
        let sql = |code: &str| EngineError::Sql {
            message: String::new(),
            code: Some(code.into()),
            position: None,
        };
        assert!(is_lock_timeout(Dialect::Postgres, &sql("55P03")));
        assert!(is_lock_timeout(Dialect::Mysql, &sql("1205 (HY000)")));
        assert!(!is_lock_timeout(Dialect::Mysql, &sql("1146 (42S02)")));
        assert!(!is_lock_timeout(Dialect::Postgres, &sql("42P01")));
    }

    #[test]
    fn concurrent_index_builds_wait_without_a_timeout() {
        assert!(waits_without_blocking(
            "CREATE INDEX CONCURRENTLY i ON t (a)"
        ));
        assert!(!waits_without_blocking("ALTER TABLE t ADD COLUMN a int"));
        assert!(!waits_without_blocking(
            "-- not CREATE INDEX CONCURRENTLY\nALTER TABLE t ADD COLUMN concurrently int"
        ));
        assert!(waits_without_blocking("-- why\nDROP INDEX CONCURRENTLY i"));
    }
}
