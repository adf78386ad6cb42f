//! Where a schema comes from: a live database, a desired-state SQL file or folder, or a
//! migrations folder. SQL is never parsed by hand to learn a schema: it is applied to a scratch
//! database (on the same server, on `--dev-url`, or in memory for SQLite) and introspected, so
//! the database itself normalizes it. The scratch database is dropped afterwards, also when
//! applying fails or the user presses Ctrl-C.

use crate::migrate::MigrationSet;
use dbwarden_core::{Dialect, Schema};
use dbwarden_engine::{ConnectionUrl, Engine, EngineError, connect, scratch_name};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// A place a schema can be read from.
#[derive(Debug, Clone)]
pub enum SchemaSource {
    /// A live database.
    Database(ConnectionUrl),
    /// A desired-state SQL file, or a folder of `.sql` files applied in name order.
    SqlFiles(PathBuf),
    /// A migrations folder: its up scripts replayed in version order.
    Migrations(PathBuf),
}

impl SchemaSource {
    /// Reads a source given on the command line: a URL (`postgres://...`, `sqlite:...`), a
    /// folder holding `NNNN_name.up.sql` files (migrations), or a SQL file or folder.
    pub fn parse(text: &str) -> Result<SchemaSource, SourceError> {
        let path = Path::new(text);
        if text.contains("://") || text.starts_with("sqlite:") {
            return Ok(SchemaSource::Database(
                ConnectionUrl::parse(text).map_err(|e| SourceError::Engine(e.into()))?,
            ));
        }
        if path.is_dir() {
            let has_migrations = std::fs::read_dir(path)
                .map_err(|e| SourceError::Io {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })?
                .flatten()
                .any(|e| e.file_name().to_string_lossy().ends_with(".up.sql"));
            return Ok(if has_migrations {
                SchemaSource::Migrations(path.to_path_buf())
            } else {
                SchemaSource::SqlFiles(path.to_path_buf())
            });
        }
        if path.is_file() {
            return Ok(SchemaSource::SqlFiles(path.to_path_buf()));
        }
        Err(SourceError::NotFound(text.to_owned()))
    }

    /// How the source is named in reports (URLs redacted).
    pub fn describe(&self) -> String {
        match self {
            SchemaSource::Database(url) => url.redacted(),
            SchemaSource::SqlFiles(p) => format!("SQL {}", p.display()),
            SchemaSource::Migrations(p) => format!("migrations {}", p.display()),
        }
    }

    /// Adds the renames written as `-- dbwarden:renamed-from OLD` comments in a SQL source to
    /// `hints` (nothing for other sources); see [`crate::rename_comments`].
    pub fn add_rename_comments(
        &self,
        hints: &mut dbwarden_core::diff::RenameHints,
    ) -> Result<(), SourceError> {
        let SchemaSource::SqlFiles(path) = self else {
            return Ok(());
        };
        for file in sql_files(path)? {
            let text = std::fs::read_to_string(&file).map_err(|e| SourceError::Io {
                path: file.clone(),
                message: e.to_string(),
            })?;
            crate::rename_comments::collect_renames(&file.display().to_string(), &text, hints)?;
        }
        Ok(())
    }

    /// Whether reading the source applies SQL to a scratch database.
    fn needs_scratch(&self) -> bool {
        !matches!(self, SchemaSource::Database(_))
    }

    /// The dialect the source names by itself (only a URL does).
    pub fn dialect(&self) -> Option<Dialect> {
        match self {
            SchemaSource::Database(url) => Some(url.dialect()),
            _ => None,
        }
    }
}

/// Why a schema could not be read.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SourceError {
    /// Not a URL, file or folder.
    #[error("`{0}` is neither a database URL nor an existing SQL file or folder")]
    NotFound(String),
    /// A file could not be read.
    #[error("cannot read {path}: {message}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The OS error.
        message: String,
    },
    /// SQL sources need a database to be applied to.
    #[error(
        "cannot tell which database {0} is for: give the other side as a database URL, or pass --dev-url (a server where dbwarden may create a scratch database)"
    )]
    NoDevDatabase(String),
    /// The source's SQL failed on the scratch database.
    #[error(
        "{file}:{line}: {message}\n(the SQL was applied to a scratch database to read it; nothing else was changed)"
    )]
    Apply {
        /// The file.
        file: PathBuf,
        /// Line of the failing statement.
        line: usize,
        /// The database's message.
        message: String,
    },
    /// A `renamed-from` comment in the SQL names nothing.
    #[error(transparent)]
    RenameComment(#[from] crate::rename_comments::MisplacedRenameComment),
    /// Ctrl-C while a scratch database existed; it was dropped.
    #[error("interrupted; the scratch database was dropped")]
    Interrupted,
    /// The database failed.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The migrations folder is not usable.
    #[error(transparent)]
    Migrations(#[from] crate::migrate::MigrateError),
}

/// What [`load_schema`] keeps of what it reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Keep other migration tools' bookkeeping tables (`_sqlx_migrations`, ...), which are
    /// otherwise set aside as unmanaged objects ([`dbwarden_core::bookkeeping`]).
    pub include_tool_tables: bool,
}

/// Reads the schema of `source`. SQL sources are applied to a scratch database created through
/// `dev` (a URL of the server to use; SQLite uses memory). Other tools' bookkeeping is set
/// aside unless `options` keep it.
pub async fn load_schema(
    source: &SchemaSource,
    dev: Option<&ConnectionUrl>,
    options: &LoadOptions,
) -> Result<Schema, SourceError> {
    let mut schema = read_schema(source, dev).await?;
    if !options.include_tool_tables {
        dbwarden_core::bookkeeping::set_aside(&mut schema);
    }
    Ok(schema)
}

async fn read_schema(
    source: &SchemaSource,
    dev: Option<&ConnectionUrl>,
) -> Result<Schema, SourceError> {
    match source {
        SchemaSource::Database(url) => Ok(connect(url).await?.introspect().await?),
        SchemaSource::SqlFiles(path) => {
            let dev = dev.ok_or_else(|| SourceError::NoDevDatabase(source.describe()))?;
            let files = sql_files(path)?;
            with_scratch(dev, async |scratch| {
                for file in &files {
                    apply_desired_file(scratch, file).await?;
                }
                Ok(scratch.introspect().await?)
            })
            .await
        }
        SchemaSource::Migrations(path) => {
            let dev = dev.ok_or_else(|| SourceError::NoDevDatabase(source.describe()))?;
            let set = MigrationSet::load(path, dev.dialect())?;
            with_scratch(dev, async |scratch| {
                for m in &set.migrations {
                    apply_file(scratch, &m.up.path).await?;
                }
                Ok(scratch.introspect().await?)
            })
            .await
        }
    }
}

/// Reads the schemas of `from` and `to` (see [`load_schema`]) at the same time, on connections
/// of their own, so that two live databases are introspected in parallel rather than one after
/// the other. Both reads run to their end even when one fails, so every scratch database is
/// dropped; an error of `from` is reported before one of `to`. When both sides are SQL, they are
/// read one after the other, so that their two scratch databases never exist at once.
pub async fn load_schemas(
    from: &SchemaSource,
    to: &SchemaSource,
    dev: Option<&ConnectionUrl>,
    options: &LoadOptions,
) -> Result<(Schema, Schema), SourceError> {
    if from.needs_scratch() && to.needs_scratch() {
        let from_schema = load_schema(from, dev, options).await?;
        let to_schema = load_schema(to, dev, options).await?;
        return Ok((from_schema, to_schema));
    }
    let (from_schema, to_schema) = tokio::join!(
        load_schema(from, dev, options),
        load_schema(to, dev, options)
    );
    Ok((from_schema?, to_schema?))
}

/// `.sql` files of a file or folder, in name order.
fn sql_files(path: &Path) -> Result<Vec<PathBuf>, SourceError> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| SourceError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    Ok(files)
}

/// A desired-schema file: its statements in any order that the database accepts, as other
/// declarative tools read them. A statement that fails for want of an object (a foreign key
/// to a table created further down) waits until the others ran, as long as each round makes
/// progress. A `pg_dump` file's data (`COPY ... FROM stdin` blocks) and psql meta-commands
/// are left out.
async fn apply_desired_file(engine: &mut dyn Engine, file: &Path) -> Result<(), SourceError> {
    let text = std::fs::read_to_string(file).map_err(|e| SourceError::Io {
        path: file.to_path_buf(),
        message: e.to_string(),
    })?;
    let dialect = engine.dialect();
    let text = if dialect == Dialect::Postgres {
        without_dump_data(&text)
    } else {
        text
    };
    if dialect == Dialect::Mysql {
        // A foreign key may then name a table created later in the file.
        engine.execute("SET foreign_key_checks = 0").await?;
    }
    let mut waiting = dbwarden_sql::split(&text, dialect).map_err(|e| SourceError::Apply {
        file: file.to_path_buf(),
        line: 0,
        message: e.to_string(),
    })?;
    if dialect == Dialect::Mysql && is_mariadb(engine).await? {
        refuse_four_byte_ddl(file, &waiting)?;
    }
    loop {
        let mut failed = Vec::new();
        let before = waiting.len();
        for stmt in waiting {
            match engine.execute(&stmt.sql).await {
                Ok(_) => {}
                Err(e) if lacks_an_object(&e) => failed.push((stmt, e)),
                Err(e) => return Err(apply_error(file, &stmt, e)),
            }
        }
        if failed.is_empty() {
            return Ok(());
        }
        if failed.len() == before {
            let (stmt, e) = failed.remove(0);
            return Err(apply_error(file, &stmt, e));
        }
        waiting = failed.into_iter().map(|(stmt, _)| stmt).collect();
    }
}

async fn is_mariadb(engine: &mut dyn Engine) -> Result<bool, SourceError> {
    let info = engine.server_info().await?;
    Ok(info.product.to_ascii_lowercase().contains("mariadb"))
}

/// MariaDB keeps a column's default and a comment in 3-byte utf8 (the server itself, whatever
/// the connection speaks): a 4-byte character there (an emoji) is stored as `?`. Refused
/// rather than read back changed.
fn refuse_four_byte_ddl(
    file: &Path,
    statements: &[dbwarden_sql::Statement],
) -> Result<(), SourceError> {
    for stmt in statements {
        let ddl =
            stmt.sql.trim_start().get(..6).is_some_and(|w| {
                w.eq_ignore_ascii_case("CREATE") || w.eq_ignore_ascii_case("ALTER ")
            });
        if let Some((at, c)) = stmt.sql.char_indices().find(|(_, c)| c.len_utf8() == 4)
            && ddl
        {
            return Err(SourceError::Apply {
                file: file.to_path_buf(),
                line: stmt.line_of_offset(at),
                message: format!(
                    "the 4-byte character {c:?} in a definition would be stored as '?': MariaDB keeps defaults, comments and other definition text in 3-byte utf8. Use a character of the Basic Multilingual Plane, or set the value in the application"
                ),
            });
        }
    }
    Ok(())
}

/// Whether the statement failed because something it names does not exist (yet).
fn lacks_an_object(error: &EngineError) -> bool {
    const POSTGRES: &[&str] = &["42P01", "42704", "42883", "3F000", "42703"];
    const MYSQL: &[&str] = &["1146", "1824"];
    match error.code() {
        Some(code) => POSTGRES.contains(&code) || MYSQL.contains(&code),
        // SQLite gives no codes for these.
        None => error.to_string().contains("no such "),
    }
}

/// `text` without `COPY ... FROM stdin;` data blocks and psql meta-command lines (`\connect`,
/// `\restrict`), each removed line left empty so that line numbers still match.
fn without_dump_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_data = false;
    for line in text.lines() {
        let upper = line.trim_start().to_ascii_uppercase();
        let starts_data = upper.starts_with("COPY ") && upper.trim_end().ends_with("FROM STDIN;");
        let skip = in_data || starts_data || line.starts_with('\\');
        if in_data && line == "\\." {
            in_data = false;
        } else if starts_data {
            in_data = true;
        }
        if !skip {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

fn apply_error(file: &Path, stmt: &dbwarden_sql::Statement, e: EngineError) -> SourceError {
    SourceError::Apply {
        file: file.to_path_buf(),
        line: match &e {
            EngineError::Sql {
                position: Some(p), ..
            } => stmt.line_of_offset(*p),
            _ => stmt.line,
        },
        message: e.to_string(),
    }
}

async fn apply_file(engine: &mut dyn Engine, file: &Path) -> Result<(), SourceError> {
    let text = std::fs::read_to_string(file).map_err(|e| SourceError::Io {
        path: file.to_path_buf(),
        message: e.to_string(),
    })?;
    let statements =
        dbwarden_sql::split(&text, engine.dialect()).map_err(|e| SourceError::Apply {
            file: file.to_path_buf(),
            line: 0,
            message: e.to_string(),
        })?;
    for stmt in statements {
        engine
            .execute(&stmt.sql)
            .await
            .map_err(|e| SourceError::Apply {
                file: file.to_path_buf(),
                line: match &e {
                    EngineError::Sql {
                        position: Some(p), ..
                    } => stmt.line_of_offset(*p),
                    _ => stmt.line,
                },
                message: e.to_string(),
            })?;
    }
    Ok(())
}

/// Creates a scratch database next to `dev`, runs `work` on it, and drops it whatever
/// happened: on success, on error, and on an interrupt ([`crate::interrupt::process_token`]).
pub async fn with_scratch<T, E>(
    dev: &ConnectionUrl,
    work: impl AsyncFnOnce(&mut dyn Engine) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<EngineError> + From<Interrupted>,
{
    let mut admin = connect(dev).await?;
    let name = scratch_name("scratch");
    let mut scratch = admin.create_scratch(&name).await?;
    let interrupt = crate::interrupt::process_token();
    let outcome = tokio::select! {
        result = work(scratch.as_mut()) => result,
        () = interrupt.cancelled() => Err(Interrupted.into()),
    };
    drop(scratch);
    if let Err(e) = admin.drop_scratch(&name).await {
        tracing::warn!("could not drop scratch database {name}: {e}; drop it by hand");
    }
    outcome
}

/// The user pressed Ctrl-C while work ran on a scratch database (which was then dropped).
#[derive(Debug, Clone, Copy)]
pub struct Interrupted;

impl From<Interrupted> for SourceError {
    fn from(_: Interrupted) -> Self {
        SourceError::Interrupted
    }
}
