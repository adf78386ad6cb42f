//! `dbwarden lint [PATHS]`: unsafe operations in migration files, with why and the safe SQL.

use crate::cli::{GlobalArgs, LintFormat, LintTarget};
use crate::exit::{Exit, Failure};
use crate::output::{Style, paint, print_json, println_safe};
use dbwarden::config::resolve_database_url;
use dbwarden::core::Dialect;
use dbwarden::impact::{
    Assessment, DEFAULT_LARGE_TABLE_ROWS, Impact, ImpactOptions, StatementImpact,
};
use dbwarden_lint::{
    Finding, LintInput, LintReport, Rule, Severity, TargetVersion, Unparsed, lint_all,
};
use serde::Serialize;
use std::path::{Path, PathBuf};

pub struct LintArgs {
    pub paths: Vec<PathBuf>,
    /// `--dialect` and `--target-version`.
    pub dialect: LintTarget,
    pub format: LintFormat,
    pub allow: Vec<String>,
    /// `--impact`: assess against the live database (URL from flag, environment or .env).
    pub impact: bool,
    /// `--large-table-rows`.
    pub large_table_rows: Option<u64>,
}

fn parse_dialect(name: &str) -> Result<Dialect, Failure> {
    match name.to_ascii_lowercase().as_str() {
        "postgres" | "postgresql" | "pg" => Ok(Dialect::Postgres),
        "mysql" | "mariadb" => Ok(Dialect::Mysql),
        "sqlite" => Ok(Dialect::Sqlite),
        other => Err(Failure::new(
            Exit::Usage,
            "invalid_input",
            format!("unknown dialect `{other}`: use postgres, mysql or sqlite"),
        )),
    }
}

/// The files to lint: given files as they are; in a folder, the up scripts (down scripts
/// undo on purpose, so their drops are expected).
fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_file() {
            out.push(path.clone());
        } else if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| {
                    Failure::new(
                        Exit::Usage,
                        "invalid_input",
                        format!("cannot read {}: {e}", path.display()),
                    )
                })?
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().ends_with(".up.sql"))
                })
                .collect();
            found.sort();
            out.extend(found);
        } else {
            return Err(Failure::new(
                Exit::Usage,
                "invalid_input",
                format!("{} is neither a file nor a folder", path.display()),
            ));
        }
    }
    Ok(out)
}

/// `--format json`.
#[derive(Serialize)]
struct JsonReport<'a> {
    status: &'a str,
    findings: &'a [&'a Finding],
    unparsed: &'a [&'a Unparsed],
}

/// A finding with the impact of its statement (`--format json` with impact assessment).
#[derive(Serialize)]
struct JsonFinding<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    impact: Option<&'a Impact>,
}

/// `--format json` with impact assessment.
#[derive(Serialize)]
struct JsonImpactReport<'a> {
    status: &'a str,
    findings: Vec<JsonFinding<'a>>,
    unparsed: &'a [&'a Unparsed],
    /// Every statement that touches a table of the live database.
    statements: &'a [StatementImpact],
}

/// ` Impact: ...` for messages on one line (SARIF, GitHub annotations).
fn impact_suffix(impact: Option<&Impact>) -> String {
    impact.map_or_else(String::new, |i| format!(" Impact: {}.", i.summary()))
}

/// The URL to assess impact against: `--database-url` always; DATABASE_URL and `.env` only
/// with `--impact`, which then requires one.
fn impact_url(
    global: &GlobalArgs,
    impact: bool,
) -> Result<Option<dbwarden::engine::ConnectionUrl>, Failure> {
    if !impact && global.database_url.is_none() {
        return Ok(None);
    }
    match resolve_database_url(global.database_url.as_deref(), Path::new(".")) {
        Ok((url, _)) => Ok(Some(url)),
        Err(e) => Err(Failure::new(
            Exit::Usage,
            "invalid_input",
            format!("lint --impact needs a database to assess against: {e}"),
        )),
    }
}

/// The findings as a SARIF 2.1.0 log (OASIS standard), the format code scanning reads.
fn sarif(
    findings: &[&dbwarden_lint::Finding],
    impacts: &[Option<&Impact>],
    unparsed: &[&dbwarden_lint::Unparsed],
) -> serde_json::Value {
    let rules: Vec<serde_json::Value> = Rule::all()
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id(),
                "shortDescription": {"text": r.summary()},
                "helpUri": format!("docs/lint/{}.md", r.id()),
                "defaultConfiguration": {"level": match r.default_severity() { Severity::Error => "error", Severity::Warning => "warning" }},
            })
        })
        .collect();
    let location = |file: &str, line: usize, column: usize| {
        serde_json::json!([{"physicalLocation": {
            "artifactLocation": {"uri": file},
            "region": {"startLine": line.max(1), "startColumn": column.max(1)},
        }}])
    };
    let mut results: Vec<serde_json::Value> = findings
        .iter()
        .enumerate()
        .map(|(index, f)| {
            let impact = impact_suffix(impacts.get(index).copied().flatten());
            let mut result = serde_json::json!({
                "ruleId": f.rule.id(),
                "level": match f.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": {"text": format!("{} {}{}{impact}", f.message, f.why, f.fix.as_ref().map(|x| format!(" Fix: {x}")).unwrap_or_default())},
                "locations": location(&f.file, f.line, f.column),
            });
            if let Some(reason) = &f.allowed {
                result["suppressions"] = serde_json::json!([{"kind": "inSource", "justification": reason}]);
            }
            result
        })
        .collect();
    results.extend(unparsed.iter().map(|u| {
        serde_json::json!({
            "ruleId": "unparsed",
            "level": "note",
            "message": {"text": format!("not checked: the statement could not be parsed ({})", u.message)},
            "locations": location(&u.file, u.line, 1),
        })
    }));
    serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "dbwarden", "version": env!("CARGO_PKG_VERSION"), "rules": rules}},
            "results": results,
        }],
    })
}

/// The engine named by a `--target-version` prefix (`postgres:11`), if it has one.
fn dialect_of_version(version: &str) -> Result<Option<Dialect>, Failure> {
    match version.split_once(':') {
        None => Ok(None),
        Some((engine, _)) => match engine.trim().to_ascii_lowercase().as_str() {
            "sqlite3" => Ok(Some(Dialect::Sqlite)),
            _ => parse_dialect(engine.trim()).map(Some).map_err(|_| {
                Failure::new(
                    Exit::Usage,
                    "invalid_input",
                    format!(
                        "--target-version {version}: unknown engine `{engine}`; use postgres, mysql, mariadb or sqlite"
                    ),
                )
            }),
        },
    }
}

pub async fn run(global: &GlobalArgs, args: LintArgs) -> Result<Exit, Failure> {
    let LintTarget {
        dialect,
        target_version,
    } = &args.dialect;
    let dialect = match (
        dialect,
        target_version
            .as_deref()
            .map(dialect_of_version)
            .transpose()?
            .flatten(),
    ) {
        (Some(d), _) => parse_dialect(d)?,
        (None, Some(d)) => d,
        (None, None) => {
            match resolve_database_url(global.database_url.as_deref(), Path::new(".")) {
                Ok((url, _)) => url.dialect(),
                Err(_) => {
                    return Err(Failure::new(
                        Exit::Usage,
                        "invalid_input",
                        "which engine are the migrations for? pass --dialect postgres|mysql|sqlite, or a database URL",
                    ));
                }
            }
        }
    };
    let project = dbwarden::config::ProjectConfig::load(Path::new("."))?;
    let mut config = project.lint_config()?;
    let impact_url = impact_url(global, args.impact)?;
    if let Some(url) = &impact_url
        && url.dialect() != dialect
    {
        return Err(Failure::new(
            Exit::Usage,
            "invalid_input",
            format!(
                "the migrations are linted as {dialect:?} but the database to assess is {:?}",
                url.dialect()
            ),
        ));
    }
    if let Some(version) = target_version {
        config.target_version = Some(TargetVersion::parse(version, dialect).map_err(|e| {
            Failure::new(
                Exit::Usage,
                "invalid_input",
                format!("--target-version: {e}"),
            )
        })?);
    }
    for id in &args.allow {
        let rule = Rule::from_id(id).ok_or_else(|| {
            Failure::new(
                Exit::Usage,
                "invalid_input",
                format!("--allow {id}: no such rule (see docs/lint/)"),
            )
        })?;
        config.allowed.push(rule);
    }
    let paths = if args.paths.is_empty() {
        vec![global.migrations_dir.clone()]
    } else {
        args.paths.clone()
    };
    let mut sources: Vec<(String, String)> = Vec::new();
    for file in files(&paths)? {
        let source = std::fs::read_to_string(&file).map_err(|e| {
            Failure::new(
                Exit::Usage,
                "invalid_input",
                format!("cannot read {}: {e}", file.display()),
            )
        })?;
        sources.push((file.display().to_string(), source));
    }
    let inputs: Vec<LintInput> = sources
        .iter()
        .map(|(name, source)| LintInput {
            path: name,
            source,
            dialect,
        })
        .collect();
    let mut reports: Vec<LintReport> = lint_all(&inputs, &config);
    let assessment: Option<Assessment> = match &impact_url {
        Some(url) => {
            let mut engine = dbwarden::engine::connect(url).await?;
            let options = ImpactOptions {
                large_table_rows: args
                    .large_table_rows
                    .or(project.lint.large_table_rows)
                    .unwrap_or(DEFAULT_LARGE_TABLE_ROWS),
            };
            Some(
                dbwarden::impact::assess(engine.as_mut(), &inputs, &config, &mut reports, options)
                    .await,
            )
        }
        None => None,
    };
    let blocking = reports.iter().any(LintReport::has_blocking);
    let findings: Vec<_> = reports.iter().flat_map(|r| r.findings.iter()).collect();
    // The impact of each finding's statement, in the order of `findings`.
    let impacts: Vec<Option<&Impact>> = reports
        .iter()
        .enumerate()
        .flat_map(|(report, r)| {
            let assessment = assessment.as_ref();
            (0..r.findings.len()).map(move |index| assessment.and_then(|a| a.of(report, index)))
        })
        .collect();
    let unparsed: Vec<_> = reports.iter().flat_map(|r| r.unparsed.iter()).collect();
    match (global.json, args.format) {
        (true, _) | (_, LintFormat::Json) if assessment.is_some() => {
            print_json(&JsonImpactReport {
                status: if blocking { "errors" } else { "ok" },
                findings: findings
                    .iter()
                    .zip(&impacts)
                    .map(|(finding, impact)| JsonFinding {
                        finding,
                        impact: *impact,
                    })
                    .collect(),
                unparsed: &unparsed,
                statements: assessment
                    .as_ref()
                    .map_or(&[][..], |a| a.statements.as_slice()),
            });
        }
        (true, _) | (_, LintFormat::Json) => {
            // Serialized straight from the reports: building a JSON value tree first cost
            // more than linting on a thousand files.
            print_json(&JsonReport {
                status: if blocking { "errors" } else { "ok" },
                findings: &findings,
                unparsed: &unparsed,
            });
        }
        (false, LintFormat::Sarif) => print_json(&sarif(&findings, &impacts, &unparsed)),
        (false, LintFormat::Github) => {
            for (f, impact) in findings.iter().zip(&impacts) {
                let level = match (f.severity, &f.allowed) {
                    (_, Some(_)) => "notice",
                    (Severity::Error, None) => "error",
                    (Severity::Warning, None) => "warning",
                };
                // GitHub workflow commands: one line each; newlines in the message are escaped.
                let message = format!("{} {}{}", f.message, f.why, impact_suffix(*impact))
                    .replace('\n', "%0A");
                println_safe(&format!(
                    "::{level} file={},line={},col={},title={}::{message}",
                    f.file,
                    f.line,
                    f.column,
                    f.rule.id()
                ));
            }
            for u in &unparsed {
                println_safe(&format!(
                    "::warning file={},line={},title=unparsed::{}",
                    u.file,
                    u.line,
                    u.message.replace('\n', "%0A")
                ));
            }
        }
        (false, LintFormat::Human) => {
            for (f, impact) in findings.iter().zip(&impacts) {
                let (word, style) = match (f.severity, &f.allowed) {
                    (_, Some(_)) => ("allowed", Style::Ok),
                    (Severity::Error, None) => ("error", Style::Bad),
                    (Severity::Warning, None) => ("warning", Style::Warn),
                };
                println_safe(&format!(
                    "{}:{}:{}: {} [{}] {}",
                    f.file,
                    f.line,
                    f.column,
                    paint(word, style, false),
                    f.rule.id(),
                    f.message
                ));
                println_safe(&format!("    {}", f.excerpt));
                println_safe(&format!("    why: {}", f.why));
                if let Some(fix) = &f.fix {
                    println_safe(&format!("    fix: {}", fix.replace('\n', "\n         ")));
                }
                if let Some(reason) = &f.allowed {
                    println_safe(&format!("    allowed: {reason}"));
                }
                if let Some(impact) = impact {
                    println_safe(&format!("    impact: {}", impact.summary()));
                }
            }
            for u in &unparsed {
                println_safe(&format!(
                    "{}:{}: {} {} ({})",
                    u.file,
                    u.line,
                    paint("unparsed", Style::Warn, false),
                    u.excerpt,
                    u.message
                ));
            }
            if let Some(assessment) = &assessment {
                println_safe(&format!(
                    "impact on the live database: {} statement(s) touch existing tables",
                    assessment.statements.len()
                ));
                for s in &assessment.statements {
                    println_safe(&format!(
                        "    {}:{}: {}",
                        s.file,
                        s.line,
                        s.impact.summary()
                    ));
                }
            }
            let errors = findings.iter().filter(|f| f.is_blocking()).count();
            println_safe(&format!(
                "{} finding(s), {errors} blocking, {} statement(s) not parsed",
                findings.len(),
                unparsed.len()
            ));
        }
    }
    Ok(if blocking {
        Exit::Refused
    } else {
        Exit::Success
    })
}
