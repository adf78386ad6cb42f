//! The semantic changes a diff finds: one variant per thing a migration does to one object.

use serde::{Deserialize, Serialize};

use crate::MaterializedView;

use crate::{
    CheckConstraint, Column, CompositeType, Domain, EnumType, Extension, ForeignKey, Index,
    Namespace, Policy, PrimaryKey, QualifiedName, Routine, RowSecurity, Sequence, Table, Trigger,
    UniqueConstraint, View,
};

/// One difference between two schemas, as the action that turns the old into the new.
///
/// Changes that touch a table name it by its new name: a [`Change::RenameTable`] comes before
/// every other change of that table. A changed constraint or index is a drop followed by an
/// add, because no engine alters them in place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Change {
    /// `CREATE SCHEMA`.
    CreateNamespace {
        /// The new namespace.
        namespace: Namespace,
    },
    /// `DROP SCHEMA`.
    DropNamespace {
        /// The namespace as it was.
        namespace: Namespace,
    },
    /// `CREATE TYPE ... AS ENUM`.
    CreateEnum {
        /// The new type.
        enum_type: EnumType,
    },
    /// `DROP TYPE`.
    DropEnum {
        /// The type as it was.
        enum_type: EnumType,
    },
    /// `ALTER TYPE ... ADD VALUE`: a new label, the only enum change PostgreSQL makes in place.
    AddEnumValue {
        /// The enum type.
        enum_name: QualifiedName,
        /// The new label.
        value: String,
        /// The existing label it goes before; `None` appends it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        before: Option<String>,
    },
    /// Labels removed or reordered: the type has to be created anew and every column using it
    /// converted.
    RecreateEnum {
        /// The type as it was.
        from: EnumType,
        /// The type as it becomes.
        to: EnumType,
    },
    /// `CREATE SEQUENCE`.
    CreateSequence {
        /// The new sequence.
        sequence: Sequence,
    },
    /// `DROP SEQUENCE`.
    DropSequence {
        /// The sequence as it was.
        sequence: Sequence,
    },
    /// `ALTER SEQUENCE`: any option or the owner changed.
    AlterSequence {
        /// The sequence as it was.
        from: Sequence,
        /// The sequence as it becomes.
        to: Sequence,
    },
    /// `CREATE TABLE` with its columns, keys, checks and indexes (foreign keys included).
    CreateTable {
        /// The new table.
        table: Table,
    },
    /// `DROP TABLE`.
    DropTable {
        /// The table as it was.
        table: Table,
        /// Objects outside the table that use it: foreign keys of other tables, views.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        dependents: Vec<Dependent>,
    },
    /// `ALTER TABLE ... RENAME`, only ever from a rename hint.
    RenameTable {
        /// The old name.
        from: QualifiedName,
        /// The new name.
        to: QualifiedName,
    },
    /// `ALTER TABLE ... ADD COLUMN`.
    AddColumn {
        /// The table.
        table: QualifiedName,
        /// The new column.
        column: Column,
        /// Where it goes among the table's columns.
        position: ColumnPosition,
    },
    /// `ALTER TABLE ... DROP COLUMN`.
    DropColumn {
        /// The table.
        table: QualifiedName,
        /// The column as it was.
        column: Column,
        /// What uses the column in the old schema.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        dependents: Vec<Dependent>,
    },
    /// `ALTER TABLE ... RENAME COLUMN`, only ever from a rename hint.
    RenameColumn {
        /// The table.
        table: QualifiedName,
        /// The old name.
        from: String,
        /// The new name.
        to: String,
    },
    /// A column's definition changed (under its new name, after any rename).
    AlterColumn {
        /// The table.
        table: QualifiedName,
        /// The column as it was (renamed to its new name if it was renamed).
        from: Column,
        /// The column as it becomes.
        to: Column,
        /// Which parts of the definition differ.
        changes: ColumnChanges,
        /// What uses the column in the old schema (for type, collation and generation changes).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        dependents: Vec<Dependent>,
    },
    /// The columns the table keeps are in another order.
    ReorderColumns {
        /// The table.
        table: QualifiedName,
        /// The kept columns in their old order.
        from: Vec<String>,
        /// The same columns in their new order.
        to: Vec<String>,
    },
    /// `ADD PRIMARY KEY`.
    AddPrimaryKey {
        /// The table.
        table: QualifiedName,
        /// The new key.
        primary_key: PrimaryKey,
    },
    /// `DROP PRIMARY KEY` / `DROP CONSTRAINT`.
    DropPrimaryKey {
        /// The table.
        table: QualifiedName,
        /// The key as it was.
        primary_key: PrimaryKey,
    },
    /// `ADD UNIQUE`.
    AddUnique {
        /// The table.
        table: QualifiedName,
        /// The new constraint.
        unique: UniqueConstraint,
    },
    /// `DROP CONSTRAINT` of a unique constraint.
    DropUnique {
        /// The table.
        table: QualifiedName,
        /// The constraint as it was.
        unique: UniqueConstraint,
    },
    /// `ADD FOREIGN KEY`.
    AddForeignKey {
        /// The referencing table.
        table: QualifiedName,
        /// The new key.
        foreign_key: ForeignKey,
    },
    /// `DROP CONSTRAINT` / `DROP FOREIGN KEY`.
    DropForeignKey {
        /// The referencing table.
        table: QualifiedName,
        /// The key as it was.
        foreign_key: ForeignKey,
    },
    /// `ADD CHECK`.
    AddCheck {
        /// The table.
        table: QualifiedName,
        /// The new constraint.
        check: CheckConstraint,
    },
    /// `DROP CONSTRAINT` / `DROP CHECK`.
    DropCheck {
        /// The table.
        table: QualifiedName,
        /// The constraint as it was.
        check: CheckConstraint,
    },
    /// `CREATE INDEX`.
    CreateIndex {
        /// The table.
        table: QualifiedName,
        /// The new index.
        index: Index,
    },
    /// `DROP INDEX`.
    DropIndex {
        /// The table.
        table: QualifiedName,
        /// The index as it was.
        index: Index,
    },
    /// `CREATE VIEW`.
    CreateView {
        /// The new view.
        view: View,
    },
    /// `DROP VIEW`.
    DropView {
        /// The view as it was.
        view: View,
    },
    /// The view's body changed (`CREATE OR REPLACE VIEW`, or drop and create).
    ReplaceView {
        /// The view as it was.
        from: View,
        /// The view as it becomes.
        to: View,
    },
    /// `CREATE EXTENSION`.
    CreateExtension {
        /// The new extension.
        extension: Extension,
    },
    /// `DROP EXTENSION`.
    DropExtension {
        /// The extension as it was.
        extension: Extension,
    },
    /// `ALTER EXTENSION ... UPDATE TO`.
    UpdateExtension {
        /// The extension as it was.
        from: Extension,
        /// The extension as it becomes.
        to: Extension,
    },
    /// `CREATE FUNCTION` / `CREATE PROCEDURE`.
    CreateRoutine {
        /// The new routine.
        routine: Routine,
    },
    /// `DROP FUNCTION` / `DROP PROCEDURE`.
    DropRoutine {
        /// The routine as it was.
        routine: Routine,
    },
    /// The routine's definition changed (`CREATE OR REPLACE` where its result type and kind
    /// stay, otherwise drop and create).
    ReplaceRoutine {
        /// The routine as it was.
        from: Routine,
        /// The routine as it becomes.
        to: Routine,
    },
    /// `CREATE TRIGGER`.
    CreateTrigger {
        /// The new trigger.
        trigger: Trigger,
    },
    /// `DROP TRIGGER`.
    DropTrigger {
        /// The trigger as it was.
        trigger: Trigger,
    },
    /// The trigger's definition changed: dropped and created again.
    ReplaceTrigger {
        /// The trigger as it was.
        from: Trigger,
        /// The trigger as it becomes.
        to: Trigger,
    },
    /// PostgreSQL `ALTER TABLE ... ENABLE/DISABLE TRIGGER`.
    SetTriggerState {
        /// The trigger, as it becomes.
        trigger: Trigger,
        /// The old state (`None`: enabled, the default).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
    },
    /// `CREATE MATERIALIZED VIEW` with its indexes (a changed body is a drop and a create).
    CreateMaterializedView {
        /// The new materialized view.
        view: MaterializedView,
    },
    /// `DROP MATERIALIZED VIEW`.
    DropMaterializedView {
        /// The materialized view as it was.
        view: MaterializedView,
    },
    /// The same body with other indexes or another comment.
    AlterMaterializedView {
        /// As it was.
        from: MaterializedView,
        /// As it becomes.
        to: MaterializedView,
    },
    /// `CREATE DOMAIN`.
    CreateDomain {
        /// The new domain.
        domain: Domain,
    },
    /// `DROP DOMAIN`.
    DropDomain {
        /// The domain as it was.
        domain: Domain,
    },
    /// `ALTER DOMAIN`: default, NOT NULL or checks (the comment is a [`Change::SetComment`]).
    AlterDomain {
        /// As it was.
        from: Domain,
        /// As it becomes.
        to: Domain,
    },
    /// `CREATE TYPE ... AS (...)`.
    CreateComposite {
        /// The new type.
        composite: CompositeType,
    },
    /// `DROP TYPE` of a composite type.
    DropComposite {
        /// The type as it was.
        composite: CompositeType,
    },
    /// `ALTER TYPE ... ADD/DROP/ALTER ATTRIBUTE`.
    AlterComposite {
        /// As it was.
        from: CompositeType,
        /// As it becomes.
        to: CompositeType,
    },
    /// `CREATE POLICY`.
    CreatePolicy {
        /// The new policy.
        policy: Policy,
    },
    /// `DROP POLICY`.
    DropPolicy {
        /// The policy as it was.
        policy: Policy,
    },
    /// The policy changed: dropped and created again (in one transaction).
    ReplacePolicy {
        /// The policy as it was.
        from: Policy,
        /// The policy as it becomes.
        to: Policy,
    },
    /// PostgreSQL `ALTER TABLE ... SET LOGGED / SET UNLOGGED` (rewrites the table).
    SetLogged {
        /// The table.
        table: QualifiedName,
        /// Whether it becomes unlogged.
        unlogged: bool,
    },
    /// `ALTER TABLE ... ENABLE/DISABLE/FORCE/NO FORCE ROW LEVEL SECURITY`.
    SetRowSecurity {
        /// The table.
        table: QualifiedName,
        /// As it was.
        from: RowSecurity,
        /// As it becomes.
        to: RowSecurity,
    },
    /// `COMMENT ON` a namespace, enum, sequence, table or view (column comments are part of
    /// [`Change::AlterColumn`]).
    SetComment {
        /// The commented object.
        target: CommentTarget,
        /// The old comment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        /// The new comment; `None` removes it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
    },
}

/// The changes of object kinds only PostgreSQL has (extensions, row-level security, domains,
/// composite types, materialized views, UNLOGGED), as one match pattern.
macro_rules! postgres_only_change {
    () => {
        $crate::diff::Change::CreateExtension { .. }
            | $crate::diff::Change::DropExtension { .. }
            | $crate::diff::Change::UpdateExtension { .. }
            | $crate::diff::Change::CreatePolicy { .. }
            | $crate::diff::Change::DropPolicy { .. }
            | $crate::diff::Change::ReplacePolicy { .. }
            | $crate::diff::Change::SetRowSecurity { .. }
            | $crate::diff::Change::CreateDomain { .. }
            | $crate::diff::Change::DropDomain { .. }
            | $crate::diff::Change::AlterDomain { .. }
            | $crate::diff::Change::CreateComposite { .. }
            | $crate::diff::Change::DropComposite { .. }
            | $crate::diff::Change::AlterComposite { .. }
            | $crate::diff::Change::CreateMaterializedView { .. }
            | $crate::diff::Change::DropMaterializedView { .. }
            | $crate::diff::Change::AlterMaterializedView { .. }
            | $crate::diff::Change::SetLogged { .. }
    };
}

/// The changes `plan/programs.rs` writes for every dialect (routines, triggers and the
/// PostgreSQL-only kinds), as one match pattern: the dialect planners pass over them.
macro_rules! program_change {
    () => {
        $crate::diff::postgres_only_change!()
            | $crate::diff::Change::CreateRoutine { .. }
            | $crate::diff::Change::DropRoutine { .. }
            | $crate::diff::Change::ReplaceRoutine { .. }
            | $crate::diff::Change::CreateTrigger { .. }
            | $crate::diff::Change::DropTrigger { .. }
            | $crate::diff::Change::ReplaceTrigger { .. }
            | $crate::diff::Change::SetTriggerState { .. }
    };
}

pub(crate) use {postgres_only_change, program_change};

/// Which parts of a column definition changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ColumnChanges {
    /// The data type.
    pub data_type: bool,
    /// NULL allowed or not.
    pub nullable: bool,
    /// The default expression.
    pub default: bool,
    /// Identity or auto-increment.
    pub identity: bool,
    /// The generated expression or its storage.
    pub generated: bool,
    /// The collation.
    pub collation: bool,
    /// The comment.
    pub comment: bool,
}

impl ColumnChanges {
    /// The parts that differ between `from` and `to`, ignoring the name.
    pub fn between(from: &Column, to: &Column) -> Self {
        ColumnChanges {
            data_type: from.data_type != to.data_type,
            nullable: from.nullable != to.nullable,
            default: from.default != to.default,
            identity: from.identity != to.identity,
            generated: from.generated != to.generated,
            collation: from.collation != to.collation,
            comment: from.comment != to.comment,
        }
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.names().next().is_none()
    }

    /// The names of the changed parts (`type`, `nullability`, `default`, `identity`,
    /// `generated`, `collation`, `comment`), in that order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        [
            (self.data_type, "type"),
            (self.nullable, "nullability"),
            (self.default, "default"),
            (self.identity, "identity"),
            (self.generated, "generated"),
            (self.collation, "collation"),
            (self.comment, "comment"),
        ]
        .into_iter()
        .filter_map(|(changed, name)| changed.then_some(name))
    }
}

/// Where an added column goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum ColumnPosition {
    /// After every column (only other added columns follow it). The only position
    /// PostgreSQL and SQLite can add at.
    Last,
    /// Before every column.
    First,
    /// Right after `column` (MySQL `AFTER`).
    After {
        /// The preceding column, by its new name.
        column: String,
    },
}

/// An object that uses a table or column being dropped or changed. Found by name in the old
/// schema; expressions (checks, generated columns, index expressions, views) are matched on
/// the column name as a whole word, so an expression can be listed that only mentions a
/// same-named column of another table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "object", rename_all = "snake_case")]
pub enum Dependent {
    /// The table's primary key.
    PrimaryKey,
    /// A unique constraint of the table.
    Unique {
        /// Its name, if it has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// A foreign key of the table that uses the column.
    ForeignKey {
        /// Its name, if it has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// A foreign key of another table that references this table or column.
    ReferencedBy {
        /// The referencing table.
        table: QualifiedName,
        /// The key's name, if it has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// A check constraint whose expression names the column.
    Check {
        /// Its name, if it has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// An index with the column as a key part, or in an expression or predicate.
    Index {
        /// Its name.
        name: String,
    },
    /// A generated column whose expression names the column.
    GeneratedColumn {
        /// Its name.
        name: String,
    },
    /// A view reading the table (and, for a column, naming it).
    View {
        /// Its name.
        name: QualifiedName,
    },
}

impl Dependent {
    /// Whether the object is part of the table's own definition (keys, checks, generated
    /// columns), which SQLite can only remove by rebuilding the table.
    pub fn is_table_constraint(&self) -> bool {
        matches!(
            self,
            Dependent::PrimaryKey
                | Dependent::Unique { .. }
                | Dependent::ForeignKey { .. }
                | Dependent::Check { .. }
                | Dependent::GeneratedColumn { .. }
        )
    }
}

/// What a [`Change::SetComment`] comments on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "object", rename_all = "snake_case")]
pub enum CommentTarget {
    /// A namespace (`COMMENT ON SCHEMA`).
    Namespace {
        /// Its name.
        name: String,
    },
    /// An enum type (`COMMENT ON TYPE`).
    Enum {
        /// Its name.
        name: QualifiedName,
    },
    /// A sequence (`COMMENT ON SEQUENCE`).
    Sequence {
        /// Its name.
        name: QualifiedName,
    },
    /// A table (`COMMENT ON TABLE`, MySQL `COMMENT=`).
    Table {
        /// Its name.
        name: QualifiedName,
    },
    /// A view (`COMMENT ON VIEW`).
    View {
        /// Its name.
        name: QualifiedName,
    },
    /// A domain (`COMMENT ON DOMAIN`).
    Domain {
        /// Its name.
        name: QualifiedName,
    },
    /// A composite type (`COMMENT ON TYPE`).
    Composite {
        /// Its name.
        name: QualifiedName,
    },
    /// A function or procedure (`COMMENT ON FUNCTION`).
    Routine {
        /// The routine, as it becomes.
        routine: Box<Routine>,
    },
    /// A trigger (`COMMENT ON TRIGGER`).
    Trigger {
        /// The trigger, as it becomes.
        trigger: Box<Trigger>,
    },
}

impl Change {
    /// The table the change belongs to, for grouping changes by table: its new name for
    /// table, column, key, check, index and table comment changes; `None` for namespaces,
    /// enum types, sequences and views.
    pub fn table(&self) -> Option<&QualifiedName> {
        match self {
            Change::CreateTable { table } | Change::DropTable { table, .. } => Some(&table.name),
            Change::RenameTable { to, .. } => Some(to),
            Change::AddColumn { table, .. }
            | Change::DropColumn { table, .. }
            | Change::RenameColumn { table, .. }
            | Change::AlterColumn { table, .. }
            | Change::ReorderColumns { table, .. }
            | Change::AddPrimaryKey { table, .. }
            | Change::DropPrimaryKey { table, .. }
            | Change::AddUnique { table, .. }
            | Change::DropUnique { table, .. }
            | Change::AddForeignKey { table, .. }
            | Change::DropForeignKey { table, .. }
            | Change::AddCheck { table, .. }
            | Change::DropCheck { table, .. }
            | Change::CreateIndex { table, .. }
            | Change::DropIndex { table, .. } => Some(table),
            Change::CreateTrigger { trigger }
            | Change::DropTrigger { trigger }
            | Change::ReplaceTrigger { to: trigger, .. }
            | Change::SetTriggerState { trigger, .. } => Some(&trigger.table),
            Change::CreatePolicy { policy }
            | Change::DropPolicy { policy }
            | Change::ReplacePolicy { to: policy, .. } => Some(&policy.table),
            Change::SetRowSecurity { table, .. } | Change::SetLogged { table, .. } => Some(table),
            Change::SetComment {
                target: CommentTarget::Table { name },
                ..
            } => Some(name),
            Change::CreateNamespace { .. }
            | Change::DropNamespace { .. }
            | Change::CreateEnum { .. }
            | Change::DropEnum { .. }
            | Change::AddEnumValue { .. }
            | Change::RecreateEnum { .. }
            | Change::CreateSequence { .. }
            | Change::DropSequence { .. }
            | Change::AlterSequence { .. }
            | Change::CreateView { .. }
            | Change::DropView { .. }
            | Change::ReplaceView { .. }
            | Change::CreateMaterializedView { .. }
            | Change::DropMaterializedView { .. }
            | Change::AlterMaterializedView { .. }
            | Change::CreateDomain { .. }
            | Change::DropDomain { .. }
            | Change::AlterDomain { .. }
            | Change::CreateComposite { .. }
            | Change::DropComposite { .. }
            | Change::AlterComposite { .. }
            | Change::CreateExtension { .. }
            | Change::DropExtension { .. }
            | Change::UpdateExtension { .. }
            | Change::CreateRoutine { .. }
            | Change::DropRoutine { .. }
            | Change::ReplaceRoutine { .. }
            | Change::SetComment { .. } => None,
        }
    }

    /// The change's kind as in JSON (`add_column`, `drop_table`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Change::CreateNamespace { .. } => "create_namespace",
            Change::DropNamespace { .. } => "drop_namespace",
            Change::CreateEnum { .. } => "create_enum",
            Change::DropEnum { .. } => "drop_enum",
            Change::AddEnumValue { .. } => "add_enum_value",
            Change::RecreateEnum { .. } => "recreate_enum",
            Change::CreateSequence { .. } => "create_sequence",
            Change::DropSequence { .. } => "drop_sequence",
            Change::AlterSequence { .. } => "alter_sequence",
            Change::CreateTable { .. } => "create_table",
            Change::DropTable { .. } => "drop_table",
            Change::RenameTable { .. } => "rename_table",
            Change::AddColumn { .. } => "add_column",
            Change::DropColumn { .. } => "drop_column",
            Change::RenameColumn { .. } => "rename_column",
            Change::AlterColumn { .. } => "alter_column",
            Change::ReorderColumns { .. } => "reorder_columns",
            Change::AddPrimaryKey { .. } => "add_primary_key",
            Change::DropPrimaryKey { .. } => "drop_primary_key",
            Change::AddUnique { .. } => "add_unique",
            Change::DropUnique { .. } => "drop_unique",
            Change::AddForeignKey { .. } => "add_foreign_key",
            Change::DropForeignKey { .. } => "drop_foreign_key",
            Change::AddCheck { .. } => "add_check",
            Change::DropCheck { .. } => "drop_check",
            Change::CreateIndex { .. } => "create_index",
            Change::DropIndex { .. } => "drop_index",
            Change::CreateView { .. } => "create_view",
            Change::DropView { .. } => "drop_view",
            Change::ReplaceView { .. } => "replace_view",
            Change::CreateExtension { .. } => "create_extension",
            Change::DropExtension { .. } => "drop_extension",
            Change::UpdateExtension { .. } => "update_extension",
            Change::CreateRoutine { .. } => "create_routine",
            Change::DropRoutine { .. } => "drop_routine",
            Change::ReplaceRoutine { .. } => "replace_routine",
            Change::CreateTrigger { .. } => "create_trigger",
            Change::DropTrigger { .. } => "drop_trigger",
            Change::ReplaceTrigger { .. } => "replace_trigger",
            Change::SetTriggerState { .. } => "set_trigger_state",
            Change::CreateMaterializedView { .. } => "create_materialized_view",
            Change::DropMaterializedView { .. } => "drop_materialized_view",
            Change::AlterMaterializedView { .. } => "alter_materialized_view",
            Change::CreateDomain { .. } => "create_domain",
            Change::DropDomain { .. } => "drop_domain",
            Change::AlterDomain { .. } => "alter_domain",
            Change::CreateComposite { .. } => "create_composite",
            Change::DropComposite { .. } => "drop_composite",
            Change::AlterComposite { .. } => "alter_composite",
            Change::CreatePolicy { .. } => "create_policy",
            Change::DropPolicy { .. } => "drop_policy",
            Change::ReplacePolicy { .. } => "replace_policy",
            Change::SetRowSecurity { .. } => "set_row_security",
            Change::SetLogged { .. } => "set_logged",
            Change::SetComment { .. } => "set_comment",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users() -> QualifiedName {
        QualifiedName::new("public", "users")
    }

    #[test]
    fn json_has_a_snake_case_kind_tag_and_reads_back() {
        let change = Change::AddColumn {
            table: users(),
            column: Column::new("email", "text"),
            position: ColumnPosition::After {
                column: "id".into(),
            },
        };
        let json = serde_json::to_value(&change).expect("serializable");
        assert_eq!(
            json,
            serde_json::json!({
                "kind": "add_column",
                "table": {"schema": "public", "name": "users"},
                "column": {"name": "email", "data_type": "text", "nullable": true},
                "position": {"at": "after", "column": "id"},
            })
        );
        assert_eq!(json["kind"], change.kind());
        let back: Change = serde_json::from_value(json).expect("deserializable");
        assert_eq!(back, change);
    }

    #[test]
    fn table_groups_table_changes_only() {
        let renamed = Change::RenameTable {
            from: users(),
            to: QualifiedName::new("public", "people"),
        };
        assert_eq!(
            renamed.table(),
            Some(&QualifiedName::new("public", "people"))
        );
        let comment = Change::SetComment {
            target: CommentTarget::View { name: users() },
            from: None,
            to: Some("x".into()),
        };
        assert_eq!(comment.table(), None);
        let drop = Change::DropColumn {
            table: users(),
            column: Column::new("email", "text"),
            dependents: vec![Dependent::PrimaryKey],
        };
        assert_eq!(drop.table(), Some(&users()));
    }

    #[test]
    fn column_changes_name_their_parts_in_order() {
        let from = Column::new("c", "integer");
        let to = Column {
            nullable: false,
            comment: Some("x".into()),
            ..Column::new("c", "bigint")
        };
        let changes = ColumnChanges::between(&from, &to);
        assert_eq!(
            changes.names().collect::<Vec<_>>(),
            ["type", "nullability", "comment"]
        );
        assert!(ColumnChanges::between(&from, &from).is_empty());
    }
}
