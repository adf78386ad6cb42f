//! Errors from engines. URLs appear in them only in redacted form (see `url::ConnectionUrl`).

use thiserror::Error;

/// An engine failure, typed so callers can tell connection trouble from SQL errors.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The URL cannot be used.
    #[error(transparent)]
    Url(#[from] crate::url::UrlError),
    /// The server could not be reached or refused the connection.
    #[error("cannot connect to {target}: {reason}")]
    Connect {
        /// The redacted URL.
        target: String,
        /// What went wrong, and what to check.
        reason: String,
    },
    /// The server rejected a statement.
    #[error("{message}")]
    Sql {
        /// The database's own message (with its detail and hint where it gave them).
        message: String,
        /// SQLSTATE or server error code, when known.
        code: Option<String>,
        /// 1-based character offset into the statement, when the server gave one.
        position: Option<usize>,
    },
    /// The database file is read-only or cannot be written.
    #[error("{0}")]
    ReadOnly(String),
    /// Anything else the driver reported.
    #[error("{0}")]
    Driver(String),
    /// The TLS setup named in the URL cannot be built.
    #[error("TLS: {0}")]
    Tls(String),
}

impl EngineError {
    /// The SQLSTATE or error code, when the server gave one.
    pub fn code(&self) -> Option<&str> {
        match self {
            EngineError::Sql { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}
