//! Interrupts: the caller cancels a token, and dbwarden stops at the next safe point. The
//! statement in flight is cancelled on the server (an engine's [`Canceller`]), a transactional
//! migration rolls back with it, no further migration or step starts, and scratch databases and
//! `.partial` files are removed on the way out.
//!
//! The library never installs a signal handler itself: a server embedding it (the MCP server, a
//! fleet runner) decides what an interrupt is. Work that is not given a token of its own
//! follows [`process_token`], which the CLI cancels on SIGINT/SIGTERM.

use dbwarden_engine::{Canceller, Engine, EngineError};
use std::sync::{Arc, OnceLock};
pub use tokio_util::sync::CancellationToken;

/// The token of the whole process, for work not given one of its own.
pub fn process_token() -> CancellationToken {
    static TOKEN: OnceLock<CancellationToken> = OnceLock::new();
    TOKEN.get_or_init(CancellationToken::new).clone()
}

/// Runs `work` (which holds `engine`'s connection busy); when `token` is cancelled first, asks
/// the server to cancel the running statement through `canceller`, then waits for `work` to
/// end, which it does with the server's cancellation error (or its result, if it was about to
/// finish). Nothing is dropped half-way: the connection stays usable for the rollback.
pub async fn cancellable<T>(
    token: &CancellationToken,
    canceller: Option<Arc<dyn Canceller>>,
    work: impl Future<Output = Result<T, EngineError>>,
) -> Result<T, EngineError> {
    let work = std::pin::pin!(work);
    let mut work = work;
    tokio::select! {
        done = &mut work => done,
        () = token.cancelled() => {
            if let Some(c) = canceller
                && let Err(e) = c.cancel().await
            {
                tracing::warn!("could not cancel the running statement: {e}");
            }
            work.await
        }
    }
}

/// Runs one statement on `engine`, cancelled on the server if `token` is cancelled meanwhile.
pub async fn execute(
    engine: &mut dyn Engine,
    sql: &str,
    token: &CancellationToken,
) -> Result<dbwarden_engine::Executed, EngineError> {
    if token.is_cancelled() {
        return Err(interrupted_error());
    }
    let canceller = engine.canceller();
    cancellable(token, canceller, engine.execute(sql)).await
}

/// The error a statement that never started because of an interrupt reports.
pub fn interrupted_error() -> EngineError {
    EngineError::Driver("interrupted before the statement started".into())
}
