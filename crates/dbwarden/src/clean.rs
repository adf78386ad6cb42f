//! Leftovers of runs that were killed before their cleanup: scratch databases (which hold
//! copies of production rows), `.partial` backup files, and change-capture triggers. `dbwarden
//! clean` lists and removes them; `apply` sweeps the scratch databases of dead owners on this
//! host when it starts.

use dbwarden_engine::scratch::{OwnerState, is_scratch, owner_state};
use dbwarden_engine::{Engine, EngineError, Value, capture};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// A partial file younger than this may still be written by a running backup.
const PARTIAL_QUIET: Duration = Duration::from_secs(60);

/// One thing a killed run left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Leftover {
    /// A scratch database.
    ScratchDatabase {
        /// Its name.
        name: String,
        /// Whether its maker still runs.
        owner: OwnerState,
    },
    /// A backup file that was never finished.
    PartialFile {
        /// The file.
        path: PathBuf,
        /// Bytes.
        bytes: u64,
    },
    /// A change-capture trigger left on a table.
    CaptureTrigger {
        /// The table (schema-qualified where the engine has schemas).
        table: String,
        /// The trigger.
        trigger: String,
    },
}

impl Leftover {
    /// Whether removing it cannot hurt a run in progress (unless `all`, which also takes
    /// scratch databases whose owner this host cannot check).
    pub fn removable(&self, all: bool) -> bool {
        match self {
            Leftover::ScratchDatabase { owner, .. } => match owner {
                OwnerState::Gone => true,
                OwnerState::OtherHost | OwnerState::Unknown => all,
                OwnerState::Running => false,
            },
            Leftover::PartialFile { .. } | Leftover::CaptureTrigger { .. } => true,
        }
    }
}

impl std::fmt::Display for Leftover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Leftover::ScratchDatabase { name, owner } => {
                let why = match owner {
                    OwnerState::Running => "its run is still going",
                    OwnerState::Gone => "its run is gone",
                    OwnerState::OtherHost => "made on another host (--all removes it)",
                    OwnerState::Unknown => "older name format, owner unknown (--all removes it)",
                };
                write!(f, "scratch database {name} ({why})")
            }
            Leftover::PartialFile { path, bytes } => {
                write!(f, "unfinished backup {} ({bytes} bytes)", path.display())
            }
            Leftover::CaptureTrigger { table, trigger } => {
                write!(f, "change-capture trigger {trigger} on {table}")
            }
        }
    }
}

/// Finds what killed runs left: scratch databases on the server, partial files in `dirs`
/// untouched for a minute, and capture triggers (only when no runner holds the migration lock,
/// since a running `apply` owns its triggers).
pub async fn find(engine: &mut dyn Engine, dirs: &[PathBuf]) -> Result<Vec<Leftover>, EngineError> {
    let mut out: Vec<Leftover> = engine
        .scratch_databases()
        .await?
        .into_iter()
        .filter(|name| is_scratch(name))
        .map(|name| Leftover::ScratchDatabase {
            owner: owner_state(&name),
            name,
        })
        .collect();
    for dir in dirs {
        out.extend(partial_files(dir));
    }
    if engine.try_lock(crate::migrate::LOCK_NAME).await? {
        let triggers = engine
            .query(&capture::leftover_triggers(engine.dialect()), &[])
            .await;
        engine.unlock(crate::migrate::LOCK_NAME).await?;
        for row in triggers? {
            let text = |i: usize| row.get(i).and_then(Value::as_string).unwrap_or_default();
            let table = match text(0) {
                schema if schema.is_empty() => text(1),
                schema => format!("{schema}.{}", text(1)),
            };
            out.push(Leftover::CaptureTrigger {
                table,
                trigger: text(2),
            });
        }
    }
    Ok(out)
}

fn partial_files(dir: &Path) -> Vec<Leftover> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<Leftover> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".partial"))
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            let age = SystemTime::now()
                .duration_since(meta.modified().ok()?)
                .unwrap_or_default();
            (age >= PARTIAL_QUIET).then(|| Leftover::PartialFile {
                path: e.path(),
                bytes: meta.len(),
            })
        })
        .collect();
    out.sort_by_key(Leftover::to_string);
    out
}

/// Removes the removable ones (see [`Leftover::removable`]); returns what was removed and what
/// could not be, with why.
pub async fn remove(
    engine: &mut dyn Engine,
    leftovers: &[Leftover],
    all: bool,
) -> (Vec<Leftover>, Vec<(Leftover, String)>) {
    let mut removed = Vec::new();
    let mut failed = Vec::new();
    for leftover in leftovers.iter().filter(|l| l.removable(all)) {
        let outcome = match leftover {
            Leftover::ScratchDatabase { name, .. } => engine.drop_scratch(name).await,
            Leftover::PartialFile { path, .. } => std::fs::remove_file(path)
                .map_err(|e| EngineError::Driver(format!("{}: {e}", path.display()))),
            Leftover::CaptureTrigger { table, .. } => remove_capture(engine, table).await,
        };
        match outcome {
            Ok(()) => removed.push(leftover.clone()),
            Err(e) => failed.push((leftover.clone(), e.to_string())),
        }
    }
    (removed, failed)
}

async fn remove_capture(engine: &mut dyn Engine, table: &str) -> Result<(), EngineError> {
    let name = match table.split_once('.') {
        Some((schema, name)) => dbwarden_core::QualifiedName {
            schema: Some(schema.to_owned()),
            name: name.to_owned(),
        },
        None => dbwarden_core::QualifiedName::bare(table),
    };
    let policy = crate::locks::LockPolicy::default();
    for sql in capture::remove(engine.dialect(), &name, true) {
        policy.execute(engine, &sql, &|_| {}).await?;
    }
    Ok(())
}

/// Drops the scratch databases whose owner is gone from this host: what `apply` does first.
/// Returns their names.
pub async fn sweep_dead_scratch(engine: &mut dyn Engine) -> Vec<String> {
    let Ok(names) = engine.scratch_databases().await else {
        return Vec::new();
    };
    let mut dropped = Vec::new();
    for name in names.into_iter().filter(|n| is_scratch(n)) {
        if owner_state(&name) == OwnerState::Gone {
            match engine.drop_scratch(&name).await {
                Ok(()) => dropped.push(name),
                Err(e) => tracing::warn!("could not drop scratch database {name}: {e}"),
            }
        }
    }
    dropped
}

/// A backup file `prune` looked at.
#[derive(Debug, Clone, Serialize)]
pub struct PrunedBackup {
    /// The file.
    pub path: PathBuf,
    /// Its age.
    pub age_seconds: u64,
    /// Whether it goes (or, in a dry run, would go).
    pub removed: bool,
}

/// Keeps the `keep` newest backups in `dir` and, of the others, removes those older than
/// `older_than` (all of them when `None`), with their `.verified` markers. With `dry_run`,
/// only says what it would remove.
pub fn prune_backups(
    dir: &Path,
    keep: usize,
    older_than: Option<Duration>,
    dry_run: bool,
) -> std::io::Result<Vec<PrunedBackup>> {
    let mut files: Vec<(PathBuf, Duration)> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".dbwb"))
        .filter_map(|e| {
            let modified = e.metadata().ok()?.modified().ok()?;
            let age = SystemTime::now()
                .duration_since(modified)
                .unwrap_or_default();
            Some((e.path(), age))
        })
        .collect();
    files.sort_by_key(|(_, age)| *age);
    let mut out = Vec::new();
    for (i, (path, age)) in files.into_iter().enumerate() {
        let removed = i >= keep && older_than.is_none_or(|limit| age >= limit);
        if removed && !dry_run {
            std::fs::remove_file(&path)?;
            let mut marker = path.clone().into_os_string();
            marker.push(".verified");
            let _ = std::fs::remove_file(PathBuf::from(marker));
        }
        out.push(PrunedBackup {
            path,
            age_seconds: age.as_secs(),
            removed,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prune_keeps_the_newest_and_spares_young_files() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for name in ["a.dbwb", "b.dbwb", "c.dbwb"] {
            std::fs::write(dir.path().join(name), b"x").unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(dir.path().join(format!("{name}.verified")), b"x")
                .unwrap_or_else(|e| panic!("{e}"));
            std::thread::sleep(Duration::from_millis(20));
        }
        // Young files survive an age limit.
        let seen = prune_backups(dir.path(), 1, Some(Duration::from_secs(3600)), false)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(seen.iter().all(|b| !b.removed));
        let dry = prune_backups(dir.path(), 1, None, true).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dry.iter().filter(|b| b.removed).count(), 2);
        assert!(
            dir.path().join("a.dbwb").exists(),
            "a dry run removed a file"
        );
        prune_backups(dir.path(), 1, None, false).unwrap_or_else(|e| panic!("{e}"));
        assert!(dir.path().join("c.dbwb").exists(), "the newest went");
        assert!(!dir.path().join("a.dbwb").exists());
        assert!(!dir.path().join("a.dbwb.verified").exists());
    }
}
