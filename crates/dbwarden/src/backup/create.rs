//! Taking a backup.

use super::file::BackupWriter;
use super::manifest::{FORMAT, Manifest, Scope, TableEntry};
use super::{BackupError, find_table, referenced_first, schema_subset, stored_columns};
use crate::validate::fingerprint_spec;
use dbwarden_engine::data::CHANNEL_CHUNKS;
use dbwarden_engine::{Engine, RowFormat};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// What to back up and where.
#[derive(Debug, Clone)]
pub struct BackupOptions {
    /// The file to write (never overwritten).
    pub file: PathBuf,
    /// Table names (`name` or `schema.name`); `None` for every user table.
    pub tables: Option<Vec<String>>,
    /// Take at most this many rows per table: a sample for a rehearsal, not a backup.
    pub sample_rows: Option<u64>,
}

/// Where a running backup stands.
#[derive(Debug, Clone)]
pub struct BackupProgress {
    /// The table being read.
    pub table: String,
    /// Its position (1-based) and the number of tables.
    pub index: usize,
    /// Tables in the backup.
    pub tables: usize,
    /// Uncompressed bytes of this table read so far.
    pub raw_bytes: u64,
    /// Rows read so far, where the stream format shows them (PostgreSQL).
    pub rows: Option<u64>,
    /// The catalog's row estimate for the table, for an ETA.
    pub estimated_rows: Option<u64>,
}

/// A finished backup.
#[derive(Debug, Clone)]
pub struct BackupSummary {
    /// The file written.
    pub file: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// What it holds.
    pub manifest: Manifest,
}

/// Called from the thread that compresses rows.
pub type ProgressFn = Arc<dyn Fn(&BackupProgress) + Send + Sync>;

/// Backs up the chosen tables of `engine`'s database into one file, from one consistent
/// snapshot. The file appears under its final name only when complete.
pub async fn create(
    engine: &mut dyn Engine,
    options: &BackupOptions,
    progress: Option<ProgressFn>,
) -> Result<BackupSummary, BackupError> {
    let started = Instant::now();
    let info = engine.server_info().await?;
    let schema = engine.introspect().await?;
    let chosen = match &options.tables {
        None => schema.tables.clone(),
        Some(names) => {
            let mut chosen = Vec::new();
            for name in names {
                let table = find_table(&schema, name)?;
                if !chosen
                    .iter()
                    .any(|t: &dbwarden_core::Table| t.name == table.name)
                {
                    chosen.push(table.clone());
                }
            }
            chosen
        }
    };
    let tables = referenced_first(chosen);
    let subset = schema_subset(&schema, &tables);
    let row_format = RowFormat::of(engine.dialect());
    let mut writer = Some(BackupWriter::create(&options.file)?);
    // An interrupt cancels the table being read on the server; the stream then fails and the
    // partial file is removed below.
    let interrupt = crate::interrupt::process_token();
    let watcher = engine.canceller().map(|canceller| {
        let interrupt = interrupt.clone();
        tokio::spawn(async move {
            interrupt.cancelled().await;
            if let Err(e) = canceller.cancel().await {
                tracing::warn!("could not cancel the backup's read: {e}");
            }
        })
    });
    engine.begin_snapshot().await?;
    let mut entries = Vec::with_capacity(tables.len());
    let mut outcome = Ok(());
    for (i, table) in tables.iter().enumerate() {
        if interrupt.is_cancelled() {
            outcome = Err(BackupError::Interrupted);
            break;
        }
        let Some(w) = writer.take() else { break };
        match back_up_table(
            engine,
            w,
            table,
            (i + 1, tables.len()),
            options.sample_rows,
            &progress,
        )
        .await
        {
            Ok((w, entry)) => {
                writer = Some(w);
                entries.push(entry);
            }
            Err((w, e)) => {
                writer = w;
                outcome = Err(e);
                break;
            }
        }
    }
    if let Some(watcher) = watcher {
        watcher.abort();
    }
    if interrupt.is_cancelled() && outcome.is_err() {
        outcome = Err(BackupError::Interrupted);
    }
    // Read-only: ending the snapshot changes nothing.
    let ended = engine.rollback().await;
    let Some(writer) = writer else {
        return Err(outcome.err().unwrap_or(BackupError::Corrupt {
            what: "the backup writer was lost".into(),
        }));
    };
    if let Err(e) = outcome.and(ended.map_err(BackupError::from)) {
        writer.abandon();
        return Err(e);
    }
    let manifest = Manifest {
        format: FORMAT,
        dbwarden_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        source: info.into(),
        scope: if options.tables.is_some() {
            Scope::Tables
        } else {
            Scope::Database
        },
        row_format,
        schema_ddl: dbwarden_core::render::schema_ddl(&subset),
        schema: subset,
        tables: entries,
        duration_seconds: started.elapsed().as_secs_f64(),
        sample_rows: options.sample_rows,
    };
    let size = writer.finish(&manifest)?;
    Ok(BackupSummary {
        file: options.file.clone(),
        size,
        manifest,
    })
}

type TableOutcome = Result<(BackupWriter, TableEntry), (Option<BackupWriter>, BackupError)>;

/// Streams one table: the engine reads rows on this task while a blocking thread compresses
/// and writes them, so the two overlap.
async fn back_up_table(
    engine: &mut dyn Engine,
    mut writer: BackupWriter,
    table: &dbwarden_core::Table,
    (index, count): (usize, usize),
    sample_rows: Option<u64>,
    progress: &Option<ProgressFn>,
) -> TableOutcome {
    let columns = stored_columns(table);
    let estimated_rows = engine.estimated_rows(&table.name).await.ok().flatten();
    let (tx, mut rx) = tokio::sync::mpsc::channel(CHANNEL_CHUNKS);
    let progress = progress.clone();
    let label = table.name.to_string();
    let rows_visible = engine.dialect() == dbwarden_core::Dialect::Postgres;
    let compressing = tokio::task::spawn_blocking(move || {
        let mut report = |raw_bytes: u64, lines: u64| {
            if let Some(p) = &progress {
                p(&BackupProgress {
                    table: label.clone(),
                    index,
                    tables: count,
                    raw_bytes,
                    rows: rows_visible.then_some(lines),
                    estimated_rows,
                });
            }
        };
        let written = writer.write_table(&mut rx, &mut report);
        (writer, written)
    });
    let dumped = engine
        .dump_rows(&table.name, &columns, sample_rows, tx)
        .await;
    let (writer, written) = match compressing.await {
        Ok(pair) => pair,
        Err(e) => {
            return Err((
                None,
                BackupError::Corrupt {
                    what: format!("the compression thread failed: {e}"),
                },
            ));
        }
    };
    let (dumped, written) = match (dumped, written) {
        (Ok(n), Ok(w)) => (n, w),
        (Err(e), _) => return Err((Some(writer), e.into())),
        (_, Err(e)) => return Err((Some(writer), e)),
    };
    let rows = match engine
        .fingerprint(&table.name, &fingerprint_spec(table, false))
        .await
    {
        Ok(f) => f,
        Err(e) => return Err((Some(writer), e.into())),
    };
    if rows.rows != dumped && sample_rows.is_none() {
        return Err((
            Some(writer),
            BackupError::Corrupt {
                what: format!(
                    "table {}: {dumped} rows were read but the snapshot counts {}",
                    table.name, rows.rows
                ),
            },
        ));
    }
    let broken_foreign_keys = if engine.dialect() == dbwarden_core::Dialect::Sqlite {
        let check = format!(
            "PRAGMA foreign_key_check({})",
            table.name.quoted(dbwarden_core::Dialect::Sqlite)
        );
        match engine.query(&check, &[]).await {
            Ok(rows) => rows.len() as u64,
            Err(e) => return Err((Some(writer), e.into())),
        }
    } else {
        0
    };
    let sequences = match engine.sequence_positions(table).await {
        Ok(s) => s,
        Err(e) => return Err((Some(writer), e.into())),
    };
    let entry = TableEntry {
        name: table.name.clone(),
        columns,
        rows: dumped,
        offset: written.offset,
        compressed_bytes: written.compressed_bytes,
        sha256_compressed: written.sha256_compressed,
        raw_bytes: written.raw_bytes,
        sha256_raw: written.sha256_raw,
        fingerprint: rows,
        broken_foreign_keys,
        sequences,
    };
    Ok((writer, entry))
}
