//! Observed blocking: while a migration runs (and until any rollback of it ends), a second
//! connection keeps issuing a write that changes nothing (`UPDATE t SET c = c WHERE 1 = 0`)
//! against each affected table. The write takes the same table lock an application write
//! would, so how long each one waited is how long the migration blocked writers: measured, not
//! predicted from the plan.

use dbwarden_core::{Dialect, QualifiedName};
use dbwarden_engine::{ConnectionUrl, connect};
use serde::Serialize;
use std::time::{Duration, Instant};

/// A probe write that waited longer than this counts as blocked; `downtime` is "zero" only
/// when none did.
pub const BLOCKED_THRESHOLD_MS: u64 = 100;

/// What the probe saw.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct ProbeResult {
    /// Probe writes issued.
    pub writes: u64,
    /// The longest a probe write waited, in milliseconds.
    pub max_blocked_ms: u64,
    /// The 99th percentile of the waits, in milliseconds.
    pub p99_blocked_ms: u64,
    /// Probe writes that waited longer than [`BLOCKED_THRESHOLD_MS`].
    pub blocked_writes: u64,
    /// Their waits added up, in milliseconds.
    pub blocked_total_ms: u64,
    /// Probe writes that failed for another reason than their table going away.
    pub failed_writes: u64,
}

impl ProbeResult {
    /// The figures of a list of waits (milliseconds).
    pub fn of(waits: &[u64], failed_writes: u64) -> ProbeResult {
        let mut sorted = waits.to_vec();
        sorted.sort_unstable();
        let p99 = match sorted.len() {
            0 => 0,
            n => sorted[(n * 99).div_ceil(100).saturating_sub(1).min(n - 1)],
        };
        let blocked: Vec<u64> = sorted
            .iter()
            .copied()
            .filter(|w| *w > BLOCKED_THRESHOLD_MS)
            .collect();
        ProbeResult {
            writes: sorted.len() as u64,
            max_blocked_ms: sorted.last().copied().unwrap_or(0),
            p99_blocked_ms: p99,
            blocked_writes: blocked.len() as u64,
            blocked_total_ms: blocked.iter().sum(),
            failed_writes,
        }
    }
}

/// A running probe; [`WriteProbe::stop`] ends it and returns what it saw. Dropped without
/// `stop`, it ends its task too: a probe never outlives its owner.
pub struct WriteProbe {
    stop: tokio::sync::watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<ProbeResult>>,
}

const PAUSE: Duration = Duration::from_millis(50);

/// After this many failed probe writes in a row the connection is taken to be gone.
const FAILURES_IN_A_ROW: u32 = 20;

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
            let mut waits = Vec::new();
            let mut failed = 0u64;
            let mut failing = 0u32;
            while !*stopped.borrow() {
                let mut gone = Vec::new();
                for (i, sql) in statements.iter().enumerate() {
                    let started = Instant::now();
                    let outcome = engine.execute(sql).await;
                    waits.push(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
                    match outcome {
                        Ok(_) => failing = 0,
                        Err(e) if e.code().is_some() => {
                            // The table went away (dropped or renamed by the migration).
                            gone.push(i);
                        }
                        Err(_) => {
                            failed += 1;
                            failing += 1;
                        }
                    }
                }
                for i in gone.into_iter().rev() {
                    statements.remove(i);
                }
                if statements.is_empty() || failing >= FAILURES_IN_A_ROW {
                    break;
                }
                let _ = tokio::time::timeout(PAUSE, stopped.changed()).await;
            }
            ProbeResult::of(&waits, failed)
        });
        Some(WriteProbe {
            stop,
            task: Some(task),
        })
    }

    /// Stops probing and reports.
    pub async fn stop(mut self) -> ProbeResult {
        let _ = self.stop.send(true);
        match self.task.take() {
            Some(task) => task.await.unwrap_or_default(),
            None => ProbeResult::default(),
        }
    }
}

impl Drop for WriteProbe {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// How `locks_held` reads.
pub fn locks_held(result: Option<ProbeResult>) -> String {
    match result {
        None => "not observed".into(),
        Some(r) if r.max_blocked_ms <= BLOCKED_THRESHOLD_MS => "minimal".into(),
        Some(r) => format!(
            "writes blocked {} time(s), {} ms in all, {} ms at most",
            r.blocked_writes, r.blocked_total_ms, r.max_blocked_ms
        ),
    }
}

/// How `downtime` reads: zero only when no probe write waited longer than
/// [`BLOCKED_THRESHOLD_MS`]; otherwise the longest measured wait.
pub fn downtime(result: Option<ProbeResult>) -> String {
    match result {
        None => "not observed".into(),
        Some(r) if r.max_blocked_ms <= BLOCKED_THRESHOLD_MS => "zero".into(),
        Some(r) => format!("{} ms of blocked writes at most", r.max_blocked_ms),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_count_every_wait_over_the_threshold() {
        let mut waits = vec![3; 197];
        waits.extend([150, 420, 90]);
        let r = ProbeResult::of(&waits, 0);
        assert_eq!(r.writes, 200);
        assert_eq!(r.max_blocked_ms, 420);
        assert_eq!(r.blocked_writes, 2);
        assert_eq!(r.blocked_total_ms, 570);
        assert_eq!(r.p99_blocked_ms, 90, "nearest rank: the 198th of 200");
        assert_eq!(downtime(Some(r)), "420 ms of blocked writes at most");
        let quiet = ProbeResult::of(&[3, 100, 7], 0);
        assert_eq!(downtime(Some(quiet)), "zero");
    }
}
