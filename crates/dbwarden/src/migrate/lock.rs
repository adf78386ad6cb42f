//! Taking the database-level migration lock, waiting politely and saying who holds it.

use super::{LOCK_NAME, MigrateError, Progress};
use dbwarden_engine::Engine;
use std::time::{Duration, Instant};

/// How often a waiting runner retries, and how often it repeats who it is waiting for.
const RETRY_EVERY: Duration = Duration::from_millis(100);
const REPORT_EVERY: Duration = Duration::from_secs(5);

/// Takes the lock, waiting up to `timeout`. `on_wait` hears who holds it when we start waiting
/// and every few seconds after.
pub(crate) async fn acquire(
    engine: &mut dyn Engine,
    timeout: Duration,
    on_wait: &mut dyn FnMut(Progress),
) -> Result<(), MigrateError> {
    let started = Instant::now();
    let mut last_report: Option<Instant> = None;
    loop {
        if engine.try_lock(LOCK_NAME).await? {
            if last_report.is_some() {
                on_wait(Progress::LockAcquired);
            }
            return Ok(());
        }
        let holder = engine
            .lock_holder(LOCK_NAME)
            .await
            .ok()
            .flatten()
            .map(|h| h.description);
        if started.elapsed() >= timeout {
            return Err(MigrateError::LockTimeout {
                seconds: timeout.as_secs(),
                holder,
            });
        }
        if last_report.is_none_or(|t| t.elapsed() >= REPORT_EVERY) {
            on_wait(Progress::WaitingForLock { holder });
            last_report = Some(Instant::now());
        }
        tokio::time::sleep(RETRY_EVERY).await;
    }
}
