//! Exit codes, in one place. Documented in README.md; CI scripts rely on them.

/// How `dbwarden` exits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: the command did what was asked.
    Success,
    /// 1: something failed (connection, SQL error, I/O).
    Failure,
    /// 2: bad input: arguments, URL, migration files.
    Usage,
    /// 3: refused by a safety rule; nothing was changed.
    Refused,
    /// 4: drift found (applied migrations edited since).
    Drift,
    /// 130: interrupted (SIGINT/SIGTERM); the message says what state the database is in.
    Interrupted,
}

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(match e {
            Exit::Success => 0,
            Exit::Failure => 1,
            Exit::Usage => 2,
            Exit::Refused => 3,
            Exit::Drift => 4,
            Exit::Interrupted => 130,
        })
    }
}

/// A failed command: the exit code, a kind for JSON, and the message.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub exit: Exit,
    /// A stable machine-readable kind (`connection`, `sql`, `refused`, `drift`, ...).
    pub kind: &'static str,
    /// The full message for people.
    pub message: String,
}

impl Failure {
    pub fn new(exit: Exit, kind: &'static str, message: impl Into<String>) -> Self {
        Failure {
            exit,
            kind,
            message: message.into(),
        }
    }
}

impl From<dbwarden::migrate::MigrateError> for Failure {
    fn from(e: dbwarden::migrate::MigrateError) -> Self {
        use dbwarden::migrate::MigrateError as M;
        let (exit, kind) = match &e {
            M::Drift { .. } => (Exit::Drift, "drift"),
            M::Interrupted { .. } => (Exit::Interrupted, "interrupted"),
            M::Engine(inner) => engine_kind(inner),
            M::StatementFailed { .. } => (Exit::Failure, "sql"),
            M::LockTimeout { .. } => (Exit::Failure, "lock_timeout"),
            e if e.is_refusal() => (Exit::Refused, "refused"),
            e if e.is_input_error() => (Exit::Usage, "invalid_input"),
            _ => (Exit::Failure, "failure"),
        };
        Failure::new(exit, kind, e.to_string())
    }
}

fn engine_kind(e: &dbwarden::engine::EngineError) -> (Exit, &'static str) {
    use dbwarden::engine::EngineError as E;
    match e {
        E::Url(_) => (Exit::Usage, "invalid_url"),
        E::Connect { .. } => (Exit::Failure, "connection"),
        E::ReadOnly(_) => (Exit::Failure, "read_only"),
        E::Tls(_) => (Exit::Failure, "tls"),
        _ => (Exit::Failure, "sql"),
    }
}

impl From<dbwarden::engine::EngineError> for Failure {
    fn from(e: dbwarden::engine::EngineError) -> Self {
        let (exit, kind) = engine_kind(&e);
        Failure::new(exit, kind, e.to_string())
    }
}

impl From<dbwarden::config::ConfigError> for Failure {
    fn from(e: dbwarden::config::ConfigError) -> Self {
        Failure::new(Exit::Usage, "configuration", e.to_string())
    }
}

impl From<dbwarden::config::ProjectConfigError> for Failure {
    fn from(e: dbwarden::config::ProjectConfigError) -> Self {
        Failure::new(Exit::Usage, "configuration", e.to_string())
    }
}

impl From<dbwarden::backup::BackupError> for Failure {
    fn from(e: dbwarden::backup::BackupError) -> Self {
        use dbwarden::backup::BackupError as B;
        let (exit, kind) = match &e {
            B::Interrupted => (Exit::Interrupted, "interrupted"),
            B::Engine(inner) => engine_kind(inner),
            B::Io { .. } => (Exit::Failure, "io"),
            B::Exists(_) | B::UnknownTable { .. } | B::WrongEngine { .. } => {
                (Exit::Usage, "invalid_input")
            }
            B::Corrupt { .. } => (Exit::Failure, "backup_corrupt"),
            B::WouldOverwrite { .. } => (Exit::Refused, "refused"),
            B::FingerprintMismatch { .. } => (Exit::Failure, "fingerprint_mismatch"),
            _ => (Exit::Failure, "failure"),
        };
        Failure::new(exit, kind, e.to_string())
    }
}
