//! The server version a migration is written for (`--target-version`). Some statements are safe
//! on one version and not another: a constant default on `ADD COLUMN` is instant from
//! PostgreSQL 11 and rewrites the table before; `ALTER TYPE ... ADD VALUE` runs in a
//! transaction only from PostgreSQL 12; MySQL adds columns instantly from 8.0.12 and drops them
//! instantly from 8.0.29.
//!
//! The lint and the diff's classification share it. Without a version, both assume a current
//! server: PostgreSQL 12 or later, MySQL 8.0.29 or later, MariaDB 10.4 or later.

use crate::Dialect;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A server product. MariaDB shares the MySQL dialect but not its version numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Engine {
    /// PostgreSQL.
    Postgres,
    /// MySQL.
    Mysql,
    /// MariaDB.
    Mariadb,
    /// SQLite.
    Sqlite,
}

impl Engine {
    /// The dialect its SQL is written in.
    pub fn dialect(self) -> Dialect {
        match self {
            Engine::Postgres => Dialect::Postgres,
            Engine::Mysql | Engine::Mariadb => Dialect::Mysql,
            Engine::Sqlite => Dialect::Sqlite,
        }
    }

    /// The prefix used in `--target-version` (`postgres:11`).
    pub fn prefix(self) -> &'static str {
        match self {
            Engine::Postgres => "postgres",
            Engine::Mysql => "mysql",
            Engine::Mariadb => "mariadb",
            Engine::Sqlite => "sqlite",
        }
    }
}

/// A server version, such as PostgreSQL 11 or MySQL 8.0.28. Missing parts count as 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TargetVersion {
    /// The server product.
    pub engine: Engine,
    /// Major version: 11 for PostgreSQL 11, 8 for MySQL 8.0.28.
    pub major: u32,
    /// Minor version: 0 for MySQL 8.0.28 (and for PostgreSQL 10 and later).
    pub minor: u32,
    /// Patch level: 28 for MySQL 8.0.28.
    pub patch: u32,
}

/// A `--target-version` that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid target version `{text}`: {reason}")]
pub struct VersionError {
    /// The text as given.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

const FORMS: &str = "write it as ENGINE:VERSION or VERSION, for example postgres:11, 11, \
                     mysql:8.0.28, mariadb:10.4 or sqlite:3.35";

impl TargetVersion {
    /// Reads `postgres:11`, `pg:9.6`, `mysql:8.0.28`, `mariadb:10.4`, `sqlite:3.35`, or a bare
    /// version for `dialect` (on the MySQL dialect, 10 and later are MariaDB versions, since
    /// MySQL went from 5.7 to 8.0). An engine that does not match `dialect` is refused.
    pub fn parse(text: &str, dialect: Dialect) -> Result<TargetVersion, VersionError> {
        let error = |reason: String| VersionError {
            text: text.to_string(),
            reason,
        };
        let trimmed = text.trim();
        let (engine, number) = match trimmed.split_once(':') {
            Some((name, number)) => (
                Some(engine_named(name).ok_or_else(|| {
                    error(format!(
                        "unknown engine `{name}`: use postgres, mysql, mariadb or sqlite"
                    ))
                })?),
                number,
            ),
            None => (None, trimmed),
        };
        let (major, minor, patch) = numbers(number)
            .ok_or_else(|| error(format!("`{number}` is not a version number; {FORMS}")))?;
        let engine = engine.unwrap_or(match dialect {
            Dialect::Postgres => Engine::Postgres,
            Dialect::Mysql if major >= 10 => Engine::Mariadb,
            Dialect::Mysql => Engine::Mysql,
            Dialect::Sqlite => Engine::Sqlite,
        });
        if engine.dialect() != dialect {
            return Err(error(format!(
                "a {} version does not apply to {} migrations",
                engine.prefix(),
                dialect
            )));
        }
        let known = match engine {
            Engine::Postgres => (9..=30).contains(&major),
            Engine::Mysql => (5..=9).contains(&major),
            Engine::Mariadb => (10..=20).contains(&major) || major == 5,
            Engine::Sqlite => major == 3,
        };
        if !known {
            return Err(error(format!(
                "{} has no major version {major}",
                engine.prefix()
            )));
        }
        Ok(TargetVersion {
            engine,
            major,
            minor,
            patch,
        })
    }

    /// The version a server reports: its product name (`MariaDB` tells it from MySQL) and
    /// version text (`15.4 (Debian ...)`, `10.11.6-MariaDB-0+deb12u1`, `3.45.1`). `None` when
    /// the text holds no version this type knows.
    pub fn of_server(dialect: Dialect, product: &str, version: &str) -> Option<TargetVersion> {
        let number: String = version
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let engine = match dialect {
            Dialect::Mysql if product.eq_ignore_ascii_case("MariaDB") => "mariadb",
            Dialect::Mysql => "mysql",
            Dialect::Postgres => "postgres",
            Dialect::Sqlite => "sqlite",
        };
        TargetVersion::parse(&format!("{engine}:{number}"), dialect).ok()
    }

    /// Whether this is `engine` older than `major.minor.patch`.
    pub fn is_before(&self, engine: Engine, major: u32, minor: u32, patch: u32) -> bool {
        self.engine == engine && (self.major, self.minor, self.patch) < (major, minor, patch)
    }
}

fn engine_named(name: &str) -> Option<Engine> {
    match name.trim().to_ascii_lowercase().as_str() {
        "postgres" | "postgresql" | "pg" => Some(Engine::Postgres),
        "mysql" => Some(Engine::Mysql),
        "mariadb" => Some(Engine::Mariadb),
        "sqlite" | "sqlite3" => Some(Engine::Sqlite),
        _ => None,
    }
}

/// `11`, `9.6`, `8.0.28` as (major, minor, patch).
fn numbers(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.trim().split('.');
    let mut next = |required: bool| -> Option<u32> {
        match parts.next() {
            Some(part) if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) => {
                part.parse().ok()
            }
            Some(_) => None,
            None if required => None,
            None => Some(0),
        }
    };
    let version = (next(true)?, next(false)?, next(false)?);
    parts.next().is_none().then_some(version)
}

impl fmt::Display for TargetVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.engine {
            Engine::Postgres => "PostgreSQL",
            Engine::Mysql => "MySQL",
            Engine::Mariadb => "MariaDB",
            Engine::Sqlite => "SQLite",
        };
        match self.engine {
            Engine::Postgres if self.major >= 10 => write!(f, "{name} {}", self.major),
            _ if self.patch > 0 => {
                write!(f, "{name} {}.{}.{}", self.major, self.minor, self.patch)
            }
            _ => write!(f, "{name} {}.{}", self.major, self.minor),
        }
    }
}

/// In configuration files and JSON: `postgres:11`, `mysql:8.0.28`.
impl Serialize for TargetVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!(
            "{}:{}.{}.{}",
            self.engine.prefix(),
            self.major,
            self.minor,
            self.patch
        ))
    }
}

impl<'de> Deserialize<'de> for TargetVersion {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let (name, _) = text.split_once(':').ok_or_else(|| {
            serde::de::Error::custom(format!(
                "target version `{text}` needs its engine, for example postgres:11"
            ))
        })?;
        let engine = engine_named(name).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown engine in target version `{text}`"))
        })?;
        TargetVersion::parse(&text, engine.dialect()).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, dialect: Dialect) -> Result<TargetVersion, String> {
        TargetVersion::parse(text, dialect).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_engine_prefixed_and_bare_versions() {
        let pg = parse("postgres:11", Dialect::Postgres).expect("pg");
        assert_eq!((pg.engine, pg.major), (Engine::Postgres, 11));
        assert_eq!(pg.to_string(), "PostgreSQL 11");
        assert_eq!(
            parse("9.6", Dialect::Postgres).map(|v| (v.major, v.minor)),
            Ok((9, 6))
        );
        let mysql = parse("mysql:8.0.28", Dialect::Mysql).expect("mysql");
        assert_eq!((mysql.major, mysql.minor, mysql.patch), (8, 0, 28));
        assert_eq!(mysql.to_string(), "MySQL 8.0.28");
        assert_eq!(
            parse("10.4", Dialect::Mysql).map(|v| v.engine),
            Ok(Engine::Mariadb)
        );
        assert_eq!(
            parse("5.7", Dialect::Mysql).map(|v| v.engine),
            Ok(Engine::Mysql)
        );
        assert_eq!(parse(" PG:12 ", Dialect::Postgres).map(|v| v.major), Ok(12));
    }

    #[test]
    fn refuses_bad_versions_with_the_reason() {
        let bad = [
            ("", "is not a version number"),
            ("eleven", "is not a version number"),
            ("11.", "is not a version number"),
            ("1.2.3.4", "is not a version number"),
            ("-1", "is not a version number"),
            ("oracle:19", "unknown engine `oracle`"),
            ("mysql:8.0", "does not apply to postgresql migrations"),
            ("postgres:3", "postgres has no major version 3"),
            ("99999999999", "is not a version number"),
        ];
        for (text, reason) in bad {
            let message = parse(text, Dialect::Postgres).expect_err(text);
            assert!(message.contains(reason), "{text}: {message}");
        }
    }

    #[test]
    fn reads_what_servers_report() {
        let of = |dialect, product, text| {
            TargetVersion::of_server(dialect, product, text).map(|v| v.to_string())
        };
        assert_eq!(
            of(
                Dialect::Postgres,
                "PostgreSQL",
                "15.19 (Debian 15.19-0+deb12u1)"
            )
            .as_deref(),
            Some("PostgreSQL 15")
        );
        assert_eq!(
            of(Dialect::Mysql, "MariaDB", "10.11.6-MariaDB-0+deb12u1").as_deref(),
            Some("MariaDB 10.11.6")
        );
        assert_eq!(
            of(Dialect::Mysql, "MySQL", "8.0.36").as_deref(),
            Some("MySQL 8.0.36")
        );
        assert_eq!(of(Dialect::Postgres, "PostgreSQL", "devel"), None);
    }

    #[test]
    fn compares_within_an_engine() {
        let v = parse("mysql:8.0.28", Dialect::Mysql).expect("mysql");
        assert!(v.is_before(Engine::Mysql, 8, 0, 29));
        assert!(!v.is_before(Engine::Mysql, 8, 0, 12));
        assert!(!v.is_before(Engine::Mariadb, 10, 4, 0));
    }

    #[test]
    fn round_trips_through_serde() {
        let v = parse("postgres:11", Dialect::Postgres).expect("pg");
        let json = serde_json::to_string(&v).expect("serializes");
        assert_eq!(json, "\"postgres:11.0.0\"");
        assert_eq!(serde_json::from_str::<TargetVersion>(&json).ok(), Some(v));
        assert!(serde_json::from_str::<TargetVersion>("\"11\"").is_err());
    }
}
