//! Backups on the real servers: the round trip is exact for every common type (and numbering
//! continues after a restore), damaged files fail `verify` naming the table and are refused by
//! `restore`, and `restore` never overwrites rows without `--force`.

mod harness;

use dbwarden::engine::Value;
use dbwarden_testkit::{Server, test_db};
use harness::{Probe, Project};
use std::path::{Path, PathBuf};

/// Tables with every common type: NULLs, unicode and emoji, empty strings, bytes, JSON, arrays
/// (PostgreSQL), numeric at full precision, timestamps with and without time zone, several MB
/// of text, generated and identity columns. Row 4 is deleted, so numbering stands past the
/// largest id and a restore must carry that over.
fn fixture(server: Server) -> &'static str {
    match server {
        Server::Postgres => {
            r#"
CREATE TYPE mood AS ENUM ('sad', 'happy');
CREATE TABLE kinds (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  label text, empty text, blob bytea, doc json, docb jsonb, tags text[],
  amount numeric(40,20), ts timestamp, tstz timestamptz, big text, m mood, f double precision,
  doubled bigint GENERATED ALWAYS AS (id * 2) STORED
);
CREATE TABLE children (id serial PRIMARY KEY, kind_id bigint REFERENCES kinds (id), note varchar(20) UNIQUE);
INSERT INTO kinds (label, empty, blob, doc, docb, tags, amount, ts, tstz, big, m, f) VALUES
 (NULL, '', '\x00ff10'::bytea, '{"a": [1, 2],  "z": 1}', '{"b": null}', ARRAY['x', 'y z', NULL], 12345678901234567890.12345678901234567890, '2024-01-15 14:30:22.123456', '2024-01-15 14:30:22.123456+05:30', repeat('lørem 🎉 ', 400000), 'happy', 0.1),
 ('héllo 🎉 wörld', 'x', NULL, NULL, NULL, '{}', -0.00000000000000000001, '1999-12-31 23:59:59', '1970-01-01 00:00:00+00', '', NULL, -1.5e300),
 (E'tab\there\nnew line \\ back\\slash "quoted"', NULL, '\x', '[]', '[]', NULL, 0, NULL, NULL, NULL, 'sad', 'NaN'),
 ('to delete', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
DELETE FROM kinds WHERE id = 4;
INSERT INTO children (kind_id, note) VALUES (1, 'a'), (2, NULL), (NULL, 'c');
"#
        }
        Server::Mysql => {
            r#"
CREATE TABLE kinds (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  label VARCHAR(100), empty VARCHAR(10), blob_col BLOB, doc JSON, amount DECIMAL(40,20),
  ts DATETIME(6), tstz TIMESTAMP(6) NULL, big LONGTEXT, flag BIT(3), d DATE, f DOUBLE,
  label_length INT AS (CHAR_LENGTH(label)) STORED
) DEFAULT CHARSET utf8mb4;
CREATE TABLE children (id INT AUTO_INCREMENT PRIMARY KEY, kind_id BIGINT, note VARCHAR(20) UNIQUE,
  FOREIGN KEY (kind_id) REFERENCES kinds (id));
INSERT INTO kinds (label, empty, blob_col, doc, amount, ts, tstz, big, flag, d, f) VALUES
 (NULL, '', X'00FF10', '{"a": [1, 2]}', 12345678901234567890.12345678901234567890, '2024-01-15 14:30:22.123456', '2024-01-15 14:30:22.123456', REPEAT('lørem 🎉 ', 400000), b'101', '2024-02-29', 0.1),
 ('héllo 🎉 wörld', 'x', NULL, NULL, -0.00000000000000000001, '1999-12-31 23:59:59', '1970-01-02 00:00:00', '', b'000', NULL, -1.5e300),
 ('tab\there\nnew line \\ back\\slash "quoted"', NULL, X'', '[]', 0, NULL, NULL, NULL, NULL, '1000-01-01', 1e-300),
 ('to delete', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
DELETE FROM kinds WHERE id = 4;
INSERT INTO children (kind_id, note) VALUES (1, 'a'), (2, NULL), (NULL, 'c');
"#
        }
        Server::Sqlite => {
            r#"
CREATE TABLE kinds (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  label TEXT, empty TEXT, blob BLOB, doc TEXT, amount NUMERIC, ts TEXT, big TEXT, f REAL, anything,
  doubled INTEGER GENERATED ALWAYS AS (id * 2) STORED
);
CREATE TABLE children (id INTEGER PRIMARY KEY AUTOINCREMENT, kind_id INTEGER REFERENCES kinds (id), note TEXT UNIQUE);
INSERT INTO kinds (label, empty, blob, doc, amount, ts, big, f, anything) VALUES
 (NULL, '', X'00FF10', '{"a": [1, 2]}', 12345678901234567890.5, '2024-01-15 14:30:22.123456+05:30', replace(hex(zeroblob(400000)), '00', 'lørem 🎉 '), 0.1, 42),
 ('héllo 🎉 wörld', 'x', NULL, NULL, -0.00000000000000000001, '1999-12-31', '', -1.5e300, 'text'),
 ('tab	here
new line \ back\slash "quoted"', NULL, X'', '[]', 0, NULL, NULL, 1e-300, X'DEAD'),
 ('to delete', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
DELETE FROM kinds WHERE id = 4;
INSERT INTO children (kind_id, note) VALUES (1, 'a'), (2, NULL), (NULL, 'c');
"#
        }
    }
}

async fn load_fixture(probe: &mut Probe) {
    let statements = dbwarden::sql::split(fixture(probe.server), probe.engine.dialect())
        .unwrap_or_else(|e| panic!("fixture does not split: {e}"));
    for statement in statements {
        probe.execute(&statement.sql).await;
    }
}

/// Every row of `table` as the database prints it, for comparing two databases independently
/// of dbwarden's own fingerprints.
async fn rows(probe: &mut Probe, table: &str) -> Vec<Vec<Value>> {
    let columns = match (probe.server, table) {
        (_, "children") => "id, kind_id, note",
        (Server::Postgres, _) => {
            "id, label, empty, blob, doc::text, docb::text, tags::text, amount::text, ts::text, \
             tstz::text, big, m::text, f, doubled"
        }
        (Server::Mysql, _) => {
            "id, label, empty, blob_col, doc, amount, ts, tstz, big, HEX(flag), d, f, label_length"
        }
        (Server::Sqlite, _) => {
            "id, label, empty, blob, doc, amount, typeof(amount), ts, big, f, anything, \
             typeof(anything), doubled"
        }
    };
    if probe.server == Server::Postgres {
        probe.execute("SET timezone = 'UTC'").await;
    }
    probe
        .query(&format!("SELECT {columns} FROM {table} ORDER BY id"))
        .await
}

/// Compares row sets without printing them (a row holds megabytes of text).
fn assert_same_rows(table: &str, before: &[Vec<Value>], after: &[Vec<Value>]) {
    assert_eq!(before.len(), after.len(), "{table}: row counts differ");
    for (i, (b, a)) in before.iter().zip(after).enumerate() {
        for (column, (x, y)) in b.iter().zip(a).enumerate() {
            let same = match (x, y) {
                (Value::Float(p), Value::Float(q)) => p.to_bits() == q.to_bits(),
                _ => x == y,
            };
            let show = |v: &Value| {
                let text = format!("{v:?}");
                text.chars().take(80).collect::<String>()
            };
            assert!(
                same,
                "{table} row {i} column {column}: {} became {}",
                show(x),
                show(y)
            );
        }
        assert_eq!(b.len(), a.len(), "{table} row {i}: column counts differ");
    }
}

fn backup_path(project: &Project) -> PathBuf {
    project.path().join("backups").join("b.dbwb")
}

fn path_arg(path: &Path) -> &str {
    path.to_str()
        .unwrap_or_else(|| panic!("non-UTF-8 temp path"))
}

/// Backup → verify → restore into an empty database gives the same rows, and numbering
/// continues where the source's would have.
async fn round_trip_is_exact(server: Server) {
    let source = test_db!(server);
    let target = test_db!(server);
    let mut probe = Probe::new(&source).await;
    load_fixture(&mut probe).await;
    let project = Project::new(&source);
    let file = backup_path(&project);
    let created = project.run(&[
        "--json",
        "backup",
        "create",
        "--verify",
        "-o",
        path_arg(&file),
    ]);
    created.assert_code(0);
    let report = created.json();
    assert_eq!(report["backup"]["verified"], true, "{created}");
    assert_eq!(report["backup"]["rows"], 6, "{created}");
    assert!(
        std::fs::read(file.with_extension("dbwb.verified")).is_ok(),
        "verify writes its marker"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file)
            .map(|m| m.permissions().mode())
            .unwrap_or(0);
        assert_eq!(mode & 0o077, 0, "backup readable by others: {mode:o}");
    }

    let restore = Project::new(&target);
    restore
        .run(&["backup", "restore", path_arg(&file)])
        .assert_code(0)
        .assert_stdout_mentions(&["restored", "6 rows"]);
    let mut restored = Probe::new(&target).await;
    for table in ["kinds", "children"] {
        let before = rows(&mut probe, table).await;
        let after = rows(&mut restored, table).await;
        assert_eq!(before.len(), 3);
        assert_same_rows(table, &before, &after);
    }
    // Numbering continues past the deleted row 4, as it would have in the source.
    let insert = match server {
        Server::Postgres => "INSERT INTO kinds (label) VALUES ('next')",
        _ => "INSERT INTO kinds (label) VALUES ('next')",
    };
    probe.execute(insert).await;
    restored.execute(insert).await;
    let next = "SELECT max(id) FROM kinds";
    assert_eq!(probe.scalar(next).await, 5);
    assert_eq!(
        restored.scalar(next).await,
        5,
        "identity restarted after restore"
    );
    probe
        .execute("INSERT INTO children (note) VALUES ('d')")
        .await;
    restored
        .execute("INSERT INTO children (note) VALUES ('d')")
        .await;
    let next = "SELECT max(id) FROM children";
    assert_eq!(probe.scalar(next).await, restored.scalar(next).await);
}

/// `restore` refuses to overwrite rows (exit 3, nothing changed); with `--force` the tables get
/// the backup's rows back, even after the source was changed and a column was dropped.
async fn restore_never_overwrites_without_force(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    load_fixture(&mut probe).await;
    let project = Project::new(&db);
    let file = backup_path(&project);
    project
        .run(&["backup", "create", "-o", path_arg(&file)])
        .assert_code(0);
    let original = rows(&mut probe, "kinds").await;
    probe.execute("DELETE FROM children WHERE note = 'c'").await;
    probe
        .execute("UPDATE children SET note = 'changed' WHERE note = 'a'")
        .await;
    let changed = rows(&mut probe, "children").await;
    project
        .run(&["backup", "restore", path_arg(&file)])
        .assert_code(3)
        .assert_stderr_mentions(&["refusing to overwrite", "kinds", "--force"]);
    assert_same_rows("children", &changed, &rows(&mut probe, "children").await);

    // A destructive change: the column and its data are gone; the backup brings both back.
    probe.execute("ALTER TABLE kinds DROP COLUMN empty").await;
    project
        .run(&["backup", "restore", "--force", path_arg(&file)])
        .assert_code(0);
    assert_same_rows("kinds", &original, &rows(&mut probe, "kinds").await);
    assert_eq!(probe.count("children").await, 3);
}

/// Damaged files: cut short, one bit flipped in a table's data, a manifest that disagrees with
/// the data. Each fails `verify` naming the problem (and the table where there is one), and
/// `restore` refuses it with the target left as it was.
async fn damaged_backups_are_refused(server: Server) {
    let db = test_db!(server);
    let mut probe = Probe::new(&db).await;
    load_fixture(&mut probe).await;
    let project = Project::new(&db);
    let file = backup_path(&project);
    project
        .run(&["backup", "create", "-o", path_arg(&file)])
        .assert_code(0);
    let bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("cannot read backup: {e}"));

    let empty = test_db!(server);
    let target = Project::new(&empty);
    let mut target_probe = Probe::new(&empty).await;
    let check = |name: &str, damaged: Vec<u8>, needles: &'static [&'static str]| {
        let path = project.path().join(format!("{name}.dbwb"));
        std::fs::write(&path, damaged).unwrap_or_else(|e| panic!("cannot write: {e}"));
        let verify = project.run(&["backup", "verify", path_arg(&path)]);
        assert_ne!(verify.code, 0, "{name}: verify passed:\n{verify}");
        verify.assert_stderr_mentions(needles);
        assert!(
            !path.with_extension("dbwb.verified").exists(),
            "{name}: marked verified"
        );
        let restore = target.run(&["backup", "restore", path_arg(&path)]);
        assert_ne!(restore.code, 0, "{name}: restore accepted it:\n{restore}");
    };

    check(
        "truncated",
        bytes[..bytes.len() - 100].to_vec(),
        &["truncated"],
    );

    // The first table's frame starts right after the 8-byte marker; flip a bit inside it.
    let mut flipped = bytes.clone();
    flipped[40] ^= 0x10;
    check("flipped", flipped, &["table", "kinds"]);

    // A manifest that claims another row count, with a trailer made consistent with it, as a
    // manifest copied from another backup would be.
    let manifest_end = bytes.len() - 56;
    let offset = u64::from_le_bytes(
        bytes[manifest_end..manifest_end + 8]
            .try_into()
            .unwrap_or([0; 8]),
    );
    let offset = usize::try_from(offset).unwrap_or(0);
    let mut manifest: serde_json::Value = serde_json::from_slice(&bytes[offset..manifest_end])
        .unwrap_or_else(|e| panic!("manifest is not JSON: {e}"));
    let tables = manifest["tables"]
        .as_array_mut()
        .unwrap_or_else(|| panic!("no tables"));
    let children = tables
        .iter_mut()
        .find(|t| t["name"]["name"] == "children")
        .unwrap_or_else(|| panic!("no children table"));
    children["rows"] = serde_json::json!(7);
    let json = serde_json::to_vec(&manifest).unwrap_or_default();
    let mut forged = bytes[..offset].to_vec();
    forged.extend_from_slice(&json);
    forged.extend_from_slice(&(offset as u64).to_le_bytes());
    forged.extend_from_slice(&(json.len() as u64).to_le_bytes());
    use sha2::Digest;
    forged.extend_from_slice(&sha2::Sha256::digest(&json));
    forged.extend_from_slice(b"DBWBEND1");
    check("forged", forged, &["children", "3 rows", "7"]);

    assert!(
        target_probe.user_tables().await.is_empty(),
        "a refused restore created tables"
    );
}

on_every_engine!(
    round_trip_is_exact,
    restore_never_overwrites_without_force,
    damaged_backups_are_refused
);

/// When the database refuses the rows (here a column of another type in the target), the
/// restore fails with the database's own message, and nothing is loaded.
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_load_reports_the_database_error() {
    let source = test_db!(Server::Postgres);
    let target = test_db!(Server::Postgres);
    let mut probe = Probe::new(&source).await;
    probe
        .execute("CREATE TABLE t (id int PRIMARY KEY, v text)")
        .await;
    probe
        .execute("INSERT INTO t VALUES (1, 'one'), (2, 'two')")
        .await;
    let project = Project::new(&source);
    let file = backup_path(&project);
    project
        .run(&["backup", "create", "-o", path_arg(&file)])
        .assert_code(0);
    let mut other = Probe::new(&target).await;
    other
        .execute("CREATE TABLE t (id int PRIMARY KEY, v int)")
        .await;
    Project::new(&target)
        .run(&["backup", "restore", path_arg(&file)])
        .assert_code(1)
        .assert_stderr_mentions(&["invalid input syntax for type integer"]);
    assert_eq!(other.count("t").await, 0);
}
