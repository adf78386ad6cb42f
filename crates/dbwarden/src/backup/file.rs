//! The backup file: one file, written once, readable as a stream.
//!
//! ```text
//! "DBWBAK01"                      8 bytes, the format marker
//! table 1 rows                    one zstd frame of the table's row stream
//! table 2 rows ...
//! manifest                        JSON (see `Manifest`): tables, offsets, checksums, schema
//! trailer                         manifest offset (u64 LE), manifest length (u64 LE),
//!                                 SHA-256 of the manifest (32 bytes), "DBWBEND1"
//! ```
//!
//! The trailer is written last and the file only gets its final name after an fsync, so a
//! crash or a full disk leaves a `*.partial` file, never one that looks complete; a truncated
//! copy has no trailer and is refused.

use super::BackupError;
use super::manifest::{Manifest, TableEntry};
use dbwarden_engine::rowcodec::RowDecoder;
use dbwarden_engine::{ChunkSender, RowFormat};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"DBWBAK01";
const END: &[u8; 8] = b"DBWBEND1";
const TRAILER_LEN: u64 = 8 + 8 + 32 + 8;
/// zstd level: fast enough to keep up with a database streaming rows on one core.
const ZSTD_LEVEL: i32 = 1;
const READ_CHUNK: usize = 256 * 1024;

/// Counts and hashes the bytes written through it.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// What was written for one table.
#[derive(Debug, Clone)]
pub struct WrittenTable {
    /// Where its frame starts.
    pub offset: u64,
    /// Compressed bytes and their SHA-256.
    pub compressed_bytes: u64,
    /// SHA-256 of the compressed bytes.
    pub sha256_compressed: String,
    /// Uncompressed bytes.
    pub raw_bytes: u64,
    /// SHA-256 of the uncompressed row stream.
    pub sha256_raw: String,
}

/// Writes a backup file under a temporary name and renames it when complete.
pub struct BackupWriter {
    out: BufWriter<File>,
    position: u64,
    partial: PathBuf,
    target: PathBuf,
}

fn io_error(path: &Path, e: std::io::Error) -> BackupError {
    BackupError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

impl BackupWriter {
    /// Starts `target` (as `target.partial`, readable by the owner only). Refuses to replace
    /// an existing backup.
    pub fn create(target: &Path) -> Result<BackupWriter, BackupError> {
        if target.exists() {
            return Err(BackupError::Exists(target.to_path_buf()));
        }
        if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, e))?;
        }
        let mut name = target.as_os_str().to_owned();
        name.push(".partial");
        let partial = PathBuf::from(name);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(&partial).map_err(|e| io_error(&partial, e))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        out.write_all(MAGIC).map_err(|e| io_error(&partial, e))?;
        Ok(BackupWriter {
            out,
            position: MAGIC.len() as u64,
            partial,
            target: target.to_path_buf(),
        })
    }

    /// Compresses a table's row stream as it arrives on `chunks` (run on a blocking thread,
    /// so compression overlaps the database reading rows). `progress` gets the raw bytes so far.
    pub fn write_table(
        &mut self,
        chunks: &mut tokio::sync::mpsc::Receiver<Vec<u8>>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<WrittenTable, BackupError> {
        let offset = self.position;
        let sink = Hashing {
            inner: &mut self.out,
            hasher: Sha256::new(),
            bytes: 0,
        };
        let mut encoder =
            zstd::stream::Encoder::new(sink, ZSTD_LEVEL).map_err(|e| io_error(&self.partial, e))?;
        let mut raw = Sha256::new();
        let mut raw_bytes = 0u64;
        // Newlines are rows in PostgreSQL's text format; the typed format shows no rows
        // without decoding, so there progress counts bytes only.
        let mut lines = 0u64;
        while let Some(chunk) = chunks.blocking_recv() {
            raw.update(&chunk);
            raw_bytes += chunk.len() as u64;
            lines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
            encoder
                .write_all(&chunk)
                .map_err(|e| io_error(&self.partial, e))?;
            progress(raw_bytes, lines);
        }
        let sink = encoder.finish().map_err(|e| io_error(&self.partial, e))?;
        let written = WrittenTable {
            offset,
            compressed_bytes: sink.bytes,
            sha256_compressed: hex::encode(sink.hasher.finalize()),
            raw_bytes,
            sha256_raw: hex::encode(raw.finalize()),
        };
        self.position += written.compressed_bytes;
        Ok(written)
    }

    /// Writes the manifest and trailer, syncs, and gives the file its final name. Returns the
    /// file's size.
    pub fn finish(mut self, manifest: &Manifest) -> Result<u64, BackupError> {
        let json = serde_json::to_vec(manifest).map_err(|e| BackupError::Corrupt {
            what: format!("manifest could not be written: {e}"),
        })?;
        let digest = Sha256::digest(&json);
        let offset = self.position;
        let partial = self.partial.clone();
        let err = |e| io_error(&partial, e);
        self.out.write_all(&json).map_err(err)?;
        self.out.write_all(&offset.to_le_bytes()).map_err(err)?;
        self.out
            .write_all(&(json.len() as u64).to_le_bytes())
            .map_err(err)?;
        self.out.write_all(&digest).map_err(err)?;
        self.out.write_all(END).map_err(err)?;
        let file = self
            .out
            .into_inner()
            .map_err(|e| io_error(&partial, e.into_error()))?;
        file.sync_all().map_err(err)?;
        let size = offset + json.len() as u64 + TRAILER_LEN;
        drop(file);
        if self.target.exists() {
            return Err(BackupError::Exists(self.target.clone()));
        }
        std::fs::rename(&partial, &self.target).map_err(err)?;
        // The rename itself is durable only once the folder is synced.
        if let Some(parent) = self.target.parent().filter(|p| !p.as_os_str().is_empty())
            && let Ok(dir) = File::open(parent)
        {
            let _ = dir.sync_all();
        }
        Ok(size)
    }

    /// Removes the unfinished file (after a failure).
    pub fn abandon(self) {
        let partial = self.partial.clone();
        drop(self.out);
        let _ = std::fs::remove_file(partial);
    }
}

/// An open backup file whose trailer and manifest checked out.
#[derive(Debug)]
pub struct BackupReader {
    path: PathBuf,
    /// What the file says it holds.
    pub manifest: Manifest,
    /// The file's size in bytes.
    pub size: u64,
}

impl BackupReader {
    /// Opens a backup and checks its trailer and manifest (not yet the table data).
    pub fn open(path: &Path) -> Result<BackupReader, BackupError> {
        let mut file = File::open(path).map_err(|e| io_error(path, e))?;
        let size = file.metadata().map_err(|e| io_error(path, e))?.len();
        let mut magic = [0u8; 8];
        if size < MAGIC.len() as u64 + TRAILER_LEN
            || file.read_exact(&mut magic).is_err()
            || &magic != MAGIC
        {
            return Err(BackupError::Corrupt {
                what: format!(
                    "{} is not a dbwarden backup, or is cut short before its end marker",
                    path.display()
                ),
            });
        }
        let mut trailer = [0u8; TRAILER_LEN as usize];
        file.seek(SeekFrom::Start(size - TRAILER_LEN))
            .and_then(|_| file.read_exact(&mut trailer))
            .map_err(|e| io_error(path, e))?;
        let field = |at: usize| -> u64 {
            let mut b = [0u8; 8];
            b.copy_from_slice(&trailer[at..at + 8]);
            u64::from_le_bytes(b)
        };
        if &trailer[48..56] != END {
            return Err(BackupError::Corrupt {
                what: format!(
                    "{} has no end marker: the file is truncated or was never finished",
                    path.display()
                ),
            });
        }
        let (offset, length) = (field(0), field(8));
        if offset
            .checked_add(length)
            .is_none_or(|end| end != size - TRAILER_LEN)
        {
            return Err(BackupError::Corrupt {
                what: format!(
                    "{}: the trailer points outside the file (truncated or damaged)",
                    path.display()
                ),
            });
        }
        let mut json = vec![0u8; usize::try_from(length).unwrap_or(0)];
        file.seek(SeekFrom::Start(offset))
            .and_then(|_| file.read_exact(&mut json))
            .map_err(|e| io_error(path, e))?;
        if Sha256::digest(&json).as_slice() != &trailer[16..48] {
            return Err(BackupError::Corrupt {
                what: format!(
                    "{}: the manifest does not match its checksum (the file was altered)",
                    path.display()
                ),
            });
        }
        let manifest: Manifest =
            serde_json::from_slice(&json).map_err(|e| BackupError::Corrupt {
                what: format!("{}: the manifest cannot be read: {e}", path.display()),
            })?;
        if manifest.format != super::manifest::FORMAT {
            return Err(BackupError::Corrupt {
                what: format!(
                    "{} has backup format {}; this dbwarden reads format {}",
                    path.display(),
                    manifest.format,
                    super::manifest::FORMAT
                ),
            });
        }
        for table in &manifest.tables {
            if table
                .offset
                .checked_add(table.compressed_bytes)
                .is_none_or(|end| end > offset)
            {
                return Err(BackupError::table(
                    table,
                    "its data lies outside the file (truncated or damaged)".into(),
                ));
            }
        }
        Ok(BackupReader {
            path: path.to_path_buf(),
            manifest,
            size,
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads one table's rows, checking both checksums and the row count on the way, and
    /// sends the uncompressed stream to `out` when given. Blocking: run it on a blocking
    /// thread. Every byte is read before the verdict, so a failure names what differs.
    pub fn read_table(
        &self,
        table: &TableEntry,
        row_format: RowFormat,
        out: Option<&ChunkSender>,
    ) -> Result<(), BackupError> {
        let mut file = File::open(&self.path).map_err(|e| io_error(&self.path, e))?;
        file.seek(SeekFrom::Start(table.offset))
            .map_err(|e| io_error(&self.path, e))?;
        let mut compressed = Sha256::new();
        let limited = HashingReader {
            inner: file.take(table.compressed_bytes),
            hasher: &mut compressed,
        };
        let mut decoder = zstd::stream::Decoder::new(limited)
            .map_err(|e| BackupError::table(table, format!("cannot start decompressing: {e}")))?
            .single_frame();
        let mut raw = Sha256::new();
        let mut raw_bytes = 0u64;
        let mut rows = RowCounter::new(row_format, table.columns.len());
        let mut buffer = vec![0u8; READ_CHUNK];
        loop {
            let n = match decoder.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    return Err(BackupError::table(
                        table,
                        format!("its compressed data is damaged ({e})"),
                    ));
                }
            };
            let chunk = &buffer[..n];
            raw.update(chunk);
            raw_bytes += n as u64;
            rows.add(chunk)
                .map_err(|e| BackupError::table(table, e.to_string()))?;
            if let Some(out) = out
                && out.blocking_send(chunk.to_vec()).is_err()
            {
                return Err(BackupError::LoadStopped);
            }
        }
        // Read what the decoder left (a damaged frame can end early) so the hash covers it.
        let mut rest = decoder.finish();
        std::io::copy(&mut rest, &mut std::io::sink()).map_err(|e| io_error(&self.path, e))?;
        drop(rest);
        let found = hex::encode(compressed.finalize());
        if found != table.sha256_compressed {
            return Err(BackupError::table(
                table,
                format!(
                    "its data checksum differs: expected {}, found {found} (the file is damaged)",
                    table.sha256_compressed
                ),
            ));
        }
        let found = hex::encode(raw.finalize());
        if raw_bytes != table.raw_bytes || found != table.sha256_raw {
            return Err(BackupError::table(
                table,
                format!(
                    "its rows do not match the manifest: expected {} bytes with checksum {}, found {raw_bytes} bytes with {found}",
                    table.raw_bytes, table.sha256_raw
                ),
            ));
        }
        let counted = rows
            .finish()
            .map_err(|e| BackupError::table(table, e.to_string()))?;
        if counted != table.rows {
            return Err(BackupError::table(
                table,
                format!(
                    "it holds {counted} rows but the manifest says {}",
                    table.rows
                ),
            ));
        }
        Ok(())
    }
}

struct HashingReader<'a, R> {
    inner: R,
    hasher: &'a mut Sha256,
}

impl<R: Read> Read for HashingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Counts rows in a stream: newlines in PostgreSQL's text format (newlines inside values are
/// escaped), decoded rows in the typed format.
enum RowCounter {
    Lines(u64),
    Typed(RowDecoder, u64),
}

impl RowCounter {
    fn new(format: RowFormat, columns: usize) -> Self {
        match format {
            RowFormat::PostgresCopyText => RowCounter::Lines(0),
            RowFormat::TypedRows => RowCounter::Typed(RowDecoder::new(columns), 0),
        }
    }

    fn add(&mut self, chunk: &[u8]) -> Result<(), dbwarden_engine::EngineError> {
        match self {
            RowCounter::Lines(n) => *n += chunk.iter().filter(|&&b| b == b'\n').count() as u64,
            RowCounter::Typed(decoder, n) => {
                decoder.push(chunk);
                while decoder.next_row()?.is_some() {
                    *n += 1;
                }
            }
        }
        Ok(())
    }

    fn finish(self) -> Result<u64, dbwarden_engine::EngineError> {
        match self {
            RowCounter::Lines(n) => Ok(n),
            RowCounter::Typed(decoder, n) => {
                decoder.finish()?;
                Ok(n)
            }
        }
    }
}
