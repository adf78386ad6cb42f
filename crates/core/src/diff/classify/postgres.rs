//! PostgreSQL: the table lock each change takes (PostgreSQL manual, "ALTER TABLE" and
//! "Explicit Locking") and whether it rewrites the table.

use super::{Aspect, LockInfo, Mechanics, PgLockMode, aspects, combine};
use crate::diff::types::{postgres_keeps_storage, shape};
use crate::diff::{Change, ColumnPosition, CommentTarget};
use crate::{Column, Dialect};

/// Functions whose value changes per row, so that `ADD COLUMN ... DEFAULT f()` must write
/// every row. PostgreSQL 11+ stores a non-volatile default once in the catalog instead
/// ("ALTER TABLE": "Adding a column with a volatile DEFAULT ... will require the entire table
/// and its indexes to be rewritten"). `now()` and `CURRENT_TIMESTAMP` are STABLE, not
/// volatile: they are evaluated once for the statement and need no rewrite.
const VOLATILE_FUNCTIONS: &[&str] = &[
    "random",
    "random_normal",
    "gen_random_uuid",
    "uuidv4",
    "uuidv7",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "nextval",
    "clock_timestamp",
    "timeofday",
    "txid_current",
    "pg_current_xact_id",
];

/// Functions known not to be volatile, so a default calling them needs no rewrite. Any other
/// function call counts as volatile: its volatility is not in the model, and assuming a
/// rewrite is the cautious mistake.
const NON_VOLATILE_FUNCTIONS: &[&str] = &[
    "now",
    "transaction_timestamp",
    "statement_timestamp",
    "current_setting",
    "lower",
    "upper",
    "coalesce",
    "concat",
    "length",
    "to_jsonb",
    "jsonb_build_object",
    "json_build_object",
    "jsonb_build_array",
    "make_interval",
    "array",
];

fn lock(mode: PgLockMode) -> LockInfo {
    LockInfo::Postgres { mode: Some(mode) }
}

const NO_LOCK: LockInfo = LockInfo::Postgres { mode: None };

/// The table lock and rewrite of `change` on PostgreSQL.
pub(super) fn mechanics(change: &Change) -> Mechanics {
    use PgLockMode::{AccessExclusive, Share, ShareRowExclusive, ShareUpdateExclusive};
    let brief = |what: &str| {
        Mechanics::new(
            false,
            lock(AccessExclusive),
            format!("{what} takes ACCESS EXCLUSIVE only briefly, changing the catalog alone"),
        )
    };
    match change {
        Change::CreateNamespace { .. } | Change::DropNamespace { .. } => {
            Mechanics::new(false, NO_LOCK, "a namespace change locks no table")
        }
        Change::CreateEnum { .. } | Change::DropEnum { .. } => {
            Mechanics::new(false, NO_LOCK, "a type change locks no table")
        }
        Change::AddEnumValue { .. } => Mechanics::new(
            false,
            NO_LOCK,
            "ALTER TYPE ... ADD VALUE locks no table, but before PostgreSQL 12 it cannot run in a transaction block and the new label is usable only after commit",
        ),
        Change::RecreateEnum { .. } => Mechanics::new(
            true,
            lock(AccessExclusive),
            "every column of the type is converted with ALTER COLUMN TYPE, which rewrites its table under ACCESS EXCLUSIVE",
        ),
        Change::CreateSequence { .. } => {
            Mechanics::new(false, NO_LOCK, "a new sequence locks nothing in use")
        }
        Change::DropSequence { .. } => Mechanics::new(
            false,
            lock(AccessExclusive),
            "DROP SEQUENCE takes ACCESS EXCLUSIVE on the sequence",
        ),
        Change::AlterSequence { .. } => Mechanics::new(
            false,
            lock(ShareRowExclusive),
            "ALTER SEQUENCE blocks concurrent nextval, currval and setval until commit",
        ),
        Change::CreateTable { table } if !table.foreign_keys.is_empty() => Mechanics::new(
            false,
            lock(ShareRowExclusive),
            "its foreign keys take SHARE ROW EXCLUSIVE on the referenced tables, blocking their writes until commit",
        ),
        Change::CreateTable { .. } => Mechanics::new(
            false,
            NO_LOCK,
            "a new table is invisible to other sessions until commit",
        ),
        Change::DropTable { .. } => Mechanics::new(
            false,
            lock(AccessExclusive),
            "DROP TABLE takes ACCESS EXCLUSIVE and frees the storage at commit",
        ),
        Change::RenameTable { .. } => brief("RENAME"),
        Change::AddColumn {
            column, position, ..
        } => add_column(column, position),
        Change::DropColumn { .. } => Mechanics::new(
            false,
            lock(AccessExclusive),
            "DROP COLUMN takes ACCESS EXCLUSIVE briefly and only marks the column dropped; its space is reclaimed by later rewrites",
        ),
        Change::RenameColumn { .. } => brief("RENAME COLUMN"),
        Change::AlterColumn {
            from, to, changes, ..
        } => combine(
            aspects(changes)
                .into_iter()
                .map(|aspect| alter_column(aspect, from, to))
                .collect(),
            Mechanics::and,
        )
        .unwrap_or_else(|| Mechanics::new(false, NO_LOCK, "nothing changes")),
        Change::ReorderColumns { .. } => Mechanics::new(
            true,
            lock(AccessExclusive),
            "PostgreSQL cannot reorder columns in place; only rebuilding the table (create, copy, swap) does it",
        ),
        Change::AddPrimaryKey { .. } | Change::AddUnique { .. } => Mechanics::new(
            false,
            lock(AccessExclusive),
            "the unique index is built while ACCESS EXCLUSIVE blocks reads and writes; building it CONCURRENTLY first and adding the constraint USING INDEX avoids that",
        ),
        Change::DropPrimaryKey { .. } | Change::DropUnique { .. } | Change::DropCheck { .. } => {
            brief("DROP CONSTRAINT")
        }
        Change::AddForeignKey { .. } => Mechanics::new(
            false,
            lock(ShareRowExclusive),
            "ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on both tables and scans every row to validate; NOT VALID then VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE) keeps writes going",
        ),
        Change::DropForeignKey { .. } => brief("DROP CONSTRAINT"),
        Change::AddCheck { .. } => Mechanics::new(
            false,
            lock(AccessExclusive),
            "ADD CHECK scans every row to validate while holding ACCESS EXCLUSIVE; NOT VALID then VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE) keeps reads and writes going",
        ),
        Change::CreateIndex { .. } => Mechanics::new(
            false,
            lock(Share),
            "CREATE INDEX takes SHARE, blocking writes for the whole build; CREATE INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE instead",
        ),
        Change::DropIndex { .. } => Mechanics::new(
            false,
            lock(AccessExclusive),
            "DROP INDEX takes ACCESS EXCLUSIVE on the table; DROP INDEX CONCURRENTLY avoids it",
        ),
        Change::CreateView { .. } => {
            Mechanics::new(false, NO_LOCK, "a new view locks nothing in use")
        }
        Change::DropView { .. } | Change::ReplaceView { .. } => Mechanics::new(
            false,
            lock(AccessExclusive),
            "it takes ACCESS EXCLUSIVE on the view, briefly",
        ),
        Change::SetComment { target, .. } => match target {
            CommentTarget::Table { .. }
            | CommentTarget::View { .. }
            | CommentTarget::Sequence { .. } => Mechanics::new(
                false,
                lock(ShareUpdateExclusive),
                "COMMENT ON takes SHARE UPDATE EXCLUSIVE, which reads and writes pass",
            ),
            CommentTarget::Namespace { .. }
            | CommentTarget::Enum { .. }
            | CommentTarget::Routine { .. }
            | CommentTarget::Trigger { .. }
            | CommentTarget::Domain { .. }
            | CommentTarget::Composite { .. } => {
                Mechanics::new(false, NO_LOCK, "COMMENT ON locks no table")
            }
        },
        Change::CreateExtension { .. } | Change::UpdateExtension { .. } => Mechanics::new(
            false,
            NO_LOCK,
            "it creates or updates the extension's own objects (an update script may alter tables that use its types)",
        ),
        Change::DropExtension { .. } => Mechanics::new(
            false,
            NO_LOCK,
            "it drops the extension's objects; it fails while a column, index or function uses one",
        ),
        Change::CreateRoutine { .. } | Change::DropRoutine { .. } => {
            Mechanics::new(false, NO_LOCK, "a routine locks no table")
        }
        Change::ReplaceRoutine { .. } => Mechanics::new(
            false,
            NO_LOCK,
            "CREATE OR REPLACE locks no table; sessions already running it keep the old body until their statement ends",
        ),
        Change::CreateTrigger { .. }
        | Change::DropTrigger { .. }
        | Change::ReplaceTrigger { .. } => Mechanics::new(
            false,
            lock(ShareRowExclusive),
            "CREATE/DROP TRIGGER takes SHARE ROW EXCLUSIVE on the table, which blocks writes briefly",
        ),
        Change::SetLogged { .. } => Mechanics::new(
            true,
            lock(AccessExclusive),
            "SET LOGGED/UNLOGGED rewrites the table under ACCESS EXCLUSIVE, which blocks reads and writes",
        ),
        Change::CreateMaterializedView { .. } => Mechanics::new(
            false,
            NO_LOCK,
            "a new materialized view only reads the tables it selects from",
        ),
        Change::DropMaterializedView { .. } | Change::AlterMaterializedView { .. } => {
            Mechanics::new(
                false,
                lock(AccessExclusive),
                "it takes ACCESS EXCLUSIVE on the materialized view (an index build holds SHARE on it)",
            )
        }
        Change::CreateDomain { .. }
        | Change::DropDomain { .. }
        | Change::CreateComposite { .. }
        | Change::DropComposite { .. }
        | Change::AlterComposite { .. } => {
            Mechanics::new(false, NO_LOCK, "a type change locks no table by itself")
        }
        Change::AlterDomain { .. } => Mechanics::new(
            false,
            lock(Share),
            "a new check or NOT NULL scans every column using the domain under a SHARE lock on its table",
        ),
        Change::CreatePolicy { .. }
        | Change::DropPolicy { .. }
        | Change::ReplacePolicy { .. }
        | Change::SetRowSecurity { .. } => Mechanics::new(
            false,
            lock(AccessExclusive),
            "policy and row-security changes take ACCESS EXCLUSIVE on the table, briefly",
        ),
        Change::SetTriggerState { .. } => Mechanics::new(
            false,
            lock(ShareRowExclusive),
            "ENABLE/DISABLE TRIGGER takes SHARE ROW EXCLUSIVE on the table, which blocks writes briefly",
        ),
    }
}

fn add_column(column: &Column, position: &ColumnPosition) -> Mechanics {
    let rewrite_cause = if let Some(function) = column.default.as_deref().and_then(volatile_call) {
        Some(format!(
            "the volatile default {function}() is computed for every row"
        ))
    } else if column.identity.is_some() {
        Some("an identity column is numbered for every row".to_owned())
    } else if column.generated.as_ref().is_some_and(|g| g.stored) {
        Some("a stored generated column is computed for every row".to_owned())
    } else {
        None
    };
    let position_note = if *position == ColumnPosition::Last {
        ""
    } else {
        " (PostgreSQL always appends: the requested position would need a table rebuild)"
    };
    match rewrite_cause {
        Some(cause) => Mechanics::new(
            true,
            lock(PgLockMode::AccessExclusive),
            format!("{cause}, rewriting the table under ACCESS EXCLUSIVE{position_note}"),
        ),
        None => Mechanics::new(
            false,
            lock(PgLockMode::AccessExclusive),
            format!(
                "since PostgreSQL 11 a non-volatile default is kept in the catalog, so ADD COLUMN holds ACCESS EXCLUSIVE only briefly{position_note}"
            ),
        ),
    }
}

/// The first function called in `expression` that is volatile or of unknown volatility.
fn volatile_call(expression: &str) -> Option<String> {
    function_calls(expression).find(|name| {
        VOLATILE_FUNCTIONS.contains(&name.as_str())
            || !NON_VOLATILE_FUNCTIONS.contains(&name.as_str())
    })
}

/// Names directly followed by `(`, lowercased, without their schema; quoted text skipped.
fn function_calls(expression: &str) -> impl Iterator<Item = String> + '_ {
    let mut names = Vec::new();
    let mut word = String::new();
    let mut in_string = false;
    for c in expression.chars() {
        if in_string {
            in_string = c != '\'';
            continue;
        }
        match c {
            '\'' => {
                in_string = true;
                word.clear();
            }
            c if c.is_alphanumeric() || c == '_' => word.push(c.to_ascii_lowercase()),
            // `pg_catalog.now()`: keep the last part only.
            '.' => word.clear(),
            '(' => {
                if !word.is_empty() && !word.chars().all(|c| c.is_ascii_digit()) {
                    names.push(std::mem::take(&mut word));
                }
            }
            // Keywords before a parenthesis (`IN (`, `ANY (`) are not calls: PostgreSQL prints
            // calls with no space before their arguments.
            _ => word.clear(),
        }
    }
    names.into_iter()
}

fn alter_column(aspect: Aspect, from: &Column, to: &Column) -> Mechanics {
    use PgLockMode::{AccessExclusive, ShareUpdateExclusive};
    match aspect {
        Aspect::Type => {
            let old = shape(Dialect::Postgres, &from.data_type, None);
            let new = shape(Dialect::Postgres, &to.data_type, None);
            if postgres_keeps_storage(&old, &new) {
                Mechanics::new(
                    false,
                    lock(AccessExclusive),
                    format!(
                        "{} is binary coercible to {}, so ALTER COLUMN TYPE changes the catalog without a rewrite (indexes on the column may still be rebuilt)",
                        from.data_type, to.data_type
                    ),
                )
            } else {
                Mechanics::new(
                    true,
                    lock(AccessExclusive),
                    "ALTER COLUMN TYPE rewrites the table and its indexes under ACCESS EXCLUSIVE",
                )
            }
        }
        Aspect::Nullability if !to.nullable => Mechanics::new(
            false,
            lock(AccessExclusive),
            "SET NOT NULL scans the whole table under ACCESS EXCLUSIVE, unless a valid CHECK (column IS NOT NULL) proves it (PostgreSQL 12+)",
        ),
        Aspect::Nullability => Mechanics::new(
            false,
            lock(AccessExclusive),
            "DROP NOT NULL takes ACCESS EXCLUSIVE only briefly",
        ),
        Aspect::Default => Mechanics::new(
            false,
            lock(AccessExclusive),
            "SET/DROP DEFAULT takes ACCESS EXCLUSIVE only briefly and touches no row",
        ),
        Aspect::Identity => Mechanics::new(
            false,
            lock(AccessExclusive),
            "ADD/DROP/SET identity takes ACCESS EXCLUSIVE only briefly and touches no row",
        ),
        Aspect::Generated => match &to.generated {
            Some(generated) if generated.stored => Mechanics::new(
                true,
                lock(AccessExclusive),
                "a stored generated column is recomputed for every row (SET EXPRESSION in PostgreSQL 17+, drop and re-add before), under ACCESS EXCLUSIVE",
            ),
            _ => Mechanics::new(
                false,
                lock(AccessExclusive),
                "DROP EXPRESSION (PostgreSQL 13+) keeps the stored values and takes ACCESS EXCLUSIVE only briefly",
            ),
        },
        Aspect::Collation => Mechanics::new(
            false,
            lock(AccessExclusive),
            "a collation change keeps the table's storage but rebuilds indexes on the column, under ACCESS EXCLUSIVE",
        ),
        Aspect::Comment => Mechanics::new(
            false,
            lock(ShareUpdateExclusive),
            "COMMENT ON COLUMN takes SHARE UPDATE EXCLUSIVE, which reads and writes pass",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Classification, Safety, classify};
    use super::*;
    use crate::diff::ColumnChanges;
    use crate::{
        CheckConstraint, ForeignKey, ForeignKeyAction, Generated, Identity, Index, QualifiedName,
        Table,
    };

    fn table() -> QualifiedName {
        QualifiedName::new("public", "t")
    }

    fn pg(change: &Change) -> Classification {
        classify(change, Dialect::Postgres)
    }

    fn mode(change: &Change) -> Option<PgLockMode> {
        match pg(change).lock {
            LockInfo::Postgres { mode } => mode,
            other => panic!("not a PostgreSQL lock: {other:?}"),
        }
    }

    fn add(column: Column) -> Change {
        Change::AddColumn {
            table: table(),
            column,
            position: ColumnPosition::Last,
        }
    }

    fn retype(from: &str, to: &str) -> Change {
        let (from, to) = (Column::new("c", from), Column::new("c", to));
        Change::AlterColumn {
            table: table(),
            changes: ColumnChanges::between(&from, &to),
            from,
            to,
            dependents: vec![],
        }
    }

    #[test]
    fn add_column_rewrites_only_for_volatile_defaults_identity_and_stored_generated() {
        let cases: Vec<(Column, bool)> = vec![
            (Column::new("c", "text"), false),
            (
                Column {
                    default: Some("'x'::text".into()),
                    nullable: false,
                    ..Column::new("c", "text")
                },
                false,
            ),
            (
                Column {
                    default: Some("now()".into()),
                    ..Column::new("c", "timestamp with time zone")
                },
                false,
            ),
            (
                Column {
                    default: Some("CURRENT_TIMESTAMP".into()),
                    ..Column::new("c", "timestamp with time zone")
                },
                false,
            ),
            (
                Column {
                    default: Some("gen_random_uuid()".into()),
                    ..Column::new("c", "uuid")
                },
                true,
            ),
            (
                Column {
                    default: Some("random()".into()),
                    ..Column::new("c", "double precision")
                },
                true,
            ),
            (
                Column {
                    default: Some("clock_timestamp()".into()),
                    ..Column::new("c", "timestamp with time zone")
                },
                true,
            ),
            (
                Column {
                    default: Some("nextval('t_c_seq'::regclass)".into()),
                    ..Column::new("c", "integer")
                },
                true,
            ),
            (
                Column {
                    default: Some("my_schema.my_function()".into()),
                    ..Column::new("c", "integer")
                },
                true,
            ),
            (
                Column {
                    identity: Some(Identity::Always),
                    nullable: false,
                    ..Column::new("c", "bigint")
                },
                true,
            ),
            (
                Column {
                    generated: Some(Generated {
                        expression: "(a * 2)".into(),
                        stored: true,
                    }),
                    ..Column::new("c", "integer")
                },
                true,
            ),
        ];
        for (column, rewrites) in cases {
            let classification = pg(&add(column.clone()));
            assert_eq!(classification.rewrites_table, rewrites, "{column:?}");
            assert_eq!(classification.safety, Safety::Safe, "{column:?}");
            assert_eq!(mode(&add(column)), Some(PgLockMode::AccessExclusive));
        }
    }

    #[test]
    fn type_changes_rewrite_unless_binary_coercible() {
        let cases = [
            (
                "character varying(10)",
                "character varying(20)",
                false,
                Safety::Safe,
            ),
            ("character varying(10)", "text", false, Safety::Safe),
            (
                "character varying(10)",
                "character varying",
                false,
                Safety::Safe,
            ),
            ("numeric(10,2)", "numeric(12,2)", false, Safety::Safe),
            ("integer", "bigint", true, Safety::Safe),
            (
                "character varying(20)",
                "character varying(10)",
                true,
                Safety::Destructive,
            ),
            ("bigint", "integer", true, Safety::Destructive),
            ("numeric(12,2)", "numeric(10,2)", true, Safety::Destructive),
            ("text", "character varying(10)", true, Safety::Destructive),
            ("integer", "text", true, Safety::Breaking),
        ];
        for (from, to, rewrites, safety) in cases {
            let classification = pg(&retype(from, to));
            assert_eq!(classification.rewrites_table, rewrites, "{from} -> {to}");
            assert_eq!(classification.safety, safety, "{from} -> {to}");
            assert_eq!(
                classification.lock,
                LockInfo::Postgres {
                    mode: Some(PgLockMode::AccessExclusive)
                }
            );
        }
    }

    #[test]
    fn not_null_scans_and_is_breaking() {
        let from = Column::new("c", "text");
        let to = Column {
            nullable: false,
            ..from.clone()
        };
        let change = Change::AlterColumn {
            table: table(),
            changes: ColumnChanges::between(&from, &to),
            from,
            to,
            dependents: vec![],
        };
        let classification = pg(&change);
        assert_eq!(classification.safety, Safety::Breaking);
        assert!(!classification.rewrites_table);
        assert!(classification.reason.contains("scans the whole table"));
    }

    #[test]
    fn lock_modes_of_constraints_and_indexes() {
        let index = Index {
            name: "i".into(),
            unique: false,
            parts: vec![],
            predicate: None,
            method: None,
            comment: None,
            include: Vec::new(),
            nulls_not_distinct: false,
            storage: Vec::new(),
        };
        let check = CheckConstraint {
            name: Some("c".into()),
            expression: "(a > 0)".into(),
        };
        let foreign_key = ForeignKey {
            name: Some("f".into()),
            columns: vec!["a".into()],
            referenced_table: QualifiedName::new("public", "u"),
            referenced_columns: vec!["id".into()],
            on_delete: ForeignKeyAction::NoAction,
            on_update: ForeignKeyAction::NoAction,
            match_full: false,
            deferrable: false,
            initially_deferred: false,
        };
        let cases = [
            (
                Change::CreateIndex {
                    table: table(),
                    index: index.clone(),
                },
                PgLockMode::Share,
            ),
            (
                Change::DropIndex {
                    table: table(),
                    index,
                },
                PgLockMode::AccessExclusive,
            ),
            (
                Change::AddCheck {
                    table: table(),
                    check,
                },
                PgLockMode::AccessExclusive,
            ),
            (
                Change::AddForeignKey {
                    table: table(),
                    foreign_key,
                },
                PgLockMode::ShareRowExclusive,
            ),
            (
                Change::SetComment {
                    target: CommentTarget::Table { name: table() },
                    from: None,
                    to: Some("x".into()),
                },
                PgLockMode::ShareUpdateExclusive,
            ),
        ];
        for (change, expected) in cases {
            let classification = pg(&change);
            assert_eq!(mode(&change), Some(expected), "{change:?}");
            assert_eq!(classification.safety, Safety::Safe, "{change:?}");
            assert!(!classification.rewrites_table, "{change:?}");
        }
        let check_reason = pg(&Change::AddCheck {
            table: table(),
            check: CheckConstraint {
                name: None,
                expression: "(a > 0)".into(),
            },
        })
        .reason;
        assert!(check_reason.contains("NOT VALID"), "{check_reason}");
    }

    #[test]
    fn drops_and_new_tables() {
        let dropped = pg(&Change::DropTable {
            table: Table::new(table()),
            dependents: vec![],
        });
        assert_eq!(dropped.safety, Safety::Destructive);
        assert_eq!(
            dropped.lock,
            LockInfo::Postgres {
                mode: Some(PgLockMode::AccessExclusive)
            }
        );
        let created = pg(&Change::CreateTable {
            table: Table::new(table()),
        });
        assert_eq!(created.lock, LockInfo::Postgres { mode: None });
        let dropped_column = pg(&Change::DropColumn {
            table: table(),
            column: Column::new("c", "text"),
            dependents: vec![],
        });
        assert_eq!(dropped_column.safety, Safety::Destructive);
        assert!(!dropped_column.rewrites_table);
        assert_eq!(
            dropped_column.reason,
            "Deletes the column and its data; DROP COLUMN takes ACCESS EXCLUSIVE briefly and only marks the column dropped; its space is reclaimed by later rewrites."
        );
    }

    #[test]
    fn function_calls_skip_strings_and_schemas() {
        let calls: Vec<String> =
            function_calls("pg_catalog.now() + 'random()'::text || upper(x) IN (1)").collect();
        assert_eq!(calls, ["now", "upper"]);
        assert_eq!(volatile_call("(0)::numeric"), None);
    }
}
