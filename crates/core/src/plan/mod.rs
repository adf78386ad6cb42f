//! Plans: the SQL statements that carry out a [`Diff`], one dialect at a time.
//!
//! [`render_diff`] walks the diff's changes in their documented order and writes each as the
//! statements its engine needs, every [`Step`] pointing back at the change it came from. Where
//! the engine offers a gentler way, the plan takes it:
//!
//! - PostgreSQL builds indexes on existing tables `CONCURRENTLY` (outside a transaction),
//!   adds foreign keys and checks `NOT VALID` and validates them afterwards, adds `NOT NULL`
//!   through a validated check, and builds a unique constraint's index concurrently first;
//! - MySQL/MariaDB ask for `ALGORITHM=INSTANT` or `ALGORITHM=INPLACE, LOCK=NONE` where
//!   [`classify`] says the change allows it, so the server refuses rather than silently
//!   copying the table;
//! - SQLite uses `ALTER TABLE` where it can and otherwise the 12-step table rebuild
//!   (<https://www.sqlite.org/lang_altertable.html#otheralter>).
//!
//! The planner also does what one change alone cannot show: foreign keys of created tables
//! are added once every table exists, sequence ownership once the owning column exists, and
//! views that would block a change (PostgreSQL refuses to retype or drop a column a view
//! reads; SQLite refuses to rename a table over a view of a dropped one) are dropped before it
//! and created again, from the new schema, with the views.

mod contract;
mod mysql;
mod objects;
mod postgres;
mod programs;
mod sqlite;

pub use contract::{
    ColumnSync, ExpandContract, ExpandContractPlans, expand_contract, sync_statements,
    unsync_statements,
};

use crate::diff::{Change, Dependent, Diff, classify_on};
use crate::render::views_in_dependency_order;
use crate::version::TargetVersion;
use crate::{Dialect, ForeignKey, QualifiedName, Schema, Table, View, quote_literal};

/// The statements that turn one schema into another, in the order they run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// The statements, in order.
    pub steps: Vec<Step>,
    /// The dialect they are written in (`None` for an empty plan made by hand), which decides
    /// how a script terminates them.
    pub dialect: Option<Dialect>,
}

impl Plan {
    /// Whether some step cannot run inside a transaction, so the whole script runs without
    /// one (`-- dbwarden:no-transaction`).
    pub fn needs_no_transaction(&self) -> bool {
        self.steps.iter().any(|step| !step.transactional)
    }
}

/// One SQL statement of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The statement, without a terminator.
    pub sql: String,
    /// The index, in the diff's changes, of the change it carries out.
    pub change: usize,
    /// Whether it may run inside a transaction; false for PostgreSQL `CREATE INDEX
    /// CONCURRENTLY` and `DROP INDEX CONCURRENTLY`, which refuse to.
    pub transactional: bool,
    /// Whether what ran before it is committed first (`-- dbwarden:commit` in the script), so
    /// that a strong lock taken briefly by the statements before is not held through this
    /// one's long scan (`VALIDATE CONSTRAINT` after `ADD CONSTRAINT ... NOT VALID`).
    pub commit_before: bool,
}

/// Why a change cannot be written as SQL for a dialect.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The engine has no statement for the change, or the plan needs more than it was given.
    #[error("cannot plan `{change}` on {dialect}: {reason}")]
    Unsupported {
        /// The change, summarised.
        change: String,
        /// The dialect asked for.
        dialect: Dialect,
        /// Why, and what to do instead.
        reason: String,
    },
}

/// The statements that turn `from` into `to`, following `diff` (computed from the two), in
/// the dialect of `to`. The main entry point: it has both schemas, which a SQLite table
/// rebuild, an enum recreation and the views dropped around a change need.
pub fn render_diff(from: &Schema, to: &Schema, diff: &Diff) -> Result<Plan, PlanError> {
    render_diff_on(from, to, diff, None)
}

/// [`render_diff`] for a server of `version` (as [`render_diff`] when unknown): MySQL's
/// `ALGORITHM` clauses follow what that release can do online (see
/// [`crate::diff::classify_on`]).
pub fn render_diff_on(
    from: &Schema,
    to: &Schema,
    diff: &Diff,
    version: Option<&TargetVersion>,
) -> Result<Plan, PlanError> {
    let mut planner = Planner::new(&diff.changes, to.dialect, Some((from, to)));
    planner.version = version.copied();
    planner.run()
}

/// The statements for `changes` alone, without the schemas they came from. Changes that need
/// a schema (a SQLite table rebuild, a PostgreSQL enum recreation, MySQL column reordering,
/// views dropped around a change) are [`PlanError::Unsupported`]; use [`render_diff`].
pub fn render_changes(changes: &[Change], dialect: Dialect) -> Result<Plan, PlanError> {
    Planner::new(changes, dialect, None).run()
}

/// The plan as a migration script: `header` as `--` comment lines, then every statement
/// followed by `;` and a blank line. A plan with a step that cannot run in a transaction
/// starts with `-- dbwarden:no-transaction`, the directive the runner reads.
pub fn script(plan: &Plan, header: &str) -> String {
    script_with(plan, header, |_, _| Vec::new()).0
}

/// [`script`] with comment lines of the caller's above each step (`comments(index, step)`,
/// written as `-- line`), and the 1-based line where each step's block (comments included)
/// starts, so findings about the script can be traced back to steps.
pub fn script_with(
    plan: &Plan,
    header: &str,
    comments: impl Fn(usize, &Step) -> Vec<String>,
) -> (String, Vec<usize>) {
    let mut out = String::new();
    if plan.needs_no_transaction() {
        out.push_str("-- dbwarden:no-transaction\n");
    }
    for line in header.lines() {
        if line.is_empty() {
            out.push_str("--\n");
        } else {
            out.push_str("-- ");
            out.push_str(line);
            out.push('\n');
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    let mut starts = Vec::with_capacity(plan.steps.len());
    let in_transaction = !plan.needs_no_transaction();
    for (i, step) in plan.steps.iter().enumerate() {
        if step.commit_before && in_transaction && i > 0 && !views_missing_at(plan, i) {
            out.push_str("-- dbwarden:commit\n\n");
        }
        starts.push(out.matches('\n').count() + 1);
        for comment in comments(i, step) {
            out.push_str("-- ");
            out.push_str(&comment);
            out.push('\n');
        }
        out.push_str(&crate::render::programs::terminated(
            plan.dialect.unwrap_or(Dialect::Postgres),
            &step.sql,
        ));
        out.push_str("\n\n");
    }
    (out, starts)
}

/// Whether a view dropped before step `at` is created again only at or after it: committing
/// there would leave readers of the view without it until the rest ran.
fn views_missing_at(plan: &Plan, at: usize) -> bool {
    let starts = |step: &Step, prefix: &str| {
        step.sql
            .get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    plan.steps[..at].iter().any(|s| starts(s, "DROP VIEW"))
        && plan.steps[at..]
            .iter()
            .any(|s| starts(s, "CREATE VIEW") || starts(s, "CREATE OR REPLACE VIEW"))
}

/// The state of one plan being written. The dialect modules add steps through it.
pub(crate) struct Planner<'a> {
    dialect: Dialect,
    /// The server's release, when known.
    version: Option<TargetVersion>,
    changes: &'a [Change],
    schemas: Option<(&'a Schema, &'a Schema)>,
    steps: Vec<Step>,
    /// The index of the change being rendered.
    current: usize,
    /// From this index on, only foreign keys, views, comments and drops of sequences, types
    /// and namespaces follow: every table and column exists.
    tables_done_at: usize,
    /// Steps that wait until every table and column exists.
    after_tables: Vec<Step>,
    /// Views (by name) this planner dropped, to be created again from `to`.
    bounced_views: Vec<QualifiedName>,
    /// Views of `from` that no longer exist: dropped by the diff or by this planner.
    gone_views: Vec<QualifiedName>,
    /// Checks and indexes this planner dropped around a change, as (table's old name, name).
    dropped_table_parts: Vec<(QualifiedName, String)>,
    /// Changes whose statements an earlier change's statement already carries out.
    taken_over: Vec<usize>,
    /// Foreign keys this planner dropped around a change, as (table's old name, key name).
    bounced_foreign_keys: Vec<(QualifiedName, String)>,
    /// PostgreSQL: steps adding an enum label, with the label as a literal, to run outside the
    /// transaction when a later step uses the label.
    enum_labels_added: Vec<(usize, String)>,
    /// SQLite: tables whose changes all need the 12-step rebuild.
    needs_rebuild: Vec<QualifiedName>,
    /// SQLite: tables already rebuilt, which covers their remaining changes.
    rebuilt: Vec<QualifiedName>,
    /// SQLite: the changes that triggered a rebuild.
    rebuild_changes: Vec<usize>,
}

impl<'a> Planner<'a> {
    fn new(
        changes: &'a [Change],
        dialect: Dialect,
        schemas: Option<(&'a Schema, &'a Schema)>,
    ) -> Self {
        let late = changes.iter().rev().take_while(|c| is_late(c)).count();
        let needs_rebuild = if dialect == Dialect::Sqlite {
            sqlite::tables_needing_rebuild(changes)
        } else {
            Vec::new()
        };
        Planner {
            dialect,
            version: None,
            changes,
            schemas,
            steps: Vec::new(),
            current: 0,
            tables_done_at: changes.len() - late,
            after_tables: Vec::new(),
            bounced_views: Vec::new(),
            gone_views: Vec::new(),
            dropped_table_parts: Vec::new(),
            taken_over: Vec::new(),
            bounced_foreign_keys: Vec::new(),
            enum_labels_added: Vec::new(),
            needs_rebuild,
            rebuilt: Vec::new(),
            rebuild_changes: Vec::new(),
        }
    }

    fn run(mut self) -> Result<Plan, PlanError> {
        for (at, change) in self.changes.iter().enumerate() {
            self.current = at;
            if at == self.tables_done_at {
                self.flush_after_tables();
            }
            if at >= self.tables_done_at {
                self.flush_views(at, true);
            }
            if !self.taken_over.contains(&at) && !programs::render(&mut self, change)? {
                match self.dialect {
                    Dialect::Postgres => postgres::render(&mut self, change)?,
                    Dialect::Mysql => mysql::render(&mut self, change)?,
                    Dialect::Sqlite => sqlite::render(&mut self, change)?,
                }
            }
            if at >= self.tables_done_at {
                self.flush_views(at + 1, true);
            }
        }
        self.flush_after_tables();
        self.flush_views(self.changes.len(), false);
        for (at, literal) in &self.enum_labels_added {
            // PostgreSQL refuses a label added in the same transaction ("unsafe use of new
            // value"; manual, "ALTER TYPE"): committed on its own, it can be used.
            if self.steps[at + 1..]
                .iter()
                .any(|s| s.sql.contains(literal.as_str()))
            {
                self.steps[*at].transactional = false;
            }
        }
        if let (Some(&first), Some(&last)) =
            (self.rebuild_changes.first(), self.rebuild_changes.last())
        {
            // The runner takes these out and applies them around its transaction: inside one
            // SQLite ignores them, and with enforcement on, DROP TABLE of the old copy would
            // act on the rows referencing it.
            self.steps.insert(
                0,
                Step {
                    sql: "PRAGMA foreign_keys = OFF".into(),
                    change: first,
                    transactional: true,
                    commit_before: false,
                },
            );
            self.steps.push(Step {
                sql: "PRAGMA foreign_keys = ON".into(),
                change: last,
                transactional: true,
                commit_before: false,
            });
        }
        Ok(Plan {
            steps: self.steps,
            dialect: Some(self.dialect),
        })
    }

    /// Adds a statement that may run in a transaction.
    pub(crate) fn push(&mut self, sql: impl Into<String>) {
        self.steps.push(Step {
            sql: sql.into(),
            change: self.current,
            transactional: true,
            commit_before: false,
        });
    }

    /// Adds a statement that runs in a transaction of its own after what came before was
    /// committed (see [`Step::commit_before`]).
    pub(crate) fn push_after_commit(&mut self, sql: impl Into<String>) {
        self.steps.push(Step {
            sql: sql.into(),
            change: self.current,
            transactional: true,
            commit_before: true,
        });
    }

    /// Adds statements that may run in a transaction.
    pub(crate) fn push_all(&mut self, statements: impl IntoIterator<Item = String>) {
        for sql in statements {
            self.push(sql);
        }
    }

    /// Adds a statement that refuses to run in a transaction.
    pub(crate) fn push_outside_transaction(&mut self, sql: impl Into<String>) {
        self.steps.push(Step {
            sql: sql.into(),
            change: self.current,
            transactional: false,
            commit_before: false,
        });
    }

    /// Adds a statement once every table and column of the new schema exists.
    pub(crate) fn after_tables_exist(&mut self, sql: impl Into<String>) {
        self.after_tables.push(Step {
            sql: sql.into(),
            change: self.current,
            transactional: true,
            commit_before: false,
        });
    }

    fn flush_after_tables(&mut self) {
        self.steps.append(&mut self.after_tables);
    }

    /// The error for the change being rendered.
    pub(crate) fn unsupported(&self, reason: impl Into<String>) -> PlanError {
        PlanError::Unsupported {
            change: self.changes[self.current].summary(),
            dialect: self.dialect,
            reason: reason.into(),
        }
    }

    /// Both schemas, or the error saying that this change needs them.
    pub(crate) fn schemas(&self, what: &str) -> Result<(&'a Schema, &'a Schema), PlanError> {
        self.schemas.ok_or_else(|| {
            self.unsupported(format!(
                "{what} needs the old and new schemas; plan with render_diff"
            ))
        })
    }

    /// Whether the diff creates `table`, so it is new and empty.
    pub(crate) fn created_in_diff(&self, table: &QualifiedName) -> bool {
        self.changes
            .iter()
            .any(|c| matches!(c, Change::CreateTable { table: t } if &t.name == table))
    }

    /// The name `table` (a new name) has in the old schema.
    pub(crate) fn old_table_name(&self, table: &QualifiedName) -> QualifiedName {
        self.changes
            .iter()
            .find_map(|c| match c {
                Change::RenameTable { from, to } if to == table => Some(from.clone()),
                _ => None,
            })
            .unwrap_or_else(|| table.clone())
    }

    /// The new name of `table` (an old name).
    pub(crate) fn new_table_name(&self, table: &QualifiedName) -> QualifiedName {
        self.changes
            .iter()
            .find_map(|c| match c {
                Change::RenameTable { from, to } if from == table => Some(to.clone()),
                _ => None,
            })
            .unwrap_or_else(|| table.clone())
    }

    /// Records that the check or index `part` of `table` (an old name) is dropped here, ahead
    /// of a change it would block; false when it already was.
    pub(crate) fn drop_table_part_around(&mut self, table: &QualifiedName, part: &str) -> bool {
        let key = (table.clone(), part.to_owned());
        if self.dropped_table_parts.contains(&key) {
            return false;
        }
        self.dropped_table_parts.push(key);
        true
    }

    /// Whether the check or index `part` of `table` (a new name) was dropped ahead of another
    /// change, so its own drop has nothing left to do.
    pub(crate) fn dropped_around(&self, table: &QualifiedName, part: &str) -> bool {
        let old = self.old_table_name(table);
        self.dropped_table_parts
            .iter()
            .any(|(t, p)| t == &old && p == part)
    }

    /// Whether the diff keeps the check or index `part` of `table` (an old name) as it is: it
    /// neither drops nor changes it, nor drops the table.
    pub(crate) fn diff_keeps(&self, table: &QualifiedName, part: &str) -> bool {
        let now = self.new_table_name(table);
        !self.changes.iter().any(|c| match c {
            Change::DropCheck { table: t, check } => {
                t == &now && check.name.as_deref() == Some(part)
            }
            Change::DropIndex { table: t, index } => t == &now && index.name == part,
            Change::DropTable { table: t, .. } => &t.name == table,
            _ => false,
        })
    }

    /// Records that the statement being written also carries out the later change at `at`,
    /// which then writes nothing of its own.
    pub(crate) fn take_over(&mut self, at: usize) {
        self.taken_over.push(at);
    }

    /// Whether an earlier statement carries out the change at `at`.
    pub(crate) fn is_taken_over(&self, at: usize) -> bool {
        self.taken_over.contains(&at)
    }

    /// The index of the change being rendered.
    pub(crate) fn current(&self) -> usize {
        self.current
    }

    /// `ALTER TYPE ... ADD VALUE` for `label`: in the transaction unless a later step of the
    /// plan names the label.
    pub(crate) fn push_enum_label(&mut self, sql: String, label: &str) {
        self.enum_labels_added
            .push((self.steps.len(), quote_literal(self.dialect, label)));
        self.push(sql);
    }

    /// Foreign keys of the old schema that still exist at this point of the plan (the diff
    /// drops the keys it removes or changes before any other table change) and that `uses`
    /// selects, with their tables.
    pub(crate) fn existing_foreign_keys(
        &self,
        uses: impl Fn(&Table, &ForeignKey) -> bool,
    ) -> Vec<(&'a Table, &'a ForeignKey)> {
        let Some((from, _)) = self.schemas else {
            return Vec::new();
        };
        let mut found = Vec::new();
        for table in &from.tables {
            let now = self.new_table_name(&table.name);
            for foreign_key in &table.foreign_keys {
                let dropped_by_diff = self.changes.iter().any(|c| {
                    matches!(c, Change::DropForeignKey { table: t, foreign_key: fk }
                        if t == &now && fk.name == foreign_key.name)
                });
                let bounced = foreign_key.name.as_ref().is_some_and(|n| {
                    self.bounced_foreign_keys
                        .iter()
                        .any(|(t, k)| t == &table.name && k == n)
                });
                let table_gone = self.changes[..self.current].iter().any(
                    |c| matches!(c, Change::DropTable { table: t, .. } if t.name == table.name),
                );
                if !dropped_by_diff && !bounced && !table_gone && uses(table, foreign_key) {
                    found.push((table, foreign_key));
                }
            }
        }
        found
    }

    /// Drops `keys` (from [`Planner::existing_foreign_keys`]) before a change they would
    /// block, and adds those the new schema still has back once every table exists.
    pub(crate) fn drop_foreign_keys_around(
        &mut self,
        keys: Vec<(&'a Table, &'a ForeignKey)>,
    ) -> Result<(), PlanError> {
        for (table, foreign_key) in keys {
            let Some(key_name) = foreign_key.name.clone() else {
                return Err(self.unsupported(format!(
                    "an unnamed foreign key of {} depends on this change and cannot be dropped around it",
                    table.name
                )));
            };
            // Tables are renamed before any key or column changes.
            let now = self.new_table_name(&table.name);
            let drop = match self.dialect {
                Dialect::Mysql => "DROP FOREIGN KEY",
                Dialect::Postgres | Dialect::Sqlite => "DROP CONSTRAINT",
            };
            self.push(format!(
                "ALTER TABLE {} {drop} {}",
                now.quoted(self.dialect),
                crate::quote_ident(self.dialect, &key_name)
            ));
            self.bounced_foreign_keys
                .push((table.name.clone(), key_name.clone()));
            let again = self
                .schemas
                .and_then(|(_, to)| to.table(&now))
                .and_then(|t| {
                    t.foreign_keys
                        .iter()
                        .find(|fk| fk.name.as_deref() == Some(key_name.as_str()))
                });
            if let Some(again) = again
                && let Some(add) = objects::add_foreign_key(self.dialect, &now, again)
            {
                if self.dialect == Dialect::Postgres {
                    // As for a new key on an existing table: brief lock, then validation.
                    self.after_tables_exist(format!("{add} NOT VALID"));
                    self.after_tables_exist(format!(
                        "ALTER TABLE {} VALIDATE CONSTRAINT {}",
                        now.quoted(self.dialect),
                        crate::quote_ident(self.dialect, &key_name)
                    ));
                } else {
                    self.after_tables_exist(add);
                }
            }
        }
        Ok(())
    }

    /// The old name of column `column` (a new name) of `table` (a new name).
    pub(crate) fn old_column_name(&self, table: &QualifiedName, column: &str) -> String {
        self.changes
            .iter()
            .find_map(|c| match c {
                Change::RenameColumn { table: t, from, to } if t == table && to == column => {
                    Some(from.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| column.to_owned())
    }

    /// Foreign keys into the table being dropped from tables that this diff drops after it,
    /// as (referencing table, key name): they would make `DROP TABLE` fail. A kept table's
    /// key into it has a drop change of its own earlier, and a table's own keys go with it.
    pub(crate) fn keys_from_tables_dropped_later(
        &self,
        dependents: &[Dependent],
    ) -> Vec<(QualifiedName, Option<String>)> {
        let later = &self.changes[(self.current + 1).min(self.changes.len())..];
        dependents
            .iter()
            .filter_map(|dependent| match dependent {
                Dependent::ReferencedBy { table, name }
                    if later.iter().any(
                        |c| matches!(c, Change::DropTable { table: t, .. } if &t.name == table),
                    ) =>
                {
                    Some((table.clone(), name.clone()))
                }
                _ => None,
            })
            .collect()
    }

    /// The table called `table` (a new name) in the old schema, when the planner has it.
    pub(crate) fn old_table(&self, table: &QualifiedName) -> Option<&'a Table> {
        let (from, _) = self.schemas?;
        from.table(&self.old_table_name(table))
    }

    /// Views of the old schema that still exist now and read `table` (a new name).
    pub(crate) fn views_reading(&self, table: &QualifiedName) -> Vec<QualifiedName> {
        let Some((from, _)) = self.schemas else {
            return Vec::new();
        };
        let old = self.old_table_name(table);
        from.views
            .iter()
            .filter(|v| v.depends_on.contains(&old) && self.view_exists(&v.name))
            .map(|v| v.name.clone())
            .collect()
    }

    fn view_exists(&self, name: &QualifiedName) -> bool {
        !self.gone_views.contains(name)
    }

    /// Drops `views` and every existing view that reads them, readers first, to create them
    /// again from the new schema with the views. Used around a change the views would block.
    pub(crate) fn drop_views_around(&mut self, views: Vec<QualifiedName>) -> Result<(), PlanError> {
        let mut views: Vec<QualifiedName> =
            views.into_iter().filter(|v| self.view_exists(v)).collect();
        if views.is_empty() {
            return Ok(());
        }
        let (from, _) = self.schemas("dropping and recreating the views that read it")?;
        loop {
            let before = views.len();
            for view in &from.views {
                if self.view_exists(&view.name)
                    && !views.contains(&view.name)
                    && view.depends_on.iter().any(|d| views.contains(d))
                {
                    views.push(view.name.clone());
                }
            }
            if views.len() == before {
                break;
            }
        }
        let mut order = views_in_dependency_order(&from.views);
        order.reverse();
        for view in order {
            if views.contains(&view.name) {
                self.push(drop_view_sql(self.dialect, &view.name));
                self.gone_views.push(view.name.clone());
                self.bounced_views.push(view.name.clone());
            }
        }
        Ok(())
    }

    /// Whether a change at or after `at` creates or replaces view `name`.
    fn diff_creates_view(&self, name: &QualifiedName, at: usize) -> bool {
        self.changes[at.min(self.changes.len())..]
            .iter()
            .any(|c| match c {
                Change::CreateView { view } | Change::ReplaceView { to: view, .. } => {
                    &view.name == name
                }
                _ => false,
            })
    }

    /// Creates again the dropped views whose dependencies exist (all of them when
    /// `ready_only` is false), in dependency order. Views the diff itself replaces at or after
    /// `at` are left to it.
    fn flush_views(&mut self, at: usize, ready_only: bool) {
        if self.bounced_views.is_empty() {
            return;
        }
        let Some((_, to)) = self.schemas else {
            return;
        };
        for view in views_in_dependency_order(&to.views) {
            if !self.bounced_views.contains(&view.name) {
                continue;
            }
            if self.diff_creates_view(&view.name, at) {
                self.bounced_views.retain(|v| v != &view.name);
                continue;
            }
            let ready = view.depends_on.iter().all(|d| {
                d == &view.name
                    || (!self.bounced_views.contains(d) && !self.diff_creates_view(d, at))
            });
            if ready_only && !ready {
                continue;
            }
            self.push_all(objects::view_statements(self.dialect, view));
            self.regrant(view);
            self.bounced_views.retain(|v| v != &view.name);
            self.gone_views.retain(|v| v != &view.name);
        }
        // Dropped views that the new schema does not have stay dropped.
        self.bounced_views
            .retain(|v| to.views.iter().any(|view| &view.name == v));
    }

    /// `DROP VIEW`, unless this planner already dropped the view around another change.
    pub(crate) fn drop_view(&mut self, view: &View) {
        if self.bounced_views.contains(&view.name) {
            self.bounced_views.retain(|v| v != &view.name);
        } else {
            self.push(drop_view_sql(self.dialect, &view.name));
        }
        self.gone_views.push(view.name.clone());
    }

    /// `CREATE VIEW` with its comment, and the grants the view had in the old schema (a view
    /// dropped and created again by the plan would lose them).
    pub(crate) fn create_view(&mut self, view: &View) {
        self.bounced_views.retain(|v| v != &view.name);
        self.push_all(objects::view_statements(self.dialect, view));
        self.regrant(view);
        self.gone_views.retain(|v| v != &view.name);
    }

    fn regrant(&mut self, view: &View) {
        let Some((from, _)) = self.schemas else {
            return;
        };
        let grants = from
            .views
            .iter()
            .find(|v| v.name == view.name)
            .map(|v| v.grants.clone())
            .unwrap_or_default();
        for grant in grants {
            if let Some((privilege, grantee)) = grant.split_once(" TO ") {
                self.push(format!(
                    "GRANT {privilege} ON {} TO {grantee}",
                    view.name.quoted(self.dialect)
                ));
            }
        }
    }

    /// The view's new body. MySQL replaces it in place whatever its columns become.
    /// PostgreSQL's `CREATE OR REPLACE VIEW` refuses to rename, retype or remove a column
    /// (manual, "CREATE VIEW"), which the model cannot foresee, and SQLite has no `OR
    /// REPLACE`: there the view is dropped, with the views reading it, and created again
    /// (the readers from the new schema, once it exists). A view already dropped around an
    /// earlier change is only created.
    pub(crate) fn replace_view(&mut self, to: &View) -> Result<(), PlanError> {
        let dropped = self.bounced_views.contains(&to.name) || !self.view_exists(&to.name);
        let statements = objects::view_statements(self.dialect, to);
        match self.dialect {
            Dialect::Mysql if !dropped => {
                for (i, sql) in statements.into_iter().enumerate() {
                    if i == 0 {
                        self.push(sql.replacen("CREATE VIEW", "CREATE OR REPLACE VIEW", 1));
                    }
                }
            }
            _ => {
                if !dropped && self.schemas.is_none() {
                    // Without the schemas no reader can be found; the view alone goes.
                    self.push(drop_view_sql(self.dialect, &to.name));
                } else if !dropped {
                    self.drop_views_around(vec![to.name.clone()])?;
                }
                self.push_all(statements);
                self.regrant(to);
            }
        }
        self.bounced_views.retain(|v| v != &to.name);
        self.gone_views.retain(|v| v != &to.name);
        Ok(())
    }

    /// Whether SQLite must rebuild `table` for its changes in this diff.
    pub(crate) fn needs_rebuild(&self, table: &QualifiedName) -> bool {
        self.needs_rebuild.contains(table)
    }

    /// Whether `table` was already rebuilt (into its new definition) earlier in the plan.
    pub(crate) fn rebuilt(&self, table: &QualifiedName) -> bool {
        self.rebuilt.contains(table)
    }

    fn mark_rebuilt(&mut self, table: &QualifiedName) {
        self.rebuilt.push(table.clone());
        self.rebuild_changes.push(self.current);
    }

    /// The changes of the diff, for lookups across changes.
    pub(crate) fn changes(&self) -> &'a [Change] {
        self.changes
    }
}

/// Whether `change` belongs to the steps after every table and column exists (foreign keys
/// added, views created, comments on non-table objects, drops of sequences, types and
/// namespaces).
fn is_late(change: &Change) -> bool {
    match change {
        Change::AddForeignKey { .. }
        | Change::CreateView { .. }
        | Change::ReplaceView { .. }
        | Change::DropSequence { .. }
        | Change::DropEnum { .. }
        | Change::DropNamespace { .. }
        | Change::CreateRoutine { .. }
        | Change::ReplaceRoutine { .. }
        | Change::DropRoutine { .. }
        | Change::CreateTrigger { .. }
        | Change::ReplaceTrigger { .. }
        | Change::DropTrigger { .. }
        | Change::SetTriggerState { .. }
        | Change::CreatePolicy { .. }
        | Change::DropPolicy { .. }
        | Change::ReplacePolicy { .. }
        | Change::SetRowSecurity { .. }
        | Change::DropDomain { .. }
        | Change::DropComposite { .. }
        | Change::CreateMaterializedView { .. }
        | Change::AlterMaterializedView { .. }
        | Change::DropExtension { .. } => true,
        Change::SetComment { target, .. } => {
            !matches!(target, crate::diff::CommentTarget::Table { .. })
        }
        _ => false,
    }
}

fn drop_view_sql(dialect: Dialect, name: &QualifiedName) -> String {
    format!("DROP VIEW {}", name.quoted(dialect))
}

/// A comment literal, or `NULL` to remove the comment.
pub(crate) fn comment_literal(dialect: Dialect, comment: Option<&str>) -> String {
    comment.map_or_else(|| "NULL".to_owned(), |c| quote_literal(dialect, c))
}

/// The MySQL online DDL clause `classify` allows for `change` (on `version`, when known), to
/// append to `ALTER TABLE`: asking for it makes the server refuse rather than fall back to a
/// blocking copy.
pub(crate) fn mysql_alter_options(
    change: &Change,
    version: Option<&TargetVersion>,
) -> &'static str {
    use crate::diff::{LockInfo, MysqlAlgorithm, MysqlLock};
    match classify_on(change, Dialect::Mysql, version).lock {
        LockInfo::Mysql {
            algorithm: Some(MysqlAlgorithm::Instant),
            ..
        } => ", ALGORITHM=INSTANT",
        LockInfo::Mysql {
            algorithm: Some(MysqlAlgorithm::Inplace),
            lock: Some(MysqlLock::None) | None,
        } => ", ALGORITHM=INPLACE, LOCK=NONE",
        _ => "",
    }
}

#[cfg(test)]
mod tests;
