//! Observed blocking: while a migration runs, a second connection keeps issuing a write that
//! changes nothing (`UPDATE t SET c = c WHERE 1 = 0`) against each affected table. The write
//! takes the same table lock an application write would, so the longest time one of them
//! waited is how long the migration blocked writers: measured, not predicted from the plan.

use dbwarden_core::{Dialect, QualifiedName};
use dbwarden_engine::{ConnectionUrl, connect};
use serde::Serialize;
use std::time::{Duration, Instant};

/// What the probe saw.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ProbeResult {
    /// Probe writes issued.
    pub writes: u64,
    /// The longest a probe write waited, in milliseconds.
    pub max_blocked_ms: u64,
}

/// A running probe; [`WriteProbe::stop`] ends it and returns what it saw.
pub struct WriteProbe {
    stop: tokio::sync::watch::Sender<bool>,
    task: tokio::task::JoinHandle<ProbeResult>,
}

const PAUSE: Duration = Duration::from_millis(50);

impl WriteProbe {
    /// Starts probing `tables` (with one column each to name in the no-op update). Returns
    /// `None` when there is nothing to probe or no second connection can be opened.
    pub async fn start(
        url: &ConnectionUrl,
        tables: Vec<(QualifiedName, String)>,
    ) -> Option<WriteProbe> {
        if tables.is_empty() {
            return None;
        }
        let mut engine = connect(url).await.ok()?;
        let dialect = engine.dialect();
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let mut statements: Vec<String> = tables
            .iter()
            .map(|(table, column)| {
                let column = dbwarden_core::quote_ident(dialect, column);
                format!(
                    "UPDATE {} SET {column} = {column} WHERE 1 = 0",
                    table.quoted(dialect)
                )
            })
            .collect();
        if dialect == Dialect::Sqlite {
            // A second SQLite connection waits on the file lock through its busy timeout.
            statements.truncate(1);
        }
        let task = tokio::spawn(async move {
            let mut result = ProbeResult::default();
            while !*stopped.borrow() {
                let mut failed = Vec::new();
                for (i, sql) in statements.iter().enumerate() {
                    let started = Instant::now();
                    let outcome = engine.execute(sql).await;
                    let waited = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                    result.writes += 1;
                    result.max_blocked_ms = result.max_blocked_ms.max(waited);
                    if outcome.is_err() {
                        // The table went away (dropped or renamed by the migration).
                        failed.push(i);
                    }
                }
                for i in failed.into_iter().rev() {
                    statements.remove(i);
                }
                if statements.is_empty() {
                    break;
                }
                let _ = tokio::time::timeout(PAUSE, stopped.changed()).await;
            }
            result
        });
        Some(WriteProbe { stop, task })
    }

    /// Stops probing and reports.
    pub async fn stop(self) -> ProbeResult {
        let _ = self.stop.send(true);
        self.task.await.unwrap_or_default()
    }
}

/// How `locks_held` reads for a longest blocked write.
pub fn locks_held(result: Option<ProbeResult>) -> String {
    match result {
        None => "not observed".into(),
        Some(r) if r.max_blocked_ms < 100 => "minimal".into(),
        Some(r) if r.max_blocked_ms < 1000 => format!("brief ({} ms)", r.max_blocked_ms),
        Some(r) => format!(
            "writes blocked up to {:.1} s",
            r.max_blocked_ms as f64 / 1000.0
        ),
    }
}

/// How `downtime` reads: zero when no write waited a second or more.
pub fn downtime(result: Option<ProbeResult>) -> String {
    match result {
        None => "not observed".into(),
        Some(r) if r.max_blocked_ms < 1000 => "zero".into(),
        Some(r) => format!(
            "{:.1} s of blocked writes",
            r.max_blocked_ms as f64 / 1000.0
        ),
    }
}
