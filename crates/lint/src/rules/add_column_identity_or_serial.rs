//! `add-column-identity-or-serial-to-existing-table`: a new serial, identity or auto-increment
//! column fills every existing row while the table is locked.

use super::{RuleDoc, Violation};
use crate::columns::is_custom;
use crate::file::StatementContext;
use crate::identifiers::{invent, object_text};
use dbwarden_core::{Dialect, quote_literal};
use sqlparser::ast::{AlterTableOperation, ColumnDef, ColumnOption, DataType, Spanned};
use sqlparser::tokenizer::Token;

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`ADD COLUMN` of a `serial`, identity or `AUTO_INCREMENT` column on an existing table.",
    why: "A new serial or identity column takes a value from its sequence for every existing row, \
          so PostgreSQL rewrites the table under an ACCESS EXCLUSIVE lock: no reads or writes \
          until every row is numbered. On MySQL, adding an AUTO_INCREMENT column rebuilds the \
          table without allowing concurrent writes. On PostgreSQL, add a plain column with a \
          sequence default for new rows and number the old rows in batches; on MySQL, use an \
          online schema change tool (gh-ost, pt-online-schema-change).",
    bad: "ALTER TABLE events ADD COLUMN seq bigserial;\n",
    good: "CREATE SEQUENCE events_seq_seq;\n\
           ALTER TABLE events ADD COLUMN seq bigint;\n\
           ALTER TABLE events ALTER COLUMN seq SET DEFAULT nextval('events_seq_seq');\n\
           ALTER SEQUENCE events_seq_seq OWNED BY events.seq;\n",
};

const SERIALS: &[(&str, &str)] = &[
    ("smallserial", "smallint"),
    ("serial2", "smallint"),
    ("serial", "integer"),
    ("serial4", "integer"),
    ("bigserial", "bigint"),
    ("serial8", "bigint"),
];

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(alter) = cx.alter_existing_table() else {
        return Vec::new();
    };
    let table = object_text(&alter.name);
    alter
        .operations
        .iter()
        .filter_map(|op| {
            let AlterTableOperation::AddColumn { column_def, .. } = op else {
                return None;
            };
            let kind = numbering(column_def)?;
            let column = &column_def.name.value;
            let violation = match cx.dialect() {
                Dialect::Mysql => Violation::new(
                    format!("adding AUTO_INCREMENT column `{column}` rebuilds `{table}` and blocks writes"),
                    format!(
                        "Adding an AUTO_INCREMENT column rebuilds `{table}` and MySQL does not \
                         allow concurrent writes while it does (\"Permits Concurrent DML: No\" \
                         in the online DDL tables). Use an online schema change tool such as \
                         gh-ost or pt-online-schema-change."
                    ),
                ),
                Dialect::Postgres | Dialect::Sqlite => Violation::new(
                    format!("adding {kind} column `{column}` rewrites `{table}` under an exclusive lock"),
                    format!(
                        "A new {kind} column takes a sequence value for every existing row, so \
                         PostgreSQL rewrites `{table}` under an ACCESS EXCLUSIVE lock: no reads \
                         or writes until every row is numbered. Add a plain column with a \
                         sequence default for new rows, and number the old rows in batches."
                    ),
                )
                .fix(postgres_fix(cx, alter, &table, column_def)),
            };
            Some(violation.at(op.span()))
        })
        .collect()
}

/// How the column numbers rows, if it does: `serial`, `identity` or `AUTO_INCREMENT`.
pub(crate) fn numbering(column: &ColumnDef) -> Option<&'static str> {
    numbering_of(
        &column.data_type,
        column.options.iter().map(|option| &option.option),
    )
}

/// [`numbering`] of a column given by its type and options, as MySQL `MODIFY` and `CHANGE`
/// carry them.
pub(crate) fn numbering_of<'a>(
    data_type: &DataType,
    mut options: impl Iterator<Item = &'a ColumnOption>,
) -> Option<&'static str> {
    if SERIALS
        .iter()
        .any(|(name, _)| is_custom(data_type, &[name]))
    {
        return Some("serial");
    }
    options.find_map(|option| match option {
        ColumnOption::Generated {
            generation_expr: None,
            ..
        }
        | ColumnOption::Identity(_) => Some("identity"),
        ColumnOption::DialectSpecific(tokens)
            if tokens.iter().any(|token| {
                matches!(token, Token::Word(word) if word.value.eq_ignore_ascii_case("AUTO_INCREMENT"))
            }) =>
        {
            Some("AUTO_INCREMENT")
        }
        _ => None,
    })
}

fn postgres_fix(
    cx: &StatementContext,
    alter: &sqlparser::ast::AlterTable,
    table: &str,
    column_def: &ColumnDef,
) -> String {
    let column = &column_def.name;
    let data_type = SERIALS
        .iter()
        .find(|(name, _)| is_custom(&column_def.data_type, &[name]))
        .map_or_else(
            || column_def.data_type.to_string(),
            |(_, plain)| plain.to_string(),
        );
    let sequence = invent(cx.dialect(), &[table, &column.value], "seq");
    let next = format!(
        "nextval({})",
        quote_literal(cx.dialect(), &sequence.to_string())
    );
    let name = &alter.name;
    format!(
        "CREATE SEQUENCE {sequence};\n\
         ALTER TABLE {name} ADD COLUMN {column} {data_type};\n\
         ALTER TABLE {name} ALTER COLUMN {column} SET DEFAULT {next};\n\
         ALTER SEQUENCE {sequence} OWNED BY {name}.{column};\n\
         -- number existing rows in batches, from a migration marked -- dbwarden:no-transaction:\n\
         UPDATE {name} SET {column} = {next} WHERE {column} IS NULL AND <key range>;"
    )
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::AddColumnIdentityOrSerialToExistingTable;

    #[test]
    fn fires_on_numbering_columns() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TABLE t ADD COLUMN id serial;",
                "ALTER TABLE t ADD COLUMN id bigserial PRIMARY KEY;",
                "ALTER TABLE t ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;",
                "ALTER TABLE t ADD COLUMN id int GENERATED BY DEFAULT AS IDENTITY;",
            ],
        );
        assert_fires(
            RULE,
            Dialect::Mysql,
            &[
                "ALTER TABLE t ADD COLUMN id int AUTO_INCREMENT PRIMARY KEY;",
                "ALTER TABLE t ADD COLUMN id bigint NOT NULL AUTO_INCREMENT, ADD KEY (id);",
                "ALTER TABLE `t` ADD `id` int unsigned AUTO_INCREMENT UNIQUE;",
            ],
        );
    }

    #[test]
    fn quiet_on_plain_columns_and_new_tables() {
        for dialect in [Dialect::Postgres, Dialect::Mysql] {
            assert_quiet(
                RULE,
                dialect,
                &[
                    "ALTER TABLE t ADD COLUMN id bigint;",
                    "CREATE TABLE t (x int);\nALTER TABLE t ADD COLUMN id bigint;",
                    "CREATE TABLE t (id bigint PRIMARY KEY);",
                ],
            );
        }
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "CREATE TABLE t (x int);\nALTER TABLE t ADD COLUMN id bigserial;",
                "ALTER TABLE t ADD COLUMN total int GENERATED ALWAYS AS (a + b) STORED;",
            ],
        );
    }

    #[test]
    fn fix_uses_a_sequence_default_and_batches() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            "ALTER TABLE events ADD COLUMN seq bigserial;",
        );
        assert_eq!(
            finding.fix.as_deref(),
            Some(
                "CREATE SEQUENCE events_seq_seq;\n\
                 ALTER TABLE events ADD COLUMN seq bigint;\n\
                 ALTER TABLE events ALTER COLUMN seq SET DEFAULT nextval('events_seq_seq');\n\
                 ALTER SEQUENCE events_seq_seq OWNED BY events.seq;\n\
                 -- number existing rows in batches, from a migration marked -- dbwarden:no-transaction:\n\
                 UPDATE events SET seq = nextval('events_seq_seq') WHERE seq IS NULL AND <key range>;"
            )
        );
        assert_eq!(
            only(
                RULE,
                Dialect::Mysql,
                "ALTER TABLE t ADD COLUMN id int AUTO_INCREMENT;"
            )
            .fix,
            None
        );
    }
}
