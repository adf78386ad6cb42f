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
mod sqlite;

pub use contract::{
    ColumnSync, ExpandContract, expand_contract, sync_statements, unsync_statements,
};

use crate::diff::{Change, Diff, classify};
use crate::render::views_in_dependency_order;
use crate::{Dialect, QualifiedName, Schema, View, quote_literal};

/// The statements that turn one schema into another, in the order they run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// The statements, in order.
    pub steps: Vec<Step>,
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
    Planner::new(&diff.changes, to.dialect, Some((from, to))).run()
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
    for (i, step) in plan.steps.iter().enumerate() {
        starts.push(out.matches('\n').count() + 1);
        for comment in comments(i, step) {
            out.push_str("-- ");
            out.push_str(&comment);
            out.push('\n');
        }
        out.push_str(&step.sql);
        out.push_str(";\n\n");
    }
    (out, starts)
}

/// The state of one plan being written. The dialect modules add steps through it.
pub(crate) struct Planner<'a> {
    dialect: Dialect,
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
            changes,
            schemas,
            steps: Vec::new(),
            current: 0,
            tables_done_at: changes.len() - late,
            after_tables: Vec::new(),
            bounced_views: Vec::new(),
            gone_views: Vec::new(),
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
            match self.dialect {
                Dialect::Postgres => postgres::render(&mut self, change)?,
                Dialect::Mysql => mysql::render(&mut self, change)?,
                Dialect::Sqlite => sqlite::render(&mut self, change)?,
            }
            if at >= self.tables_done_at {
                self.flush_views(at + 1, true);
            }
        }
        self.flush_after_tables();
        self.flush_views(self.changes.len(), false);
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
                },
            );
            self.steps.push(Step {
                sql: "PRAGMA foreign_keys = ON".into(),
                change: last,
                transactional: true,
            });
        }
        Ok(Plan { steps: self.steps })
    }

    /// Adds a statement that may run in a transaction.
    pub(crate) fn push(&mut self, sql: impl Into<String>) {
        self.steps.push(Step {
            sql: sql.into(),
            change: self.current,
            transactional: true,
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
        });
    }

    /// Adds a statement once every table and column of the new schema exists.
    pub(crate) fn after_tables_exist(&mut self, sql: impl Into<String>) {
        self.after_tables.push(Step {
            sql: sql.into(),
            change: self.current,
            transactional: true,
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
            self.bounced_views.retain(|v| v != &view.name);
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

    /// `CREATE VIEW` with its comment.
    pub(crate) fn create_view(&mut self, view: &View) {
        self.bounced_views.retain(|v| v != &view.name);
        self.push_all(objects::view_statements(self.dialect, view));
    }

    /// The view's new body. PostgreSQL and MySQL replace it in place (PostgreSQL only while
    /// the old columns stay the same, in the same order); SQLite has no `OR REPLACE`.
    pub(crate) fn replace_view(&mut self, to: &View) {
        let was_dropped = self.bounced_views.contains(&to.name);
        self.bounced_views.retain(|v| v != &to.name);
        let statements = objects::view_statements(self.dialect, to);
        match self.dialect {
            Dialect::Postgres | Dialect::Mysql => {
                for (i, sql) in statements.into_iter().enumerate() {
                    if i == 0 {
                        self.push(sql.replacen("CREATE VIEW", "CREATE OR REPLACE VIEW", 1));
                    } else if was_dropped {
                        // The comment went with the dropped view; an unchanged one has it.
                        self.push(sql);
                    }
                }
            }
            Dialect::Sqlite => {
                if !was_dropped {
                    self.push(drop_view_sql(self.dialect, &to.name));
                }
                self.push_all(statements);
            }
        }
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
        | Change::DropNamespace { .. } => true,
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

/// The MySQL online DDL clause `classify` allows for `change`, to append to `ALTER TABLE`:
/// asking for it makes the server refuse rather than fall back to a blocking copy.
pub(crate) fn mysql_alter_options(change: &Change) -> &'static str {
    use crate::diff::{LockInfo, MysqlAlgorithm, MysqlLock};
    match classify(change, Dialect::Mysql).lock {
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
