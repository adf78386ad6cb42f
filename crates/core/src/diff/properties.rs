//! Properties of the diff over generated schemas: a schema has no difference with itself, and
//! two schemas differ exactly when their models differ, so no field of the model is ignored.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

use super::{RenameHints, classify, diff};
use crate::{
    CheckConstraint, Column, Dialect, EnumType, ForeignKey, ForeignKeyAction, Generated, Identity,
    Index, IndexKey, IndexPart, Namespace, PrimaryKey, QualifiedName, Schema, Sequence, Table,
    UniqueConstraint, View,
};

const TABLES: &[&str] = &["accounts", "orders", "users"];
const COLUMNS: &[&str] = &["id", "email", "total", "note"];

fn name_in(pool: &'static [&'static str]) -> impl Strategy<Value = QualifiedName> {
    select(pool).prop_map(|name| QualifiedName::new("public", name))
}

/// Up to `max` distinct names of `pool`, in random order.
fn distinct(pool: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<String>> {
    (Just(pool.to_vec()).prop_shuffle(), 0..=max).prop_map(|(names, n)| {
        names
            .into_iter()
            .take(n)
            .map(str::to_owned)
            .collect::<Vec<_>>()
    })
}

fn small_text(pool: &'static [&'static str]) -> impl Strategy<Value = String> {
    select(pool).prop_map(str::to_owned)
}

fn column(name: String) -> impl Strategy<Value = Column> {
    (
        small_text(&["integer", "bigint", "text", "character varying(20)"]),
        any::<bool>(),
        option::of(small_text(&["0", "now()", "'x'::text"])),
        option::of(select(vec![Identity::Always, Identity::ByDefault])),
        option::of((small_text(&["(id * 2)", "lower(email)"]), any::<bool>())),
        option::of(small_text(&["\"C\"", "\"en_US\""])),
        option::of(small_text(&["a", "b"])),
    )
        .prop_map(
            move |(data_type, nullable, default, identity, generated, collation, comment)| Column {
                name: name.clone(),
                data_type,
                nullable,
                default,
                identity,
                generated: generated.map(|(expression, stored)| Generated { expression, stored }),
                collation,
                comment,
            },
        )
}

fn columns() -> impl Strategy<Value = Vec<Column>> {
    distinct(COLUMNS, 4).prop_flat_map(|names| names.into_iter().map(column).collect::<Vec<_>>())
}

fn column_names() -> impl Strategy<Value = Vec<String>> {
    distinct(COLUMNS, 2).prop_map(|mut names| {
        if names.is_empty() {
            names.push("id".to_owned());
        }
        names
    })
}

fn primary_key() -> impl Strategy<Value = Option<PrimaryKey>> {
    option::of(
        (option::of(small_text(&["pk", "pkey"])), column_names())
            .prop_map(|(name, columns)| PrimaryKey { name, columns }),
    )
}

fn uniques() -> impl Strategy<Value = Vec<UniqueConstraint>> {
    vec(
        (option::of(small_text(&["u1", "u2"])), column_names())
            .prop_map(|(name, columns)| UniqueConstraint { name, columns }),
        0..=2,
    )
}

fn foreign_keys() -> impl Strategy<Value = Vec<ForeignKey>> {
    // Distinct names: the canonical order sorts by (name, columns) only.
    distinct(&["fk1", "fk2"], 2).prop_flat_map(|names| {
        names
            .into_iter()
            .map(|name| {
                (
                    column_names(),
                    name_in(TABLES),
                    select(vec![ForeignKeyAction::NoAction, ForeignKeyAction::Cascade]),
                )
                    .prop_map(move |(columns, referenced_table, on_delete)| {
                        ForeignKey {
                            name: Some(name.clone()),
                            referenced_columns: columns.iter().map(|_| "id".to_owned()).collect(),
                            columns,
                            referenced_table,
                            on_delete,
                            on_update: ForeignKeyAction::NoAction,
                            match_full: false,
                            deferrable: false,
                            initially_deferred: false,
                        }
                    })
            })
            .collect::<Vec<_>>()
    })
}

fn checks() -> impl Strategy<Value = Vec<CheckConstraint>> {
    vec(
        (
            option::of(small_text(&["c1", "c2"])),
            small_text(&["(total > 0)", "(email <> ''::text)"]),
        )
            .prop_map(|(name, expression)| CheckConstraint { name, expression }),
        0..=2,
    )
}

fn indexes() -> impl Strategy<Value = Vec<Index>> {
    distinct(&["i1", "i2"], 2).prop_flat_map(|names| {
        names
            .into_iter()
            .map(|name| {
                (
                    any::<bool>(),
                    select(vec![
                        IndexKey::Column("email".into()),
                        IndexKey::Column("id".into()),
                        IndexKey::Expression("lower(email)".into()),
                    ]),
                    any::<bool>(),
                    option::of(small_text(&["(total > 0)"])),
                    option::of(small_text(&["gin"])),
                )
                    .prop_map(
                        move |(unique, key, descending, predicate, method)| Index {
                            name: name.clone(),
                            unique,
                            parts: vec![IndexPart {
                                key,
                                descending,
                                prefix_length: None,
                                operator_class: None,
                                nulls_first: None,
                            }],
                            predicate,
                            method,
                            comment: None,
                            include: Vec::new(),
                            nulls_not_distinct: false,
                            storage: Vec::new(),
                        },
                    )
            })
            .collect::<Vec<_>>()
    })
}

/// The parts of a table, to build or to swap into another table.
#[derive(Debug, Clone)]
struct TableParts {
    columns: Vec<Column>,
    primary_key: Option<PrimaryKey>,
    uniques: Vec<UniqueConstraint>,
    foreign_keys: Vec<ForeignKey>,
    checks: Vec<CheckConstraint>,
    indexes: Vec<Index>,
    comment: Option<String>,
}

fn table_parts() -> impl Strategy<Value = TableParts> {
    (
        columns(),
        primary_key(),
        uniques(),
        foreign_keys(),
        checks(),
        indexes(),
        option::of(small_text(&["t"])),
    )
        .prop_map(
            |(columns, primary_key, uniques, foreign_keys, checks, indexes, comment)| TableParts {
                columns,
                primary_key,
                uniques,
                foreign_keys,
                checks,
                indexes,
                comment,
            },
        )
}

fn views() -> impl Strategy<Value = Vec<View>> {
    distinct(&["v1", "v2"], 2).prop_flat_map(|names| {
        names
            .into_iter()
            .map(|name| {
                (
                    small_text(&["SELECT 1", "SELECT id FROM users"]),
                    vec(name_in(TABLES), 0..=1),
                    option::of(small_text(&["v"])),
                )
                    .prop_map(move |(definition, depends_on, comment)| View {
                        name: QualifiedName::new("public", name.clone()),
                        definition,
                        depends_on,
                        comment,
                        grants: Vec::new(),
                    })
            })
            .collect::<Vec<_>>()
    })
}

fn enums() -> impl Strategy<Value = Vec<EnumType>> {
    distinct(&["mood", "status"], 2).prop_flat_map(|names| {
        names
            .into_iter()
            .map(|name| {
                (
                    distinct(&["a", "b", "c"], 3),
                    option::of(small_text(&["e"])),
                )
                    .prop_map(move |(values, comment)| EnumType {
                        name: QualifiedName::new("public", name.clone()),
                        values,
                        comment,
                    })
            })
            .collect::<Vec<_>>()
    })
}

fn sequences() -> impl Strategy<Value = Vec<Sequence>> {
    distinct(&["s1", "s2"], 2).prop_flat_map(|names| {
        names
            .into_iter()
            .map(|name| {
                (
                    small_text(&["bigint", "integer"]),
                    1..3i64,
                    any::<bool>(),
                    option::of((name_in(TABLES), small_text(&["id"]))),
                    option::of(small_text(&["s"])),
                )
                    .prop_map(
                        move |(data_type, increment, cycle, owned_by, comment)| Sequence {
                            name: QualifiedName::new("public", name.clone()),
                            data_type,
                            start: 1,
                            increment,
                            min_value: 1,
                            max_value: 1000,
                            cache: 1,
                            cycle,
                            owned_by,
                            comment,
                        },
                    )
            })
            .collect::<Vec<_>>()
    })
}

fn namespaces() -> impl Strategy<Value = Vec<Namespace>> {
    distinct(&["app", "public"], 2).prop_flat_map(|names| {
        names
            .into_iter()
            .map(|name| {
                option::of(small_text(&["n"])).prop_map(move |comment| Namespace {
                    name: name.clone(),
                    comment,
                })
            })
            .collect::<Vec<_>>()
    })
}

fn build_table(name: &str, parts: TableParts) -> Table {
    Table {
        name: QualifiedName::new("public", name),
        columns: parts.columns,
        primary_key: parts.primary_key,
        uniques: parts.uniques,
        foreign_keys: parts.foreign_keys,
        checks: parts.checks,
        indexes: parts.indexes,
        comment: parts.comment,
        row_security: Default::default(),
        unlogged: false,
    }
}

fn schema() -> impl Strategy<Value = Schema> {
    (
        namespaces(),
        enums(),
        sequences(),
        distinct(TABLES, 3).prop_flat_map(|names| {
            names
                .into_iter()
                .map(|name| table_parts().prop_map(move |parts| build_table(&name, parts)))
                .collect::<Vec<_>>()
        }),
        views(),
    )
        .prop_map(|(namespaces, enums, sequences, tables, views)| {
            let mut schema = Schema {
                dialect: Dialect::Postgres,
                namespaces,
                enums,
                sequences,
                tables,
                views,
                ..Schema::empty(Dialect::Postgres)
            };
            schema.normalize();
            schema
        })
}

/// Random choices, consumed one at a time (and reused from the start when exhausted).
struct Picks {
    bits: Vec<bool>,
    at: usize,
}

impl Picks {
    fn take(&mut self) -> bool {
        let bit = self.bits.get(self.at % self.bits.len().max(1)).copied();
        self.at += 1;
        bit.unwrap_or(false)
    }

    /// Replaces `mine` with `theirs` if the next pick says so.
    fn swap<T: Clone>(&mut self, mine: &mut T, theirs: &T) {
        if self.take() {
            *mine = theirs.clone();
        }
    }
}

/// `base` with some fields replaced by `donor`'s (objects paired by position): whole object
/// lists, or single fields of namespaces, enums, sequences, views, tables, columns and
/// indexes. Picks are sparse, so most results differ from `base` in a field or two, and with
/// few values to choose from a swapped field is often equal to the old one.
fn mix(base: &Schema, donor: &Schema, picks: &mut Picks) -> Schema {
    let mut mixed = base.clone();
    picks.swap(&mut mixed.namespaces, &donor.namespaces);
    picks.swap(&mut mixed.enums, &donor.enums);
    picks.swap(&mut mixed.sequences, &donor.sequences);
    picks.swap(&mut mixed.views, &donor.views);
    picks.swap(&mut mixed.tables, &donor.tables);
    for (mine, theirs) in mixed.namespaces.iter_mut().zip(&donor.namespaces) {
        picks.swap(&mut mine.comment, &theirs.comment);
    }
    for (mine, theirs) in mixed.enums.iter_mut().zip(&donor.enums) {
        picks.swap(&mut mine.values, &theirs.values);
        picks.swap(&mut mine.comment, &theirs.comment);
    }
    for (mine, theirs) in mixed.sequences.iter_mut().zip(&donor.sequences) {
        picks.swap(&mut mine.data_type, &theirs.data_type);
        picks.swap(&mut mine.increment, &theirs.increment);
        picks.swap(&mut mine.cycle, &theirs.cycle);
        picks.swap(&mut mine.owned_by, &theirs.owned_by);
        picks.swap(&mut mine.comment, &theirs.comment);
    }
    for (mine, theirs) in mixed.views.iter_mut().zip(&donor.views) {
        picks.swap(&mut mine.definition, &theirs.definition);
        picks.swap(&mut mine.depends_on, &theirs.depends_on);
        picks.swap(&mut mine.comment, &theirs.comment);
    }
    for (mine, theirs) in mixed.tables.iter_mut().zip(&donor.tables) {
        mix_table(mine, theirs, picks);
    }
    mixed.normalize();
    mixed
}

fn mix_table(mine: &mut Table, theirs: &Table, picks: &mut Picks) {
    picks.swap(&mut mine.columns, &theirs.columns);
    picks.swap(&mut mine.primary_key, &theirs.primary_key);
    picks.swap(&mut mine.uniques, &theirs.uniques);
    picks.swap(&mut mine.foreign_keys, &theirs.foreign_keys);
    picks.swap(&mut mine.checks, &theirs.checks);
    picks.swap(&mut mine.indexes, &theirs.indexes);
    picks.swap(&mut mine.comment, &theirs.comment);
    if picks.take() {
        mine.columns.reverse();
    }
    for (column, other) in mine.columns.iter_mut().zip(&theirs.columns) {
        // A name swap may duplicate a name; `well_formed` sets those aside.
        picks.swap(&mut column.name, &other.name);
        picks.swap(&mut column.data_type, &other.data_type);
        picks.swap(&mut column.nullable, &other.nullable);
        picks.swap(&mut column.default, &other.default);
        picks.swap(&mut column.identity, &other.identity);
        picks.swap(&mut column.generated, &other.generated);
        picks.swap(&mut column.collation, &other.collation);
        picks.swap(&mut column.comment, &other.comment);
    }
    for (index, other) in mine.indexes.iter_mut().zip(&theirs.indexes) {
        picks.swap(&mut index.unique, &other.unique);
        picks.swap(&mut index.parts, &other.parts);
        picks.swap(&mut index.predicate, &other.predicate);
        picks.swap(&mut index.method, &other.method);
    }
}

/// Whether names are unique where the model expects them to be.
fn well_formed(schema: &Schema) -> bool {
    schema.tables.iter().all(|table| {
        let mut names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        names.sort_unstable();
        names.windows(2).all(|pair| pair[0] != pair[1])
    })
}

/// The schema with each table's columns in name order: PostgreSQL column order is not compared
/// (the engine cannot reorder columns).
fn columns_unordered(schema: &Schema) -> Schema {
    let mut schema = schema.clone();
    if schema.dialect == Dialect::Postgres {
        for table in &mut schema.tables {
            table.columns.sort_by(|x, y| x.name.cmp(&y.name));
        }
    }
    schema
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn a_schema_has_no_difference_with_itself(a in schema()) {
        let result = diff(&a, &a, &RenameHints::new());
        prop_assert!(result.is_empty(), "{:#?}", result.changes);
        prop_assert!(result.rename_suspects.is_empty());
    }

    #[test]
    fn schemas_differ_exactly_when_their_models_do(
        a in schema(),
        donor in schema(),
        bits in vec(proptest::bool::weighted(0.06), 1..200),
    ) {
        let b = mix(&a, &donor, &mut Picks { bits, at: 0 });
        prop_assume!(well_formed(&b));
        let result = diff(&a, &b, &RenameHints::new());
        prop_assert_eq!(
            result.is_empty(),
            columns_unordered(&a) == columns_unordered(&b),
            "{:#?}",
            result.changes
        );
        for change in &result.changes {
            prop_assert!(!change.summary().is_empty());
            for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
                prop_assert!(!classify(change, dialect).reason.is_empty());
            }
        }
    }
}
