//! The diff corpus: (from, to) schema pairs per engine (`tests/diff_corpus/<engine>/*.sql`,
//! format in `tests/diff_corpus/README.md`). For every pair, on a real server:
//!
//! 1. `from` (and its rows) is applied to an empty database and `to` to another, and both are
//!    introspected;
//! 2. the diff from one to the other is rendered as the up plan and run on the first
//!    database, which must then introspect exactly as `to`;
//! 3. the diff back (rename hints reversed) is rendered as the down plan and run, after which
//!    the database must introspect exactly as `from` again;
//! 4. the rows inserted before the up plan are all still there, with equal values, after up
//!    and after down: in every table both schemas have, over the columns both have (followed
//!    through renames) whose values read the same in both types;
//! 5. where `plan` would split the change into expand and contract migrations (drops,
//!    renames), the split runs too: expand and its down give `from` back; expand then contract
//!    give `to` with the rows; where the contract step keeps the data (renames), its down and
//!    the expand's down give `from` back with the rows.
//!
//! Pairs run a few at a time; every failing pair is reported in one assertion message.

use dbwarden::core::diff::{Change, Diff, RenameHints, diff};
use dbwarden::core::plan::{Plan, expand_contract, render_diff};
use dbwarden::core::{Dialect, QualifiedName, Schema};
use dbwarden::engine::{Engine, Value};
use dbwarden_testkit::{Server, TestDb};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Pairs that fail because of a PostgreSQL introspection problem (`crates/engine/src/postgres/`),
/// with the problem. They still run and must still fail: once introspection is fixed the test
/// says so, and the entry goes.
const KNOWN_POSTGRES_INTROSPECTION_FAILURES: &[(&str, &str)] = &[];

/// How many pairs run at the same time.
const CONCURRENT_PAIRS: usize = 4;

/// One fixture file.
#[derive(Debug, Clone)]
struct Pair {
    /// The file name without `.sql`.
    name: String,
    from: String,
    to: String,
    /// INSERTs run after `from`.
    data: String,
    /// `--rename` hints, as written.
    renames: Vec<String>,
    /// `table.column` values a type change cannot bring back (checked after neither script).
    lossy: Vec<String>,
}

/// Reads a fixture: `-- from`, `-- to` and `-- data` lines start sections; `-- rename: X` and
/// `-- lossy: table.column` lines anywhere are directives; other lines before the first
/// section describe the pair.
fn parse_pair(path: &Path) -> Result<Pair, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read: {e}"))?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut pair = Pair {
        name,
        from: String::new(),
        to: String::new(),
        data: String::new(),
        renames: Vec::new(),
        lossy: Vec::new(),
    };
    #[derive(PartialEq)]
    enum Section {
        Description,
        From,
        To,
        Data,
    }
    let mut section = Section::Description;
    let mut seen = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        let next = match trimmed {
            "-- from" => Some(Section::From),
            "-- to" => Some(Section::To),
            "-- data" => Some(Section::Data),
            _ => None,
        };
        if let Some(next) = next {
            if seen.contains(&trimmed) {
                return Err(format!("section `{trimmed}` appears twice"));
            }
            seen.push(trimmed);
            section = next;
            continue;
        }
        if let Some(hint) = trimmed.strip_prefix("-- rename:") {
            pair.renames.push(hint.trim().to_owned());
            continue;
        }
        if let Some(column) = trimmed.strip_prefix("-- lossy:") {
            pair.lossy.push(column.trim().to_owned());
            continue;
        }
        let target = match section {
            Section::Description => continue,
            Section::From => &mut pair.from,
            Section::To => &mut pair.to,
            Section::Data => &mut pair.data,
        };
        target.push_str(line);
        target.push('\n');
    }
    if !seen.contains(&"-- from") || !seen.contains(&"-- to") {
        return Err("needs a `-- from` and a `-- to` section".into());
    }
    Ok(pair)
}

fn corpus_folder(server: Server) -> PathBuf {
    let engine = match server {
        Server::Postgres => "postgres",
        Server::Mysql => "mysql",
        Server::Sqlite => "sqlite",
    };
    // Another folder (with the same per-engine layout) to try pairs out before adding them.
    let root = std::env::var_os("DBWARDEN_CORPUS_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff_corpus"),
        PathBuf::from,
    );
    root.join(engine)
}

fn load_pairs(server: Server) -> Vec<Pair> {
    let folder = corpus_folder(server);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", folder.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| parse_pair(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect()
}

async fn corpus_round_trips(server: Server) {
    let started = Instant::now();
    let pairs = load_pairs(server);
    // One database first: skips (or fails in CI) when the server is unreachable.
    let Some(first) = TestDb::create(server).await else {
        return;
    };
    let databases = Arc::new(Databases::new(server));
    databases.free.lock().await.push(first);
    let limit = Arc::new(tokio::sync::Semaphore::new(CONCURRENT_PAIRS));
    let mut tasks = tokio::task::JoinSet::new();
    for pair in pairs.iter().cloned() {
        let limit = Arc::clone(&limit);
        let databases = Arc::clone(&databases);
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            let started = Instant::now();
            let outcome = run_pair(&databases, &pair).await;
            if std::env::var_os("DBWARDEN_CORPUS_VERBOSE").is_some() {
                eprintln!("{} {:.2} s", pair.name, started.elapsed().as_secs_f64());
            }
            (pair.name, outcome)
        });
    }
    let mut outcomes = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(outcome) => outcomes.push(outcome),
            Err(e) => outcomes.push(("(task)".into(), Err(format!("panicked: {e}")))),
        }
    }
    databases.close().await;
    outcomes.sort_by(|a, b| a.0.cmp(&b.0));

    let known: &[(&str, &str)] = if server == Server::Postgres {
        KNOWN_POSTGRES_INTROSPECTION_FAILURES
    } else {
        &[]
    };
    let mut failures = Vec::new();
    if pairs.len() < 60 {
        failures.push(format!(
            "the corpus needs at least 60 pairs, has {}",
            pairs.len()
        ));
    }
    for (name, outcome) in &outcomes {
        let is_known = known.iter().any(|(k, _)| k == name);
        match (outcome, is_known) {
            (Ok(()), false) | (Err(_), true) => {}
            (Err(reason), false) => failures.push(format!("{name}: {reason}")),
            (Ok(()), true) => failures.push(format!(
                "{name}: passes now, but is listed in KNOWN_POSTGRES_INTROSPECTION_FAILURES: remove it from the list"
            )),
        }
    }
    for (name, _) in known {
        if !outcomes.iter().any(|(n, _)| n == name) {
            failures.push(format!(
                "{name}: listed as a known failure, but no such pair"
            ));
        }
    }
    eprintln!(
        "diff corpus on {server:?}: {} pairs in {:.1} s",
        outcomes.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failures.is_empty(),
        "{} of {} pairs failed on {server:?}:\n{}",
        failures.len(),
        outcomes.len(),
        failures.join("\n")
    );
}

/// Cuts `text` to about `max` characters, on a character boundary.
fn short(text: &str, max: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(max) {
        Some((at, _)) => format!("{}...", &one_line[..at]),
        None => one_line,
    }
}

async fn apply_sql(engine: &mut dyn Engine, sql: &str, what: &str) -> Result<(), String> {
    let statements = dbwarden::sql::split(sql, engine.dialect())
        .map_err(|e| format!("{what}: cannot split: {e}"))?;
    for statement in statements {
        engine.execute(&statement.sql).await.map_err(|e| {
            format!(
                "{what}: `{}`: {}",
                short(&statement.sql, 120),
                short(&e.to_string(), 300)
            )
        })?;
    }
    Ok(())
}

/// The schema of `db` once `sql` and then `data` are applied to it.
async fn schema_of(db: &TestDb, sql: &str, data: &str) -> Result<Schema, String> {
    let mut engine = db.connect().await;
    apply_sql(engine.as_mut(), sql, "applying").await?;
    apply_sql(engine.as_mut(), data, "inserting rows").await?;
    engine
        .introspect()
        .await
        .map_err(|e| format!("introspecting: {e}"))
}

/// Drops a test database on the blocking pool: `TestDb`'s drop waits for the server, which
/// would stall the other pairs sharing this worker thread.
async fn drop_off_thread(db: TestDb) {
    let _ = tokio::task::spawn_blocking(move || drop(db)).await;
}

/// The test databases of one engine's run. On PostgreSQL, where creating and (above all)
/// dropping a database costs a checkpoint, a database is emptied after a pair and used again
/// by the next one; every database is still this run's own, and dropped at the end. Elsewhere
/// each pair gets fresh databases.
struct Databases {
    server: Server,
    free: tokio::sync::Mutex<Vec<TestDb>>,
}

/// Empties a PostgreSQL database back to what `CREATE DATABASE` gives: every schema dropped
/// with its objects, `public` made again as PostgreSQL 15 makes it.
const EMPTY_POSTGRES: &[&str] = &[
    "DO $$ DECLARE s text; BEGIN \
     FOR s IN SELECT nspname FROM pg_catalog.pg_namespace \
     WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP \
     EXECUTE format('DROP SCHEMA %I CASCADE', s); END LOOP; END $$",
    "CREATE SCHEMA public AUTHORIZATION pg_database_owner",
    "GRANT USAGE ON SCHEMA public TO PUBLIC",
    "COMMENT ON SCHEMA public IS 'standard public schema'",
];

impl Databases {
    fn new(server: Server) -> Databases {
        Databases {
            server,
            free: tokio::sync::Mutex::new(Vec::new()),
        }
    }

    async fn take(&self) -> Result<TestDb, String> {
        if let Some(db) = self.free.lock().await.pop() {
            return Ok(db);
        }
        TestDb::create(self.server)
            .await
            .ok_or_else(|| "the server went away".to_owned())
    }

    async fn give_back(&self, db: TestDb) {
        if self.server == Server::Postgres {
            let mut engine = db.connect().await;
            let mut emptied = true;
            for sql in EMPTY_POSTGRES {
                emptied = emptied && engine.execute(sql).await.is_ok();
            }
            drop(engine);
            if emptied {
                self.free.lock().await.push(db);
                return;
            }
        }
        drop_off_thread(db).await;
    }

    async fn close(&self) {
        let all = std::mem::take(&mut *self.free.lock().await);
        for db in all {
            drop_off_thread(db).await;
        }
    }
}

/// The changes of a diff that should be empty, summarised for a failure message.
fn leftovers(diff: &Diff) -> String {
    let mut listed: Vec<String> = diff
        .changes
        .iter()
        .take(4)
        .map(|c| short(&c.summary(), 200))
        .collect();
    if diff.changes.len() > 4 {
        listed.push(format!("and {} more", diff.changes.len() - 4));
    }
    listed.join("; ")
}

/// Runs one pair on two databases from `databases`, which get them back whatever happened.
async fn run_pair(databases: &Databases, pair: &Pair) -> Result<(), String> {
    let from_db = databases.take().await?;
    let to_db = match databases.take().await {
        Ok(db) => db,
        Err(e) => {
            databases.give_back(from_db).await;
            return Err(e);
        }
    };
    let outcome = round_trip(&from_db, &to_db, pair).await;
    databases.give_back(to_db).await;
    databases.give_back(from_db).await;
    outcome
}

/// `from` into `from_db`, `to` into `to_db`; up and down on `from_db`, checked.
async fn round_trip(from_db: &TestDb, to_db: &TestDb, pair: &Pair) -> Result<(), String> {
    let hints = RenameHints::parse(&pair.renames).map_err(|e| format!("bad rename: {e}"))?;
    let from = schema_of(from_db, &pair.from, &pair.data)
        .await
        .map_err(|e| format!("from: {e}"))?;
    let to = schema_of(to_db, &pair.to, "")
        .await
        .map_err(|e| format!("to: {e}"))?;
    let mut engine = from_db.connect().await;

    let forward = diff(&from, &to, &hints);
    if forward.is_empty() {
        return Err("`from` and `to` have no difference".into());
    }
    if let Some(unused) = forward.unused_hints.first() {
        return Err(format!("rename {} unused: {}", unused.hint, unused.reason));
    }
    let mapping = RowMapping::new(&from, &to, &forward, pair);
    let rows_before = mapping
        .capture(engine.as_mut(), Side::From, "before")
        .await?;

    if std::env::var("DBWARDEN_CORPUS_SHOW").is_ok_and(|name| name == pair.name) {
        for (table, rows) in mapping.tables.iter().zip(&rows_before) {
            eprintln!("{} rows of {}: {rows:?}", pair.name, table.from);
        }
    }
    let up = render_diff(&from, &to, &forward).map_err(|e| format!("up plan: {e}"))?;
    show(pair, "up", &up);
    run_plan(engine.as_mut(), &up)
        .await
        .map_err(|e| format!("up: {e}"))?;
    let after_up = engine
        .introspect()
        .await
        .map_err(|e| format!("introspecting after up: {e}"))?;
    let left = diff(&after_up, &to, &RenameHints::new());
    if !left.is_empty() {
        return Err(format!("after up, differs from `to`: {}", leftovers(&left)));
    }
    let rows_up = mapping
        .capture(engine.as_mut(), Side::To, "after up")
        .await?;
    mapping.compare(&rows_before, &rows_up, Side::To, "after up")?;

    let backward = diff(&to, &from, &hints.reversed());
    let down = render_diff(&to, &from, &backward).map_err(|e| format!("down plan: {e}"))?;
    show(pair, "down", &down);
    run_plan(engine.as_mut(), &down)
        .await
        .map_err(|e| format!("down: {e}"))?;
    let after_down = engine
        .introspect()
        .await
        .map_err(|e| format!("introspecting after down: {e}"))?;
    let left = diff(&after_down, &from, &RenameHints::new());
    if !left.is_empty() {
        return Err(format!(
            "after down, differs from `from`: {}",
            leftovers(&left)
        ));
    }
    let rows_down = mapping
        .capture(engine.as_mut(), Side::From, "after down")
        .await?;
    mapping.compare(&rows_before, &rows_down, Side::From, "after down")?;

    // What `plan` writes by default for drops and renames: the expand/contract split.
    if let Some(split) = expand_contract(&from, &to, &forward, &hints) {
        let plans = split
            .render(&from, &to, None)
            .map_err(|e| format!("expand/contract plan: {e}"))?;
        run_named(engine.as_mut(), pair, &plans.expand_up, "expand").await?;
        run_named(engine.as_mut(), pair, &plans.expand_down, "expand down").await?;
        expect_schema(engine.as_mut(), &from, "after expand and its down").await?;
        run_named(engine.as_mut(), pair, &plans.expand_up, "expand").await?;
        run_named(engine.as_mut(), pair, &plans.contract_up, "contract").await?;
        expect_schema(engine.as_mut(), &to, "after expand and contract").await?;
        let rows = mapping
            .capture(engine.as_mut(), Side::To, "after expand and contract")
            .await?;
        mapping.compare(&rows_before, &rows, Side::To, "after expand and contract")?;
        if let Some(contract_down) = &plans.contract_down {
            run_named(engine.as_mut(), pair, contract_down, "contract down").await?;
            run_named(engine.as_mut(), pair, &plans.expand_down, "expand down").await?;
            expect_schema(engine.as_mut(), &from, "after contract and expand down").await?;
            let rows = mapping
                .capture(engine.as_mut(), Side::From, "after both downs")
                .await?;
            mapping.compare(&rows_before, &rows, Side::From, "after both downs")?;
        }
    }
    drop(engine);
    Ok(())
}

/// Runs one plan of the pair, naming it in the error.
async fn run_named(
    engine: &mut dyn Engine,
    pair: &Pair,
    plan: &Plan,
    what: &str,
) -> Result<(), String> {
    show(pair, what, plan);
    run_plan(engine, plan)
        .await
        .map_err(|e| format!("{what}: {e}"))
}

/// Fails unless the database introspects as `expected`.
async fn expect_schema(
    engine: &mut dyn Engine,
    expected: &Schema,
    when: &str,
) -> Result<(), String> {
    let actual = engine
        .introspect()
        .await
        .map_err(|e| format!("introspecting {when}: {e}"))?;
    let left = diff(&actual, expected, &RenameHints::new());
    if left.is_empty() {
        Ok(())
    } else {
        Err(format!("{when}, the schema differs: {}", leftovers(&left)))
    }
}

/// Prints the plan when `DBWARDEN_CORPUS_SHOW` names the pair, to look into a failure.
fn show(pair: &Pair, direction: &str, plan: &Plan) {
    if std::env::var("DBWARDEN_CORPUS_SHOW").is_ok_and(|name| name == pair.name) {
        let statements: Vec<&str> = plan.steps.iter().map(|s| s.sql.as_str()).collect();
        eprintln!("{} {direction}:\n{};", pair.name, statements.join(";\n"));
    }
}

/// Runs a plan the way the migration runner runs a generated script: in one transaction where
/// the engine has transactional DDL and no step refuses one, statement by statement otherwise;
/// on SQLite, `PRAGMA foreign_keys` steps are applied around the transaction (SQLite ignores
/// them inside one), with `PRAGMA foreign_key_check` before COMMIT.
async fn run_plan(engine: &mut dyn Engine, plan: &Plan) -> Result<(), String> {
    let dialect = engine.dialect();
    let is_foreign_keys_pragma = |sql: &str| {
        dialect == Dialect::Sqlite && sql.to_ascii_uppercase().starts_with("PRAGMA FOREIGN_KEYS")
    };
    let foreign_keys_off = plan
        .steps
        .iter()
        .any(|s| is_foreign_keys_pragma(&s.sql) && s.sql.to_ascii_uppercase().ends_with("OFF"));
    let transactional = dialect != Dialect::Mysql && !plan.needs_no_transaction();
    let failed = |i: usize, sql: &str, e: &dyn std::fmt::Display| {
        format!(
            "step {} `{}`: {}",
            i + 1,
            short(sql, 160),
            short(&e.to_string(), 240)
        )
    };
    if foreign_keys_off {
        engine
            .execute("PRAGMA foreign_keys = OFF")
            .await
            .map_err(|e| e.to_string())?;
    }
    if transactional {
        engine.begin().await.map_err(|e| e.to_string())?;
    }
    let mut outcome = Ok(());
    for (i, step) in plan.steps.iter().enumerate() {
        if is_foreign_keys_pragma(&step.sql) {
            continue;
        }
        if let Err(e) = engine.execute(&step.sql).await {
            outcome = Err(failed(i, &step.sql, &e));
            break;
        }
    }
    if outcome.is_ok() && foreign_keys_off {
        match engine.query("PRAGMA foreign_key_check", &[]).await {
            Ok(violations) if violations.is_empty() => {}
            Ok(violations) => {
                outcome = Err(format!(
                    "{} foreign key violations after the rebuild",
                    violations.len()
                ))
            }
            Err(e) => outcome = Err(e.to_string()),
        }
    }
    if transactional {
        let ended = match outcome {
            Ok(()) => engine.commit().await,
            Err(_) => engine.rollback().await,
        };
        if let (Ok(()), Err(e)) = (&outcome, ended) {
            outcome = Err(format!("commit: {e}"));
        }
    }
    if foreign_keys_off {
        engine
            .execute("PRAGMA foreign_keys = ON")
            .await
            .map_err(|e| e.to_string())?;
    }
    outcome
}

/// Which schema's names to read rows under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    From,
    To,
}

/// A table both schemas have, and the columns whose rows are compared.
struct TableMapping {
    from: QualifiedName,
    to: QualifiedName,
    /// (name in `from`, name in `to`, compared after up too: the types read alike).
    columns: Vec<(String, String, bool)>,
}

/// What to read from each table on each side.
struct RowMapping {
    dialect: Dialect,
    tables: Vec<TableMapping>,
}

/// Rows per table, each row its values as text, sorted.
type Rows = Vec<Vec<Vec<Option<String>>>>;

impl RowMapping {
    fn new(from: &Schema, to: &Schema, forward: &Diff, pair: &Pair) -> RowMapping {
        let renamed_table = |old: &QualifiedName| {
            forward
                .changes
                .iter()
                .find_map(|c| match c {
                    Change::RenameTable { from, to } if from == old => Some(to.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| old.clone())
        };
        let renamed_column = |table: &QualifiedName, old: &str| {
            forward
                .changes
                .iter()
                .find_map(|c| match c {
                    Change::RenameColumn { table: t, from, to } if t == table && from == old => {
                        Some(to.clone())
                    }
                    _ => None,
                })
                .unwrap_or_else(|| old.to_owned())
        };
        let mut tables = Vec::new();
        for old in &from.tables {
            let new_name = renamed_table(&old.name);
            let Some(new) = to.table(&new_name) else {
                continue;
            };
            let mut columns = Vec::new();
            for column in &old.columns {
                let new_column_name = renamed_column(&new_name, &column.name);
                let Some(new_column) = new.column(&new_column_name) else {
                    continue;
                };
                let lossy = pair
                    .lossy
                    .iter()
                    .any(|l| l == &format!("{}.{}", old.name.name, column.name));
                if column.generated.is_some() || new_column.generated.is_some() || lossy {
                    continue;
                }
                let alike = type_family(&column.data_type) == type_family(&new_column.data_type);
                columns.push((column.name.clone(), new_column_name, alike));
            }
            if !columns.is_empty() {
                tables.push(TableMapping {
                    from: old.name.clone(),
                    to: new_name,
                    columns,
                });
            }
        }
        RowMapping {
            dialect: from.dialect,
            tables,
        }
    }

    /// The query reading `columns` as text. `when` makes the text differ from one reading to
    /// the next: the PostgreSQL engine caches prepared statements by text, and a cached plan
    /// refuses to run once a column's type or collation changed.
    fn select(&self, table: &QualifiedName, columns: &[&String], when: &str) -> String {
        let d = self.dialect;
        let list: Vec<String> = columns
            .iter()
            .map(|c| {
                let quoted = dbwarden::core::quote_ident(d, c);
                match d {
                    Dialect::Postgres => format!("{quoted}::text"),
                    Dialect::Mysql => format!("CAST({quoted} AS CHAR)"),
                    Dialect::Sqlite => format!("CAST({quoted} AS TEXT)"),
                }
            })
            .collect();
        format!(
            "SELECT {} FROM {} /* {when} */",
            list.join(", "),
            table.quoted(d)
        )
    }

    async fn capture(
        &self,
        engine: &mut dyn Engine,
        side: Side,
        when: &str,
    ) -> Result<Rows, String> {
        let mut out = Vec::new();
        for table in &self.tables {
            let (name, columns): (&QualifiedName, Vec<&String>) = match side {
                Side::From => (&table.from, table.columns.iter().map(|c| &c.0).collect()),
                Side::To => (&table.to, table.columns.iter().map(|c| &c.1).collect()),
            };
            let rows = engine
                .query(&self.select(name, &columns, when), &[])
                .await
                .map_err(|e| format!("reading rows of {name}: {e}"))?;
            let mut rows: Vec<Vec<Option<String>>> = rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|v| match v {
                            Value::Bytes(b) => Some(format!("{b:?}")),
                            other => other.as_string(),
                        })
                        .collect()
                })
                .collect();
            rows.sort();
            out.push(rows);
        }
        Ok(out)
    }

    fn compare(&self, before: &Rows, after: &Rows, side: Side, when: &str) -> Result<(), String> {
        for ((table, before), after) in self.tables.iter().zip(before).zip(after) {
            let name = match side {
                Side::From => &table.from,
                Side::To => &table.to,
            };
            if before.len() != after.len() {
                return Err(format!(
                    "{when}: {name} has {} rows, had {}",
                    after.len(),
                    before.len()
                ));
            }
            // After up, only columns whose values read alike in both types are compared.
            let compared: Vec<usize> = (0..table.columns.len())
                .filter(|&i| side == Side::From || table.columns[i].2)
                .collect();
            let project = |rows: &Vec<Vec<Option<String>>>| {
                let mut projected: Vec<Vec<Option<String>>> = rows
                    .iter()
                    .map(|r| compared.iter().map(|&i| r[i].clone()).collect())
                    .collect();
                projected.sort();
                projected
            };
            let (before, after) = (project(before), project(after));
            if let Some((was, is)) = before.iter().zip(&after).find(|(a, b)| a != b) {
                return Err(format!(
                    "{when}: rows of {name} differ: {} became {}",
                    short(&format!("{was:?}"), 150),
                    short(&format!("{is:?}"), 150)
                ));
            }
        }
        Ok(())
    }
}

/// Types whose values print alike as text: the integers, the strings of any length, numerics
/// of one scale, and otherwise only the same type.
fn type_family(data_type: &str) -> String {
    let lower = data_type.trim().to_ascii_lowercase();
    let lower = lower.trim_end_matches(" unsigned").trim();
    let (base, args) = match lower.split_once('(') {
        Some((base, rest)) => (base.trim(), rest.trim_end_matches(')')),
        None => (lower, ""),
    };
    match base {
        "smallint" | "integer" | "int" | "bigint" | "int2" | "int4" | "int8" | "tinyint"
        | "mediumint" | "smallserial" | "serial" | "bigserial" => "integer".into(),
        "text" | "varchar" | "character varying" | "char" | "character" | "nchar" | "nvarchar"
        | "tinytext" | "mediumtext" | "longtext" | "clob" | "" => "text".into(),
        "numeric" | "decimal" => {
            let scale = args.split(',').nth(1).map(str::trim).unwrap_or("0");
            format!("numeric scale {scale}")
        }
        // Anything else prints its precision (fractional seconds, bit lengths) in values.
        _ => lower.to_owned(),
    }
}

mod sqlite {
    #[tokio::test(flavor = "multi_thread")]
    async fn diff_corpus() {
        super::corpus_round_trips(dbwarden_testkit::Server::Sqlite).await;
    }
}

mod postgres {
    #[tokio::test(flavor = "multi_thread")]
    async fn diff_corpus() {
        super::corpus_round_trips(dbwarden_testkit::Server::Postgres).await;
    }
}

mod mariadb {
    #[tokio::test(flavor = "multi_thread")]
    async fn diff_corpus() {
        super::corpus_round_trips(dbwarden_testkit::Server::Mysql).await;
    }
}

#[test]
fn fixtures_parse_and_name_their_sections() {
    for server in [Server::Postgres, Server::Mysql, Server::Sqlite] {
        let pairs = load_pairs(server);
        let mut names: Vec<&str> = pairs.iter().map(|p| p.name.as_str()).collect();
        names.dedup();
        assert_eq!(names.len(), pairs.len(), "duplicate names on {server:?}");
        for pair in &pairs {
            assert!(
                !pair.to.trim().is_empty() || !pair.from.trim().is_empty(),
                "{}: both sides empty",
                pair.name
            );
        }
    }
    assert_eq!(type_family("character varying(20)"), type_family("text"));
    assert_eq!(type_family("int(11)"), type_family("bigint"));
    assert_ne!(type_family("numeric(10,2)"), type_family("numeric(10,0)"));
}
