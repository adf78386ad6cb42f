//! What a column type change does to the values already stored.
//!
//! Types are kept as the engine prints them (`character varying(40)`, `bigint unsigned`,
//! `VARCHAR(40)`), so they are parsed here into a small shape that says how much a type holds.
//! Anything not recognised is compared as text: equal text is the same type, anything else is an
//! incompatible change, which is the cautious answer.

use crate::Dialect;

/// The storage a column type offers, as far as classification needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TypeShape {
    /// An integer of `bytes` bytes.
    Integer { bytes: u8, unsigned: bool },
    /// An exact decimal; `precision: None` is PostgreSQL's unconstrained `numeric`.
    Decimal { precision: Option<u32>, scale: u32 },
    /// A binary floating-point number of `bytes` bytes.
    Float { bytes: u8 },
    /// A string type holding at most `chars` characters (`None`: unbounded).
    String {
        chars: Option<u64>,
        kind: StringKind,
    },
    /// A byte string holding at most `bytes` bytes (`None`: unbounded).
    Binary { bytes: Option<u64> },
    /// A MySQL inline `enum('a','b')`.
    InlineEnum { labels: Vec<String> },
    /// Anything else, lowercased.
    Other(String),
}

/// How a string type stores its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StringKind {
    /// Blank-padded `char(n)`.
    Fixed,
    /// `varchar(n)`, stored inline with a length prefix.
    Varying,
    /// `text` and its MySQL sizes, stored as large objects on MySQL.
    Text,
}

/// How the values of the old type fare in the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum TypeConversion {
    /// The same storage spelled differently (`int(11)` and `int`).
    Same,
    /// Every old value fits unchanged.
    Widening,
    /// Different kinds of value: conversion can fail or change meaning, but does not cut data.
    Incompatible,
    /// Old values can be truncated, rounded or rejected.
    Narrowing,
}

/// Bytes per character the MySQL length rules assume when the column names no collation:
/// `utf8mb4`, the default character set since MySQL 8.0.
const MYSQL_DEFAULT_BYTES_PER_CHAR: u64 = 4;

/// Parses a type as `dialect` prints it. `collation` tells MySQL's bytes per character.
pub(crate) fn shape(dialect: Dialect, data_type: &str, collation: Option<&str>) -> TypeShape {
    let lower = data_type.trim().to_ascii_lowercase();
    let (base, args) = split_arguments(&lower);
    let unsigned = base.contains(" unsigned");
    let base = base
        .replace(" unsigned", "")
        .replace(" zerofill", "")
        .trim()
        .to_owned();
    let numbers: Vec<u32> = args
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    let length = numbers.first().copied().map(u64::from);
    let bytes_per_char = match dialect {
        Dialect::Mysql => collation.map_or(MYSQL_DEFAULT_BYTES_PER_CHAR, mysql_bytes_per_char),
        Dialect::Postgres | Dialect::Sqlite => 1,
    };
    let integer = |bytes| TypeShape::Integer { bytes, unsigned };
    match base.as_str() {
        "tinyint" if dialect == Dialect::Mysql => integer(1),
        "smallint" | "int2" | "smallserial" => integer(2),
        "mediumint" => integer(3),
        "integer" | "int" | "int4" | "serial" => integer(4),
        "bigint" | "int8" | "bigserial" => integer(8),
        "numeric" | "decimal" => TypeShape::Decimal {
            precision: numbers.first().copied().or(match dialect {
                // MySQL's bare DECIMAL is DECIMAL(10,0) (MySQL manual, "Fixed-Point Types").
                Dialect::Mysql => Some(10),
                Dialect::Postgres | Dialect::Sqlite => None,
            }),
            scale: numbers.get(1).copied().unwrap_or(0),
        },
        "real" | "float4" => TypeShape::Float {
            bytes: if dialect == Dialect::Mysql { 8 } else { 4 },
        },
        "float" => TypeShape::Float {
            bytes: if dialect == Dialect::Mysql { 4 } else { 8 },
        },
        "double precision" | "double" | "float8" => TypeShape::Float { bytes: 8 },
        "character varying" | "varchar" => TypeShape::String {
            chars: length,
            kind: StringKind::Varying,
        },
        "character" | "char" | "bpchar" => TypeShape::String {
            chars: Some(length.unwrap_or(1)),
            kind: StringKind::Fixed,
        },
        "text" if dialect == Dialect::Mysql => mysql_text(65_535, bytes_per_char),
        "tinytext" => mysql_text(255, bytes_per_char),
        "mediumtext" => mysql_text(16_777_215, bytes_per_char),
        "longtext" => mysql_text(4_294_967_295, bytes_per_char),
        "text" => TypeShape::String {
            chars: None,
            kind: StringKind::Text,
        },
        "bytea" => TypeShape::Binary { bytes: None },
        "varbinary" => TypeShape::Binary { bytes: length },
        "tinyblob" => TypeShape::Binary { bytes: Some(255) },
        "blob" if dialect == Dialect::Mysql => TypeShape::Binary {
            bytes: Some(65_535),
        },
        "mediumblob" => TypeShape::Binary {
            bytes: Some(16_777_215),
        },
        "longblob" => TypeShape::Binary {
            bytes: Some(4_294_967_295),
        },
        "enum" if dialect == Dialect::Mysql => TypeShape::InlineEnum {
            labels: enum_labels(args),
        },
        _ => TypeShape::Other(lower),
    }
}

fn mysql_text(max_bytes: u64, bytes_per_char: u64) -> TypeShape {
    TypeShape::String {
        chars: Some(max_bytes / bytes_per_char),
        kind: StringKind::Text,
    }
}

/// Splits `name(args) rest` into `name rest` and `args`.
fn split_arguments(text: &str) -> (String, &str) {
    match (text.find('('), text.rfind(')')) {
        (Some(open), Some(close)) if open < close => (
            format!("{}{}", text[..open].trim_end(), &text[close + 1..]),
            &text[open + 1..close],
        ),
        _ => (text.to_owned(), ""),
    }
}

/// The labels of `'a','b''c'` in order, unquoted.
fn enum_labels(list: &str) -> Vec<String> {
    let mut labels = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = list.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' if quoted && chars.peek() == Some(&'\'') => {
                current.push('\'');
                chars.next();
            }
            '\'' if quoted => {
                quoted = false;
                labels.push(std::mem::take(&mut current));
            }
            '\'' => quoted = true,
            _ if quoted => current.push(c),
            _ => {}
        }
    }
    labels
}

/// Maximum bytes per character of a MySQL collation's character set (MySQL manual,
/// "Character Sets and Collations in MySQL").
fn mysql_bytes_per_char(collation: &str) -> u64 {
    let charset = collation.split('_').next().unwrap_or_default();
    match charset {
        "latin1" | "latin2" | "latin5" | "latin7" | "ascii" | "binary" | "cp1250" | "cp1251"
        | "cp1256" | "cp1257" | "cp850" | "cp852" | "cp866" | "dec8" | "greek" | "hebrew"
        | "hp8" | "keybcs2" | "koi8r" | "koi8u" | "macce" | "macroman" | "swe7" | "tis620"
        | "armscii8" | "geostd8" => 1,
        "ucs2" | "gbk" | "big5" | "sjis" | "cp932" | "euckr" | "gb2312" => 2,
        "utf8" | "utf8mb3" | "ujis" | "eucjpms" => 3,
        _ => 4,
    }
}

/// Whether an integer of `bytes` bytes always fits in `digits` decimal digits.
fn integer_digits(bytes: u8, unsigned: bool) -> u32 {
    match (bytes, unsigned) {
        (1, _) => 3,
        (2, _) => 5,
        (3, _) => 8,
        (4, _) => 10,
        (_, false) => 19,
        (_, true) => 20,
    }
}

/// What converting values from `from` to `to` does to them.
pub(crate) fn conversion(from: &TypeShape, to: &TypeShape) -> TypeConversion {
    use TypeConversion::{Incompatible, Narrowing, Same, Widening};
    use TypeShape as S;
    if from == to {
        return Same;
    }
    match (from, to) {
        (
            S::Integer {
                bytes: fb,
                unsigned: fu,
            },
            S::Integer {
                bytes: tb,
                unsigned: tu,
            },
        ) => match (fu, tu) {
            _ if fu == tu && tb >= fb => Widening,
            // A signed column holds negatives that no unsigned type takes.
            (false, true) => Narrowing,
            // Unsigned values need one more byte of magnitude in a signed type.
            _ if tb > fb => Widening,
            _ => Narrowing,
        },
        (S::Integer { bytes, unsigned }, S::Decimal { precision, scale }) => match precision {
            None => Widening,
            Some(p) if p.saturating_sub(*scale) >= integer_digits(*bytes, *unsigned) => Widening,
            Some(_) => Narrowing,
        },
        // A float's mantissa (24 or 53 bits) holds integers up to 2^24 or 2^53 exactly.
        (S::Integer { bytes, .. }, S::Float { bytes: fbytes }) => {
            if *bytes <= 2 || (*bytes <= 4 && *fbytes == 8) {
                Widening
            } else {
                Narrowing
            }
        }
        (
            S::Decimal {
                precision: fp,
                scale: fs,
            },
            S::Decimal {
                precision: tp,
                scale: ts,
            },
        ) => match (fp, tp) {
            (_, None) => Widening,
            (None, Some(_)) => Narrowing,
            (Some(fp), Some(tp)) if ts >= fs && tp - ts.min(tp) >= fp - fs.min(fp) => Widening,
            _ => Narrowing,
        },
        (S::Float { bytes: fb }, S::Float { bytes: tb }) => {
            if tb >= fb {
                Widening
            } else {
                Narrowing
            }
        }
        (S::String { chars: fc, .. }, S::String { chars: tc, .. })
        | (S::Binary { bytes: fc }, S::Binary { bytes: tc }) => match (fc, tc) {
            (_, None) => Widening,
            (None, Some(_)) => Narrowing,
            (Some(f), Some(t)) if t >= f => Widening,
            _ => Narrowing,
        },
        (S::InlineEnum { labels: fl }, S::InlineEnum { labels: tl }) => {
            if tl.starts_with(fl) {
                Widening
            } else if fl.iter().all(|label| tl.contains(label)) {
                Incompatible
            } else {
                Narrowing
            }
        }
        _ => Incompatible,
    }
}

/// Whether PostgreSQL changes the type without rewriting the table: the old type is binary
/// coercible to the new one. PostgreSQL 9.2 release notes: "Increasing the length limit for a
/// varchar or varbit column, or removing the limit altogether, no longer requires a table
/// rewrite. Similarly, increasing the allowable precision of a numeric column, or changing a
/// column from constrained numeric to unconstrained numeric, no longer requires a table
/// rewrite." `varchar` and `text` are binary coercible both ways.
pub(crate) fn postgres_keeps_storage(from: &TypeShape, to: &TypeShape) -> bool {
    use TypeShape as S;
    match (from, to) {
        (a, b) if a == b => true,
        (
            S::String {
                chars: fc,
                kind: StringKind::Varying | StringKind::Text,
            },
            S::String {
                chars: tc,
                kind: StringKind::Varying | StringKind::Text,
            },
        ) => match (fc, tc) {
            (_, None) => true,
            (Some(f), Some(t)) => t >= f,
            (None, Some(_)) => false,
        },
        (
            S::Decimal {
                precision: fp,
                scale: fs,
            },
            S::Decimal {
                precision: tp,
                scale: ts,
            },
        ) => match (fp, tp) {
            (_, None) => true,
            (Some(f), Some(t)) => fs == ts && t >= f,
            (None, Some(_)) => false,
        },
        _ => false,
    }
}

/// The outcome of a MySQL/MariaDB type change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MysqlTypeChange {
    /// Only the data dictionary changes (`ALGORITHM=INSTANT`).
    Instant,
    /// In place without copying rows (`ALGORITHM=INPLACE`, concurrent DML allowed).
    InPlace,
    /// The table is copied row by row (`ALGORITHM=COPY`, writes blocked).
    Copy,
}

/// How MySQL/MariaDB InnoDB performs `MODIFY COLUMN` from `from` to `to` (MySQL manual,
/// "Online DDL Operations", column operations):
/// - extending a `VARCHAR` is in place "as long as the number of length bytes required by a
///   VARCHAR column remains the same": one length byte up to 255 bytes, two from 256;
/// - appending members to an `ENUM` is instant while its storage size (1 byte up to 255
///   members) stays the same;
/// - any other data type change copies the table.
pub(crate) fn mysql_type_change(
    from: &TypeShape,
    to: &TypeShape,
    collation: Option<&str>,
) -> MysqlTypeChange {
    use TypeShape as S;
    let bytes_per_char = collation.map_or(MYSQL_DEFAULT_BYTES_PER_CHAR, mysql_bytes_per_char);
    let length_bytes = |chars: u64| if chars * bytes_per_char <= 255 { 1 } else { 2 };
    match (from, to) {
        (a, b) if a == b => MysqlTypeChange::InPlace,
        (
            S::String {
                chars: Some(f),
                kind: StringKind::Varying,
            },
            S::String {
                chars: Some(t),
                kind: StringKind::Varying,
            },
        ) if t >= f && length_bytes(*f) == length_bytes(*t) => MysqlTypeChange::InPlace,
        (S::InlineEnum { labels: fl }, S::InlineEnum { labels: tl })
            if tl.starts_with(fl) && (fl.len() <= 255) == (tl.len() <= 255) =>
        {
            MysqlTypeChange::Instant
        }
        _ => MysqlTypeChange::Copy,
    }
}

/// SQLite's column affinity of a declared type, by the rules of "Datatypes In SQLite 3", §3.1.
pub(crate) fn sqlite_affinity(data_type: &str) -> &'static str {
    let upper = data_type.to_ascii_uppercase();
    if upper.contains("INT") {
        "INTEGER"
    } else if upper.contains("CHAR") || upper.contains("CLOB") || upper.contains("TEXT") {
        "TEXT"
    } else if upper.contains("BLOB") || upper.trim().is_empty() {
        "BLOB"
    } else if upper.contains("REAL") || upper.contains("FLOA") || upper.contains("DOUB") {
        "REAL"
    } else {
        "NUMERIC"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TypeConversion::{Incompatible, Narrowing, Same, Widening};

    fn pg(from: &str, to: &str) -> TypeConversion {
        conversion(
            &shape(Dialect::Postgres, from, None),
            &shape(Dialect::Postgres, to, None),
        )
    }

    fn my(from: &str, to: &str) -> TypeConversion {
        conversion(
            &shape(Dialect::Mysql, from, None),
            &shape(Dialect::Mysql, to, None),
        )
    }

    #[test]
    fn postgres_conversions() {
        assert_eq!(pg("integer", "bigint"), Widening);
        assert_eq!(pg("bigint", "integer"), Narrowing);
        assert_eq!(
            pg("character varying(10)", "character varying(20)"),
            Widening
        );
        assert_eq!(
            pg("character varying(20)", "character varying(10)"),
            Narrowing
        );
        assert_eq!(pg("character varying(20)", "text"), Widening);
        assert_eq!(pg("text", "character varying(20)"), Narrowing);
        assert_eq!(pg("numeric(10,2)", "numeric(12,2)"), Widening);
        assert_eq!(pg("numeric(12,2)", "numeric(10,2)"), Narrowing);
        assert_eq!(pg("numeric(10,2)", "numeric(10,3)"), Narrowing);
        assert_eq!(pg("numeric(10,2)", "numeric"), Widening);
        assert_eq!(pg("integer", "numeric(10,0)"), Widening);
        assert_eq!(pg("integer", "numeric(5,0)"), Narrowing);
        assert_eq!(pg("real", "double precision"), Widening);
        assert_eq!(pg("integer", "text"), Incompatible);
        assert_eq!(pg("text", "integer"), Incompatible);
        assert_eq!(pg("uuid", "uuid"), Same);
    }

    #[test]
    fn mysql_conversions() {
        assert_eq!(my("int(11)", "int"), Same);
        assert_eq!(my("int", "int unsigned"), Narrowing);
        assert_eq!(my("int unsigned", "bigint"), Widening);
        assert_eq!(my("int unsigned", "int"), Narrowing);
        assert_eq!(my("varchar(255)", "text"), Widening);
        assert_eq!(my("text", "tinytext"), Narrowing);
        assert_eq!(my("decimal(10,2)", "decimal(8,2)"), Narrowing);
        assert_eq!(my("enum('a','b')", "enum('a','b','c')"), Widening);
        assert_eq!(my("enum('a','b')", "enum('b','a')"), Incompatible);
        assert_eq!(my("enum('a','b')", "enum('a')"), Narrowing);
        assert_eq!(my("double", "float"), Narrowing);
    }

    #[test]
    fn enum_labels_unquote() {
        assert_eq!(enum_labels("'a','it''s', 'c,d'"), ["a", "it's", "c,d"]);
    }

    #[test]
    fn postgres_binary_coercible_changes() {
        let keeps = |from, to| {
            postgres_keeps_storage(
                &shape(Dialect::Postgres, from, None),
                &shape(Dialect::Postgres, to, None),
            )
        };
        assert!(keeps("character varying(10)", "character varying(20)"));
        assert!(keeps("character varying(10)", "text"));
        assert!(keeps("text", "character varying"));
        assert!(keeps("numeric(10,2)", "numeric(12,2)"));
        assert!(keeps("numeric(10,2)", "numeric"));
        assert!(!keeps("numeric(10,2)", "numeric(12,3)"));
        assert!(!keeps("integer", "bigint"));
        assert!(!keeps("character varying(20)", "character varying(10)"));
        assert!(!keeps("character(10)", "character(20)"));
    }

    #[test]
    fn mysql_varchar_extension_depends_on_length_bytes() {
        let change = |from, to, collation| {
            mysql_type_change(
                &shape(Dialect::Mysql, from, collation),
                &shape(Dialect::Mysql, to, collation),
                collation,
            )
        };
        // utf8mb4: 4 bytes a character, so 63 characters is the last one-length-byte size.
        assert_eq!(
            change("varchar(10)", "varchar(63)", None),
            MysqlTypeChange::InPlace
        );
        assert_eq!(
            change("varchar(10)", "varchar(64)", None),
            MysqlTypeChange::Copy
        );
        assert_eq!(
            change("varchar(100)", "varchar(200)", None),
            MysqlTypeChange::InPlace
        );
        assert_eq!(
            change("varchar(100)", "varchar(200)", Some("latin1_swedish_ci")),
            MysqlTypeChange::InPlace
        );
        assert_eq!(
            change("varchar(200)", "varchar(300)", Some("latin1_swedish_ci")),
            MysqlTypeChange::Copy
        );
        assert_eq!(
            change("varchar(20)", "varchar(10)", None),
            MysqlTypeChange::Copy
        );
        assert_eq!(change("int", "bigint", None), MysqlTypeChange::Copy);
        assert_eq!(
            change("enum('a')", "enum('a','b')", None),
            MysqlTypeChange::Instant
        );
    }

    #[test]
    fn sqlite_affinities() {
        assert_eq!(sqlite_affinity("BIGINT"), "INTEGER");
        assert_eq!(sqlite_affinity("VARCHAR(10)"), "TEXT");
        assert_eq!(sqlite_affinity(""), "BLOB");
        assert_eq!(sqlite_affinity("DOUBLE"), "REAL");
        assert_eq!(sqlite_affinity("DECIMAL(10,2)"), "NUMERIC");
    }
}
