//! Connection URLs: parsing, the dialect they name, TLS settings, and redaction.
//!
//! A password is kept private to this module and only ever leaves it through the drivers'
//! connection builders. `Display` and `Debug` print the redacted form, so formatting a URL into
//! an error, a log line or an event cannot leak it.

use dbwarden_core::Dialect;
use percent_encoding::percent_decode_str;
use std::fmt;
use std::path::PathBuf;
use thiserror::Error;

/// A URL that dbwarden cannot use.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlError {
    /// The scheme is not one dbwarden speaks.
    #[error(
        "unknown database URL scheme `{scheme}`: use postgres://, postgresql://, mysql://, mariadb://, sqlite:PATH or sqlite::memory:"
    )]
    UnknownScheme {
        /// The scheme as given.
        scheme: String,
    },
    /// The URL is not well formed.
    #[error("malformed database URL {redacted}: {reason}")]
    Malformed {
        /// The URL with any password hidden.
        redacted: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A query parameter has a value dbwarden does not know.
    #[error("database URL parameter {name}={value} is not valid: expected one of {expected}")]
    BadParameter {
        /// Parameter name.
        name: String,
        /// The value given.
        value: String,
        /// The accepted values.
        expected: String,
    },
}

/// How to use TLS, in libpq's terms (MySQL's `ssl-mode` values map onto the same five).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Never use TLS.
    Disable,
    /// Use TLS when the server offers it, without verifying the certificate.
    Prefer,
    /// Require TLS, without verifying the certificate.
    Require,
    /// Require TLS and a certificate signed by a trusted authority.
    VerifyCa,
    /// Require TLS, a trusted certificate, and a host name that matches it.
    VerifyFull,
}

/// A parsed database URL.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectionUrl {
    dialect: Dialect,
    target: Target,
    params: Vec<(String, String)>,
}

#[derive(Clone, PartialEq, Eq)]
enum Target {
    Server {
        scheme: String,
        user: Option<String>,
        password: Option<String>,
        host: String,
        port: Option<u16>,
        database: Option<String>,
    },
    SqliteFile(PathBuf),
    SqliteMemory,
}

impl ConnectionUrl {
    /// Parses a URL: `postgres://`, `postgresql://`, `mysql://`, `mariadb://`, `sqlite:PATH`,
    /// `sqlite://PATH` or `sqlite::memory:`.
    pub fn parse(input: &str) -> Result<Self, UrlError> {
        let input = input.trim();
        let Some((scheme, rest)) = input.split_once(':') else {
            return Err(UrlError::Malformed {
                redacted: redact_raw(input),
                reason: "it has no scheme; expected e.g. postgres://user@host/db or sqlite:app.db"
                    .into(),
            });
        };
        let scheme_lower = scheme.to_ascii_lowercase();
        let dialect = match scheme_lower.as_str() {
            "postgres" | "postgresql" => Dialect::Postgres,
            "mysql" | "mariadb" => Dialect::Mysql,
            "sqlite" | "sqlite3" => Dialect::Sqlite,
            _ => {
                return Err(UrlError::UnknownScheme {
                    scheme: scheme.to_owned(),
                });
            }
        };
        if dialect == Dialect::Sqlite {
            return Self::parse_sqlite(rest);
        }
        Self::parse_server(dialect, &scheme_lower, input)
    }

    fn parse_sqlite(rest: &str) -> Result<Self, UrlError> {
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let params = parse_query(query);
        let path = path.strip_prefix("//").unwrap_or(path);
        let target = if path == ":memory:" {
            Target::SqliteMemory
        } else if path.is_empty() {
            return Err(UrlError::Malformed {
                redacted: format!("sqlite:{rest}"),
                reason: "no file path; use sqlite:PATH (e.g. sqlite:app.db) or sqlite::memory:"
                    .into(),
            });
        } else {
            let decoded = percent_decode_str(path).decode_utf8_lossy().into_owned();
            Target::SqliteFile(PathBuf::from(decoded))
        };
        Ok(ConnectionUrl {
            dialect: Dialect::Sqlite,
            target,
            params,
        })
    }

    fn parse_server(dialect: Dialect, scheme: &str, input: &str) -> Result<Self, UrlError> {
        // An unencoded `#`, `/` or `?` in a password makes the URL parser end the authority
        // early (the rest becomes path or fragment, the password a port or host). Refuse it
        // rather than connect somewhere else or print part of the password.
        let after_authority = &input[input.find("://").map_or(0, |i| i + 3)..];
        let authority_end = after_authority
            .find(['/', '?', '#'])
            .unwrap_or(after_authority.len());
        if after_authority[authority_end..].contains('@') {
            return Err(UrlError::Malformed {
                redacted: redact_raw(input),
                reason:
                    "the user name or password contains a character that must be percent-encoded \
                         (# as %23, / as %2F, ? as %3F, @ as %40)"
                        .into(),
            });
        }
        let parsed = ::url::Url::parse(input).map_err(|e| UrlError::Malformed {
            redacted: redact_raw(input),
            reason: e.to_string(),
        })?;
        let host = parsed.host_str().unwrap_or("").to_owned();
        if host.is_empty() {
            return Err(UrlError::Malformed {
                redacted: redact_raw(input),
                reason: "no host; expected e.g. postgres://user@localhost:5432/db".into(),
            });
        }
        let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
        let user = Some(decode(parsed.username())).filter(|u| !u.is_empty());
        let password = parsed.password().map(decode);
        let database =
            Some(decode(parsed.path().trim_start_matches('/'))).filter(|d| !d.is_empty());
        let params = parsed
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let url = ConnectionUrl {
            dialect,
            target: Target::Server {
                scheme: scheme.to_owned(),
                user,
                password,
                host: host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_owned(),
                port: parsed.port(),
                database,
            },
            params,
        };
        url.tls_mode()?;
        Ok(url)
    }

    /// The dialect the URL names.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The URL's scheme as written (`mariadb` and `mysql` both speak [`Dialect::Mysql`]).
    pub fn scheme(&self) -> &str {
        match &self.target {
            Target::Server { scheme, .. } => scheme,
            Target::SqliteFile(_) | Target::SqliteMemory => "sqlite",
        }
    }

    /// The user name, if any.
    pub fn user(&self) -> Option<&str> {
        match &self.target {
            Target::Server { user, .. } => user.as_deref(),
            _ => None,
        }
    }

    /// The password, for the drivers only.
    pub(crate) fn password(&self) -> Option<&str> {
        match &self.target {
            Target::Server { password, .. } => password.as_deref(),
            _ => None,
        }
    }

    /// Whether the URL carries a password.
    pub fn has_password(&self) -> bool {
        self.password().is_some()
    }

    /// The host name, for server engines.
    pub fn host(&self) -> Option<&str> {
        match &self.target {
            Target::Server { host, .. } => Some(host),
            _ => None,
        }
    }

    /// The port, or the engine's default.
    pub fn port(&self) -> Option<u16> {
        match &self.target {
            Target::Server { port, .. } => Some(port.unwrap_or(match self.dialect {
                Dialect::Postgres => 5432,
                _ => 3306,
            })),
            _ => None,
        }
    }

    /// The database name, for server engines.
    pub fn database(&self) -> Option<&str> {
        match &self.target {
            Target::Server { database, .. } => database.as_deref(),
            _ => None,
        }
    }

    /// The SQLite file, or `None` for a server or an in-memory database.
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        match &self.target {
            Target::SqliteFile(p) => Some(p),
            _ => None,
        }
    }

    /// Whether this is `sqlite::memory:`.
    pub fn is_memory(&self) -> bool {
        matches!(self.target, Target::SqliteMemory)
    }

    /// A query parameter's value.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The same server and credentials, another database (for scratch databases and tests).
    pub fn with_database(&self, name: &str) -> ConnectionUrl {
        let mut url = self.clone();
        match &mut url.target {
            Target::Server { database, .. } => *database = Some(name.to_owned()),
            Target::SqliteFile(p) => *p = p.with_file_name(name),
            Target::SqliteMemory => {}
        }
        url
    }

    /// The TLS mode the URL asks for: PostgreSQL `sslmode`, MySQL `ssl-mode` (or `sslmode`).
    /// Unset means `prefer`, as libpq and the mysql client default.
    pub fn tls_mode(&self) -> Result<TlsMode, UrlError> {
        match self.dialect {
            Dialect::Postgres => match self.param("sslmode") {
                None => Ok(TlsMode::Prefer),
                Some(v) => match v {
                    "disable" => Ok(TlsMode::Disable),
                    // libpq's `allow` tries plain first; we treat it as prefer, which is stricter.
                    "allow" | "prefer" => Ok(TlsMode::Prefer),
                    "require" => Ok(TlsMode::Require),
                    "verify-ca" => Ok(TlsMode::VerifyCa),
                    "verify-full" => Ok(TlsMode::VerifyFull),
                    _ => Err(UrlError::BadParameter {
                        name: "sslmode".into(),
                        value: v.into(),
                        expected: "disable, prefer, require, verify-ca, verify-full".into(),
                    }),
                },
            },
            Dialect::Mysql => {
                let Some(v) = self.param("ssl-mode").or_else(|| self.param("sslmode")) else {
                    return Ok(TlsMode::Prefer);
                };
                match v.to_ascii_uppercase().replace('-', "_").as_str() {
                    "DISABLED" | "DISABLE" => Ok(TlsMode::Disable),
                    "PREFERRED" | "PREFER" => Ok(TlsMode::Prefer),
                    "REQUIRED" | "REQUIRE" => Ok(TlsMode::Require),
                    "VERIFY_CA" => Ok(TlsMode::VerifyCa),
                    "VERIFY_IDENTITY" | "VERIFY_FULL" => Ok(TlsMode::VerifyFull),
                    _ => Err(UrlError::BadParameter {
                        name: "ssl-mode".into(),
                        value: v.into(),
                        expected: "DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY"
                            .into(),
                    }),
                }
            }
            Dialect::Sqlite => Ok(TlsMode::Disable),
        }
    }

    /// The CA certificate file for verifying the server (`sslrootcert`, MySQL `ssl-ca`).
    pub fn tls_root_cert(&self) -> Option<&str> {
        self.param("sslrootcert")
            .or_else(|| self.param("ssl-ca"))
            .or_else(|| self.param("sslca"))
    }

    /// The URL with the password replaced by `***`: the only form that is ever printed.
    pub fn redacted(&self) -> String {
        match &self.target {
            Target::SqliteMemory => "sqlite::memory:".into(),
            Target::SqliteFile(p) => format!("sqlite:{}", p.display()),
            Target::Server {
                scheme,
                user,
                password,
                host,
                port,
                database,
            } => {
                let mut s = format!("{scheme}://");
                if let Some(u) = user {
                    s.push_str(u);
                    if password.is_some() {
                        s.push_str(":***");
                    }
                    s.push('@');
                }
                if host.contains(':') {
                    s.push_str(&format!("[{host}]"));
                } else {
                    s.push_str(host);
                }
                if let Some(p) = port {
                    s.push_str(&format!(":{p}"));
                }
                if let Some(d) = database {
                    s.push('/');
                    s.push_str(d);
                }
                let shown: Vec<String> = self
                    .params
                    .iter()
                    .map(|(k, v)| {
                        if k.contains("password") {
                            format!("{k}=***")
                        } else {
                            format!("{k}={v}")
                        }
                    })
                    .collect();
                if !shown.is_empty() {
                    s.push('?');
                    s.push_str(&shown.join("&"));
                }
                s
            }
        }
    }
}

impl fmt::Display for ConnectionUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for ConnectionUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConnectionUrl({})", self.redacted())
    }
}

fn parse_query(query: &str) -> Vec<(String, String)> {
    ::url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Whether a query parameter's name looks like a credential (`password`, `pwd`, `pass`,
/// `secret`, `token`, any case); its value is never printed.
fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["pass", "pwd", "secret", "token"]
        .iter()
        .any(|word| key.contains(word))
}

/// Hides the password of a URL that did not parse. The user part ends at the *last* `@`
/// (a password may contain `/`, `?`, `#` or `@`), and credential-like parameters are masked.
/// Over-redacting is acceptable; a leak is not.
pub fn redact_raw(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let rest = match input.find("://") {
        Some(i) => {
            let (scheme, after) = input.split_at(i + 3);
            out.push_str(scheme);
            match after.rfind('@') {
                Some(at) => {
                    let userinfo = &after[..at];
                    match userinfo.split_once(':') {
                        Some((user, _)) => {
                            out.push_str(user);
                            out.push_str(":***");
                        }
                        None => out.push_str(userinfo),
                    }
                    &after[at..]
                }
                None => after,
            }
        }
        None => input,
    };
    out.push_str(&mask_secret_parameters(rest));
    out
}

/// Replaces the value of every `key=value` whose key looks like a credential.
fn mask_secret_parameters(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(eq) = rest.find('=') {
        let (before, after) = rest.split_at(eq);
        out.push_str(before);
        out.push('=');
        let key_start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .map_or(0, |i| i + 1);
        let value = &after[1..];
        let value_end = value.find(['&', ';']).unwrap_or(value.len());
        if is_secret_key(&before[key_start..]) {
            out.push_str("***");
        } else {
            out.push_str(&value[..value_end]);
        }
        rest = &value[value_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_name_their_dialect() {
        for (url, dialect) in [
            ("postgres://u@h/db", Dialect::Postgres),
            ("postgresql://u@h/db", Dialect::Postgres),
            ("mysql://u@h/db", Dialect::Mysql),
            ("mariadb://u@h/db", Dialect::Mysql),
            ("sqlite:app.db", Dialect::Sqlite),
            ("sqlite::memory:", Dialect::Sqlite),
        ] {
            assert_eq!(
                ConnectionUrl::parse(url).map(|u| u.dialect()),
                Ok(dialect),
                "{url}"
            );
        }
    }

    #[test]
    fn unknown_scheme_is_named() {
        let err = ConnectionUrl::parse("oracle://x@h/db").err();
        assert_eq!(
            err,
            Some(UrlError::UnknownScheme {
                scheme: "oracle".into()
            })
        );
    }

    #[test]
    fn sqlite_forms() {
        let u = ConnectionUrl::parse("sqlite:data/app.db").ok();
        assert_eq!(
            u.as_ref().and_then(|u| u.sqlite_path()),
            Some(std::path::Path::new("data/app.db"))
        );
        let u = ConnectionUrl::parse("sqlite:///tmp/x.db").ok();
        assert_eq!(
            u.as_ref().and_then(|u| u.sqlite_path()),
            Some(std::path::Path::new("/tmp/x.db"))
        );
        assert!(ConnectionUrl::parse("sqlite::memory:").is_ok_and(|u| u.is_memory()));
        assert!(ConnectionUrl::parse("sqlite:").is_err());
    }

    #[test]
    fn password_never_shows() {
        let u = ConnectionUrl::parse("postgres://bob:s3cr%40t@db.example:6543/app?sslmode=require")
            .expect("valid");
        assert_eq!(u.password(), Some("s3cr@t"));
        for shown in [u.to_string(), format!("{u:?}"), u.redacted()] {
            assert!(!shown.contains("s3cr"), "{shown}");
            assert!(shown.contains("bob:***@db.example:6543/app"), "{shown}");
        }
        assert_eq!(
            redact_raw("mysql://root:hunter2@h:3306/x"),
            "mysql://root:***@h:3306/x"
        );
        assert_eq!(
            redact_raw("mysql://root:hun@ter2@h/x"),
            "mysql://root:***@h/x"
        );
    }

    #[test]
    fn unencoded_special_characters_in_a_password_are_refused_without_leaking() {
        for raw in [
            "postgres://bob:12#3x@h/db",
            "postgres://bob:pa/ss@h/db",
            "mysql://bob:a?b@h/db",
        ] {
            // Each parses "successfully" as something else without the check.
            let err = ConnectionUrl::parse(raw)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains("percent-encoded"), "{raw}: {err}");
            for secret in ["12#3x", "pa/ss", "a?b"] {
                assert!(!err.contains(secret), "{raw}: {err}");
            }
        }
    }

    #[test]
    fn malformed_url_error_hides_password() {
        let err = ConnectionUrl::parse("postgres://bob:hunter2@/")
            .err()
            .map(|e| e.to_string());
        let err = err.unwrap_or_default();
        assert!(!err.contains("hunter2"), "{err}");
        assert!(err.contains("host"), "{err}");
    }

    #[test]
    fn tls_modes() {
        let mode = |u: &str| ConnectionUrl::parse(u).and_then(|u| u.tls_mode());
        assert_eq!(mode("postgres://h/db"), Ok(TlsMode::Prefer));
        assert_eq!(
            mode("postgres://h/db?sslmode=verify-full"),
            Ok(TlsMode::VerifyFull)
        );
        assert_eq!(mode("mysql://h/db?ssl-mode=REQUIRED"), Ok(TlsMode::Require));
        assert_eq!(
            mode("mysql://h/db?ssl-mode=verify_identity"),
            Ok(TlsMode::VerifyFull)
        );
        assert!(matches!(
            mode("postgres://h/db?sslmode=bogus"),
            Err(UrlError::BadParameter { .. })
        ));
    }

    #[test]
    fn with_database_keeps_credentials() {
        let u = ConnectionUrl::parse("mysql://root:pw@127.0.0.1:3306/a").expect("valid");
        let v = u.with_database("b");
        assert_eq!(v.database(), Some("b"));
        assert_eq!(v.password(), Some("pw"));
    }
}
