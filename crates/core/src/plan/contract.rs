//! Expand and contract: a breaking or destructive change split into two migrations, so that
//! code written for the old schema and code written for the new one both keep working while
//! a deploy rolls out.
//!
//! The split is computed as a schema between the two, the *middle*: the new schema with the
//! old shape still in place. The expand migration turns the old schema into the middle one
//! (nothing old goes away), the contract migration turns the middle one into the new schema
//! (the old shape goes). Both are ordinary diffs, so they are planned, ordered and reversed
//! like any other change; what a diff cannot say is added as [`ColumnSync`] statements:
//!
//! - a dropped column or table stays in the middle schema (a dropped `NOT NULL` column
//!   without a default becomes nullable there, so code that no longer writes it can insert);
//! - a renamed column becomes a new column next to the old one, backfilled from it and kept
//!   equal to it by triggers on every write, until the contract step drops the old column;
//! - a renamed table is renamed in the expand step and its old name stays readable and
//!   writable as a view over the new one (PostgreSQL, MySQL/MariaDB: simple views are
//!   updatable there), until the contract step drops the view.
//!
//! Renames of identity, generated and primary key columns, and table renames on SQLite (whose
//! views cannot take writes), are not split: they stay direct renames in the expand step.

use std::collections::{BTreeMap, BTreeSet};

use super::{Plan, PlanError, Step, render_diff_on};
use crate::diff::{Change, Diff, RenameHints, diff};
use crate::version::TargetVersion;
use crate::{
    Dialect, ForeignKey, Index, IndexKey, QualifiedName, Schema, Table, View, quote_ident,
};

/// How a diff splits into an expand and a contract step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandContract {
    /// The schema between the two steps: the new shape with the old one still in place.
    pub middle: Schema,
    /// The renames the expand step carries out directly (from the old schema to the middle
    /// one); the contract step needs none.
    pub expand_hints: RenameHints,
    /// Old and new columns kept equal between the two steps.
    pub syncs: Vec<ColumnSync>,
    /// Whether the contract step deletes data that only a backup can bring back: a dropped
    /// column or table that no rename carries over.
    pub loses_data: bool,
}

/// A renamed column while both its names exist: `new` was added beside `old`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSync {
    /// The table, by its name in the middle schema.
    pub table: QualifiedName,
    /// The column's old name.
    pub old: String,
    /// The column's new name.
    pub new: String,
}

/// The four scripts of a split, with the diffs they carry out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandContractPlans {
    /// From the old schema to the middle one.
    pub expand_diff: Diff,
    /// From the middle schema to the new one.
    pub contract_diff: Diff,
    /// Adds the new shape, then the sync triggers and the backfill of renamed columns.
    pub expand_up: Plan,
    /// Drops the sync triggers, then goes back from the middle schema to the old one.
    pub expand_down: Plan,
    /// Drops the sync triggers, then removes the old shape.
    pub contract_up: Plan,
    /// Brings the old shape back and refills it from the new one; `None` when the contract
    /// step deletes data ([`ExpandContract::loses_data`]).
    pub contract_down: Option<Plan>,
}

impl ExpandContract {
    /// Renders the split of the change from `from` to `to` as its four scripts, for a server
    /// of `version` when known (see [`render_diff_on`]). Statements that no change of a diff
    /// stands for (triggers, backfills) are steps whose `change` is [`usize::MAX`].
    pub fn render(
        &self,
        from: &Schema,
        to: &Schema,
        version: Option<&TargetVersion>,
    ) -> Result<ExpandContractPlans, PlanError> {
        let render_diff = |a: &Schema, b: &Schema, d: &Diff| render_diff_on(a, b, d, version);
        let dialect = to.dialect;
        let middle = &self.middle;
        let expand_diff = diff(from, middle, &self.expand_hints);
        let contract_diff = diff(middle, to, &RenameHints::new());
        let synced = |target: fn(&ColumnSync) -> &String| -> Vec<Step> {
            unmapped(
                self.syncs
                    .iter()
                    .flat_map(|s| sync_statements(s, dialect, target(s)))
                    .collect(),
            )
        };
        let unsynced = || -> Vec<Step> {
            unmapped(
                self.syncs
                    .iter()
                    .flat_map(|s| unsync_statements(s, dialect))
                    .collect(),
            )
        };

        let mut expand_up = render_diff(from, middle, &expand_diff)?;
        expand_up.steps.extend(synced(|s| &s.new));
        let mut expand_down = Plan {
            steps: unsynced(),
            dialect: Some(dialect),
        };
        let back = diff(middle, from, &self.expand_hints.reversed());
        expand_down
            .steps
            .extend(render_diff(middle, from, &back)?.steps);
        let contract_steps = render_diff(middle, to, &contract_diff)?.steps;
        let contract_up = if dialect == Dialect::Mysql {
            mysql_contract_order(contract_steps, &contract_diff, unsynced())
        } else {
            // One transaction (PostgreSQL, SQLite): the order changes nothing on failure.
            let mut plan = Plan {
                steps: unsynced(),
                dialect: Some(dialect),
            };
            plan.steps.extend(contract_steps);
            plan
        };
        // The old columns come back nullable and unconstrained, are refilled, and only then
        // get their NOT NULL, keys, checks and indexes (adding them first would fail on the
        // rows the refill has not reached).
        let contract_down = if self.loses_data {
            None
        } else {
            let bare = self.without_old_constraints();
            let mut down = render_diff(to, &bare, &diff(to, &bare, &RenameHints::new()))?;
            down.steps.extend(synced(|s| &s.old));
            let constrain = diff(&bare, middle, &RenameHints::new());
            down.steps
                .extend(render_diff(&bare, middle, &constrain)?.steps);
            Some(down)
        };
        Ok(ExpandContractPlans {
            expand_diff,
            contract_diff,
            expand_up,
            expand_down,
            contract_up,
            contract_down,
        })
    }
}

impl ExpandContract {
    /// The middle schema with the old columns of split renames nullable and without the
    /// keys, checks and indexes that use them.
    fn without_old_constraints(&self) -> Schema {
        let mut bare = self.middle.clone();
        for table in &mut bare.tables {
            let old: BTreeSet<&String> = self
                .syncs
                .iter()
                .filter(|s| s.table == table.name)
                .map(|s| &s.old)
                .collect();
            if old.is_empty() {
                continue;
            }
            let uses_old = |columns: &[String]| columns.iter().any(|c| old.contains(c));
            for column in &mut table.columns {
                if old.contains(&column.name) {
                    column.nullable = true;
                    column.default = None;
                }
            }
            table.indexes.retain(|i| !uses_old(&index_columns(i)));
            table.uniques.retain(|u| !uses_old(&u.columns));
            table.foreign_keys.retain(|f| !uses_old(&f.columns));
            table
                .checks
                .retain(|c| !uses_old(&expression_words(&c.expression)));
        }
        bare
    }
}

/// Steps for statements no change of a diff stands for.
fn unmapped(statements: Vec<String>) -> Vec<Step> {
    statements
        .into_iter()
        .map(|sql| Step {
            sql,
            change: usize::MAX,
            transactional: true,
            commit_before: false,
        })
        .collect()
}

/// The expand/contract split of `diff` (from `from` to `to`, computed with `hints`), or `None`
/// when nothing in it needs one: no dropped column or table, no column rename that can be
/// split, no table rename that a view can stand in for.
pub fn expand_contract(
    from: &Schema,
    to: &Schema,
    diff: &Diff,
    hints: &RenameHints,
) -> Option<ExpandContract> {
    let dialect = to.dialect;
    let renamed_tables: BTreeMap<QualifiedName, QualifiedName> = diff
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::RenameTable { from, to } => Some((to.clone(), from.clone())),
            _ => None,
        })
        .collect();
    let old_name = |new: &QualifiedName| renamed_tables.get(new).unwrap_or(new).clone();
    let new_name = |old: &QualifiedName| {
        renamed_tables
            .iter()
            .find(|(_, o)| *o == old)
            .map(|(n, _)| n.clone())
            .unwrap_or_else(|| old.clone())
    };

    let mut middle = to.clone();
    let mut split = false;
    let mut loses_data = false;
    let mut syncs = Vec::new();
    let mut expand_hints = RenameHints::new();
    // Per table (middle name): the old columns kept, and the new columns of split renames.
    let mut kept: BTreeMap<QualifiedName, KeptColumns> = BTreeMap::new();
    let mut views = Vec::new();

    for change in &diff.changes {
        match change {
            // Objects a kept table may still use stay until the contract step too.
            Change::DropNamespace { namespace } => middle.namespaces.push(namespace.clone()),
            Change::DropSequence { sequence } => middle.sequences.push(sequence.clone()),
            Change::DropEnum { enum_type } => middle.enums.push(enum_type.clone()),
            Change::DropTable { table, .. } => {
                let mut kept_table = table.clone();
                for fk in &mut kept_table.foreign_keys {
                    fk.referenced_table = new_name(&fk.referenced_table);
                }
                middle.tables.push(kept_table);
                split = true;
                loses_data = true;
            }
            Change::DropColumn { table, column, .. } => {
                kept.entry(table.clone())
                    .or_default()
                    .dropped
                    .insert(column.name.clone());
                split = true;
                loses_data = true;
            }
            Change::RenameColumn {
                table,
                from: old,
                to: new,
            } => {
                let column = from
                    .table(&old_name(table))
                    .and_then(|t| t.column(old).map(|c| (t, c)));
                let splittable = column.is_some_and(|(t, c)| {
                    c.identity.is_none()
                        && c.generated.is_none()
                        && !t
                            .primary_key
                            .as_ref()
                            .is_some_and(|pk| pk.columns.contains(old))
                });
                if splittable {
                    let entry = kept.entry(table.clone()).or_default();
                    entry.renamed_old.insert(old.clone());
                    entry.renamed_new.insert(new.clone());
                    syncs.push(ColumnSync {
                        table: table.clone(),
                        old: old.clone(),
                        new: new.clone(),
                    });
                    split = true;
                } else {
                    expand_hints = expand_hints.rename_column(table.clone(), old, new);
                }
            }
            Change::RenameTable { from: old, to: new } => {
                expand_hints = expand_hints.rename_table(old.clone(), new.clone());
                if dialect != Dialect::Sqlite {
                    views.push((old.clone(), new.clone()));
                    split = true;
                }
            }
            _ => {}
        }
    }
    if !split {
        return None;
    }
    // Column renames the split does not carry stay as hints of the expand step.
    for rename in &hints.columns {
        let carried = syncs
            .iter()
            .any(|s| s.old == rename.from && s.new == rename.to);
        let listed = expand_hints
            .columns
            .iter()
            .any(|c| c.from == rename.from && c.to == rename.to);
        if !carried && !listed {
            expand_hints =
                expand_hints.rename_column(rename.table.clone(), &rename.from, &rename.to);
        }
    }

    for (table, columns) in &kept {
        let Some(before) = from.table(&old_name(table)) else {
            continue;
        };
        let Some(after) = middle.tables.iter_mut().find(|t| &t.name == table) else {
            continue;
        };
        keep_old_shape(before, after, columns, dialect, &|name: &QualifiedName| {
            new_name(name)
        });
    }
    keep_old_views(from, &mut middle, diff, &kept, &new_name);
    for (old, new) in views {
        let Some(table) = middle.table(&new).cloned() else {
            continue;
        };
        let Some(before) = from.table(&old) else {
            continue;
        };
        middle
            .views
            .push(stand_in_view(&old, &table, before, hints, dialect));
    }
    middle.normalize();
    Some(ExpandContract {
        middle,
        expand_hints,
        syncs,
        loses_data,
    })
}

/// Views of `from` that read what the middle schema keeps only for old readers (a dropped
/// table, a dropped column, the old name of a renamed one) stay as they were until the
/// contract step: rewritten to the new shape at expand time, a reader still selecting the old
/// column would fail then, not after its code moved on.
fn keep_old_views(
    from: &Schema,
    middle: &mut Schema,
    diff: &Diff,
    kept: &BTreeMap<QualifiedName, KeptColumns>,
    new_name: &dyn Fn(&QualifiedName) -> QualifiedName,
) {
    let dropped_tables: Vec<&QualifiedName> = diff
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::DropTable { table, .. } => Some(&table.name),
            _ => None,
        })
        .collect();
    let reads_kept = |view: &View| {
        view.depends_on.iter().any(|table| {
            dropped_tables.contains(&table)
                || kept.get(&new_name(table)).is_some_and(|columns| {
                    columns
                        .dropped
                        .iter()
                        .chain(&columns.renamed_old)
                        .any(|c| crate::diff::mentions(&view.definition, c))
                })
        })
    };
    for view in from.views.iter().filter(|v| reads_kept(v)) {
        middle.views.retain(|v| v.name != view.name);
        middle.views.push(view.clone());
    }
}

/// The columns of one table that the middle schema keeps or adds.
#[derive(Debug, Default)]
struct KeptColumns {
    /// Dropped by the change: kept until the contract step.
    dropped: BTreeSet<String>,
    /// Old names of split renames: kept until the contract step.
    renamed_old: BTreeSet<String>,
    /// New names of split renames: added by the expand step.
    renamed_new: BTreeSet<String>,
}

/// Puts the old columns (and the indexes and constraints that use them) back into `after`,
/// the middle schema's table, and makes new columns of split renames nullable until the
/// contract step (the backfill fills them).
fn keep_old_shape(
    before: &Table,
    after: &mut Table,
    kept: &KeptColumns,
    dialect: Dialect,
    new_name: &dyn Fn(&QualifiedName) -> QualifiedName,
) {
    let old_columns: BTreeSet<&String> = kept.dropped.iter().chain(&kept.renamed_old).collect();
    let new_columns = &kept.renamed_new;
    // A new column starts empty (a default would fill it and the backfill would skip every
    // row); the contract step sets its default and NOT NULL once the backfill has run.
    for column in &mut after.columns {
        if new_columns.contains(&column.name) {
            column.nullable = true;
            column.default = None;
        }
    }
    let mut previous: Option<String> = None;
    for column in &before.columns {
        if old_columns.contains(&column.name) && after.column(&column.name).is_none() {
            let mut old = column.clone();
            let fills_itself =
                old.default.is_some() || old.identity.is_some() || old.generated.is_some();
            // Code that no longer writes a dropped column must still be able to insert. A
            // renamed column's NOT NULL can stay where the sync trigger runs before the check
            // (PostgreSQL, MySQL), not on SQLite, whose triggers run after the insert.
            let relax = if kept.dropped.contains(&old.name) {
                !fills_itself
            } else {
                !fills_itself && dialect == Dialect::Sqlite
            };
            old.nullable |= relax;
            let at = previous
                .as_ref()
                .and_then(|p| after.columns.iter().position(|c| &c.name == p))
                .map_or(0, |i| i + 1);
            after.columns.insert(at, old);
        }
        if after.column(&column.name).is_some() {
            previous = Some(column.name.clone());
        }
    }

    let uses_old = |columns: &[String]| columns.iter().any(|c| old_columns.contains(c));
    let uses_new = |columns: &[String]| columns.iter().any(|c| new_columns.contains(c));

    if after
        .primary_key
        .as_ref()
        .is_some_and(|pk| uses_new(&pk.columns))
    {
        after.primary_key = before.primary_key.clone();
    }

    after.indexes.retain(|i| !uses_new(&index_columns(i)));
    for index in before
        .indexes
        .iter()
        .filter(|i| uses_old(&index_columns(i)))
    {
        after.indexes.retain(|i| i.name != index.name);
        after.indexes.push(index.clone());
    }

    after.uniques.retain(|u| !uses_new(&u.columns));
    for unique in before.uniques.iter().filter(|u| uses_old(&u.columns)) {
        after
            .uniques
            .retain(|u| u.name.is_none() || u.name != unique.name);
        after.uniques.push(unique.clone());
    }

    after.foreign_keys.retain(|f| !uses_new(&f.columns));
    for fk in before.foreign_keys.iter().filter(|f| uses_old(&f.columns)) {
        after
            .foreign_keys
            .retain(|f| f.name.is_none() || f.name != fk.name);
        after.foreign_keys.push(ForeignKey {
            referenced_table: new_name(&fk.referenced_table),
            ..fk.clone()
        });
    }

    after
        .checks
        .retain(|c| !uses_new(&expression_words(&c.expression)));
    for check in before
        .checks
        .iter()
        .filter(|c| uses_old(&expression_words(&c.expression)))
    {
        after
            .checks
            .retain(|c| c.name.is_none() || c.name != check.name);
        after.checks.push(check.clone());
    }
}

/// The columns an index reads: plain keys, and the words of expression keys and predicates.
fn index_columns(index: &Index) -> Vec<String> {
    let mut columns = Vec::new();
    for part in &index.parts {
        match &part.key {
            IndexKey::Column(name) => columns.push(name.clone()),
            IndexKey::Expression(text) => columns.extend(expression_words(text)),
        }
    }
    if let Some(predicate) = &index.predicate {
        columns.extend(expression_words(predicate));
    }
    columns
}

/// The identifier-like words of an expression, unquoted: a conservative guess at the columns
/// it reads (a keyword that happens to be a column name only keeps more of the old shape).
fn expression_words(expression: &str) -> Vec<String> {
    expression
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '"' || c == '`'))
        .map(|w| w.trim_matches(|c| c == '"' || c == '`').to_string())
        .filter(|w| !w.is_empty())
        .collect()
}

/// A view under a renamed table's old name that reads and writes the table under its new
/// one, exposing the old column names.
fn stand_in_view(
    old: &QualifiedName,
    table: &Table,
    before: &Table,
    hints: &RenameHints,
    dialect: Dialect,
) -> View {
    let columns: Vec<String> = before
        .columns
        .iter()
        .filter_map(|c| {
            if table.column(&c.name).is_some() {
                return Some(quote_ident(dialect, &c.name));
            }
            let renamed = hints
                .columns
                .iter()
                .find(|r| r.from == c.name && table.column(&r.to).is_some())?;
            Some(format!(
                "{} AS {}",
                quote_ident(dialect, &renamed.to),
                quote_ident(dialect, &c.name)
            ))
        })
        .collect();
    View {
        name: old.clone(),
        definition: format!(
            "SELECT {} FROM {}",
            columns.join(", "),
            table.name.quoted(dialect)
        ),
        depends_on: vec![table.name.clone()],
        comment: None,
        grants: Vec::new(),
    }
}

/// Statements that create the triggers keeping `sync.old` and `sync.new` equal on every
/// write, then copy `source` into `target` for the rows already there (`target` is the
/// column just added: the new one in the expand step, the old one when a contract step is
/// undone).
pub fn sync_statements(sync: &ColumnSync, dialect: Dialect, target: &str) -> Vec<String> {
    let table = sync.table.quoted(dialect);
    let q = |c: &str| quote_ident(dialect, c);
    let (old, new) = (q(&sync.old), q(&sync.new));
    let source = if target == sync.new { &old } else { &new };
    let target_q = q(target);
    let backfill = format!(
        "UPDATE {table} SET {target_q} = {source} WHERE {target_q} IS NULL AND {source} IS NOT NULL"
    );
    let names = TriggerNames::of(sync, dialect);
    let mut statements = match dialect {
        Dialect::Postgres => vec![
            format!(
                "CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $dbw$\n\
                 BEGIN\n\
                 \x20 IF TG_OP = 'INSERT' THEN\n\
                 \x20   IF NEW.{new} IS NULL THEN NEW.{new} := NEW.{old}; END IF;\n\
                 \x20   IF NEW.{old} IS NULL THEN NEW.{old} := NEW.{new}; END IF;\n\
                 \x20 ELSIF NEW.{new} IS DISTINCT FROM OLD.{new} THEN\n\
                 \x20   NEW.{old} := NEW.{new};\n\
                 \x20 ELSIF NEW.{old} IS DISTINCT FROM OLD.{old} THEN\n\
                 \x20   NEW.{new} := NEW.{old};\n\
                 \x20 END IF;\n\
                 \x20 RETURN NEW;\n\
                 END\n\
                 $dbw$",
                function = names.function
            ),
            format!(
                "CREATE TRIGGER {trigger} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()",
                trigger = names.insert,
                function = names.function
            ),
        ],
        Dialect::Mysql => vec![
            format!(
                "CREATE TRIGGER {} BEFORE INSERT ON {table} FOR EACH ROW SET NEW.{new} = COALESCE(NEW.{new}, NEW.{old}), NEW.{old} = COALESCE(NEW.{old}, NEW.{new})",
                names.insert
            ),
            // Assignments run in order: a changed new value wins, else a changed old one.
            format!(
                "CREATE TRIGGER {} BEFORE UPDATE ON {table} FOR EACH ROW SET NEW.{old} = IF(NOT (NEW.{new} <=> OLD.{new}), NEW.{new}, NEW.{old}), NEW.{new} = IF(NOT (NEW.{old} <=> OLD.{old}) AND (NEW.{new} <=> OLD.{new}), NEW.{old}, NEW.{new})",
                names.update
            ),
        ],
        Dialect::Sqlite => vec![
            format!(
                "CREATE TRIGGER {} AFTER INSERT ON {table} FOR EACH ROW BEGIN UPDATE {table} SET {new} = COALESCE(NEW.{new}, NEW.{old}), {old} = COALESCE(NEW.{old}, NEW.{new}) WHERE rowid = NEW.rowid; END",
                names.insert
            ),
            format!(
                "CREATE TRIGGER {} AFTER UPDATE ON {table} FOR EACH ROW WHEN NEW.{new} IS NOT OLD.{new} OR NEW.{old} IS NOT OLD.{old} BEGIN UPDATE {table} SET {old} = CASE WHEN NEW.{new} IS NOT OLD.{new} THEN NEW.{new} ELSE NEW.{old} END, {new} = CASE WHEN NEW.{new} IS NOT OLD.{new} THEN NEW.{new} ELSE NEW.{old} END WHERE rowid = NEW.rowid; END",
                names.update
            ),
        ],
    };
    statements.push(backfill);
    statements
}

/// The contract step on MySQL, which commits each statement: everything that can fail for
/// another reason than the old shape (new constraints, indexes, defaults) runs while the sync
/// triggers still keep old and new in step; then the triggers go; then the old columns and
/// tables. A failure on the way leaves the expand shape working, and the sync is dropped only
/// when nothing is left but dropping what no code uses any more (dropping the old column
/// before its triggers would make every write fail on triggers that name it).
fn mysql_contract_order(steps: Vec<Step>, contract_diff: &Diff, unsync: Vec<Step>) -> Plan {
    let (drops, rest): (Vec<Step>, Vec<Step>) = steps.into_iter().partition(|step| {
        // Only statements that do nothing but drop: one that also carries a change it took
        // over (a new primary key in the same ALTER) stays where later statements need it.
        let upper = step.sql.to_ascii_uppercase();
        matches!(
            contract_diff.changes.get(step.change),
            Some(Change::DropColumn { .. } | Change::DropTable { .. })
        ) && !upper.contains(" ADD ")
            && !upper.contains(" MODIFY ")
            && !upper.contains(" CHANGE ")
    });
    let mut plan = Plan {
        steps: rest,
        dialect: Some(Dialect::Mysql),
    };
    plan.steps.extend(unsync);
    plan.steps.extend(drops);
    plan
}

/// Statements that drop what [`sync_statements`] created.
pub fn unsync_statements(sync: &ColumnSync, dialect: Dialect) -> Vec<String> {
    let names = TriggerNames::of(sync, dialect);
    let table = sync.table.quoted(dialect);
    match dialect {
        Dialect::Postgres => vec![
            format!("DROP TRIGGER IF EXISTS {} ON {table}", names.insert),
            format!("DROP FUNCTION IF EXISTS {}()", names.function),
        ],
        Dialect::Mysql | Dialect::Sqlite => vec![
            format!("DROP TRIGGER IF EXISTS {}", names.insert),
            format!("DROP TRIGGER IF EXISTS {}", names.update),
        ],
    }
}

/// Quoted names of the sync triggers (and PostgreSQL's trigger function), derived from the
/// table and the new column, kept within identifier limits (63 bytes on PostgreSQL, 64 on
/// MySQL) by a hash suffix when long.
struct TriggerNames {
    function: String,
    insert: String,
    update: String,
}

impl TriggerNames {
    fn of(sync: &ColumnSync, dialect: Dialect) -> Self {
        let base = format!("{}_{}", sync.table.name, sync.new);
        let name = |prefix: &str| {
            let full = format!("{prefix}_{base}");
            if full.len() <= 60 {
                return full;
            }
            let mut cut = 48;
            while !full.is_char_boundary(cut) {
                cut -= 1;
            }
            format!("{}_{:08x}", &full[..cut], fnv(&full))
        };
        let in_namespace = |ident: String| match &sync.table.schema {
            Some(schema) => format!(
                "{}.{}",
                quote_ident(dialect, schema),
                quote_ident(dialect, &ident)
            ),
            None => quote_ident(dialect, &ident),
        };
        TriggerNames {
            function: in_namespace(name("dbw_sync")),
            // A PostgreSQL trigger belongs to its table; MySQL and SQLite triggers live in the
            // table's database/schema.
            insert: match dialect {
                Dialect::Postgres => quote_ident(dialect, &name("dbw_sync")),
                _ => in_namespace(name("dbw_sync_ins")),
            },
            update: in_namespace(name("dbw_sync_upd")),
        }
    }
}

fn fnv(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Column;
    use crate::diff::diff;

    fn customers(dialect: Dialect, columns: &[(&str, bool)]) -> Schema {
        let mut table = Table::new(QualifiedName::bare("customers"));
        table.columns.push(Column::new("id", "integer"));
        table.primary_key = Some(crate::PrimaryKey {
            name: None,
            columns: vec!["id".into()],
        });
        for (name, nullable) in columns {
            let mut column = Column::new(*name, "text");
            column.nullable = *nullable;
            table.columns.push(column);
        }
        let mut schema = Schema::empty(dialect);
        schema.tables.push(table);
        schema.normalize();
        schema
    }

    #[test]
    fn a_dropped_column_stays_in_the_middle_schema_and_becomes_nullable() {
        let from = customers(Dialect::Postgres, &[("email", false), ("legacy", false)]);
        let to = customers(Dialect::Postgres, &[("email", false)]);
        let changes = diff(&from, &to, &RenameHints::new());
        let split = expand_contract(&from, &to, &changes, &RenameHints::new())
            .expect("a dropped column is split");
        assert!(split.loses_data);
        let table = &split.middle.tables[0];
        let legacy = table
            .column("legacy")
            .expect("kept until the contract step");
        assert!(
            legacy.nullable,
            "code that stops writing it can still insert"
        );
        // Expand drops nothing; contract drops the column.
        let expand = diff(&from, &split.middle, &split.expand_hints);
        assert!(
            !expand
                .changes
                .iter()
                .any(|c| matches!(c, Change::DropColumn { .. })),
            "{expand:?}"
        );
        let contract = diff(&split.middle, &to, &RenameHints::new());
        assert!(
            contract
                .changes
                .iter()
                .any(|c| matches!(c, Change::DropColumn { column, .. } if column.name == "legacy"))
        );
    }

    #[test]
    fn a_renamed_column_exists_under_both_names_in_the_middle() {
        let from = customers(Dialect::Mysql, &[("name", false)]);
        let to = customers(Dialect::Mysql, &[("full_name", false)]);
        let hints =
            RenameHints::new().rename_column(QualifiedName::bare("customers"), "name", "full_name");
        let changes = diff(&from, &to, &hints);
        let split = expand_contract(&from, &to, &changes, &hints).expect("split");
        assert!(!split.loses_data, "the data lives on in the new column");
        let table = &split.middle.tables[0];
        let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "name", "full_name"]);
        assert!(table.column("full_name").is_some_and(|c| c.nullable));
        assert!(table.column("name").is_some_and(|c| !c.nullable));
        assert_eq!(split.syncs.len(), 1);
        let statements = sync_statements(&split.syncs[0], Dialect::Mysql, "full_name");
        assert_eq!(statements.len(), 3);
        assert!(statements[2].starts_with("UPDATE `customers` SET `full_name` = `name`"));
    }

    #[test]
    fn a_renamed_table_leaves_a_view_under_its_old_name_except_on_sqlite() {
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            let from = customers(dialect, &[("email", true)]);
            let mut to = from.clone();
            to.tables[0].name = QualifiedName::bare("clients");
            let hints = RenameHints::new().rename_table(
                QualifiedName::bare("customers"),
                QualifiedName::bare("clients"),
            );
            let changes = diff(&from, &to, &hints);
            let split = expand_contract(&from, &to, &changes, &hints);
            match dialect {
                Dialect::Sqlite => assert!(split.is_none(), "a direct rename on SQLite"),
                _ => {
                    let split = split.expect("split");
                    assert_eq!(split.middle.views.len(), 1);
                    assert_eq!(
                        split.middle.views[0].definition,
                        r#"SELECT "id", "email" FROM "clients""#
                    );
                }
            }
        }
    }

    #[test]
    fn nothing_to_split_in_additive_changes() {
        let from = customers(Dialect::Postgres, &[("email", false)]);
        let to = customers(Dialect::Postgres, &[("email", false), ("phone", true)]);
        let changes = diff(&from, &to, &RenameHints::new());
        assert!(expand_contract(&from, &to, &changes, &RenameHints::new()).is_none());
    }

    #[test]
    fn long_trigger_names_are_cut_with_a_hash() {
        let sync = ColumnSync {
            table: QualifiedName::bare("t".repeat(70)),
            old: "a".into(),
            new: "b".into(),
        };
        let names = TriggerNames::of(&sync, Dialect::Postgres);
        assert!(names.function.len() <= 62, "{}", names.function);
        let other = ColumnSync {
            new: "c".into(),
            ..sync.clone()
        };
        assert_ne!(
            TriggerNames::of(&other, Dialect::Postgres).function,
            names.function
        );
    }
}
