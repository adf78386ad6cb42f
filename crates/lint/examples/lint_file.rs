//! Lints one migration file and prints the findings, for trying rules by hand:
//! `cargo run -p dbwarden-lint --example lint_file -- postgresql path/to/migration.sql`.

use dbwarden_core::Dialect;
use dbwarden_lint::{LintConfig, LintInput, lint};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dialect = match args.next().as_deref() {
        Some("mysql") => Dialect::Mysql,
        Some("sqlite") => Dialect::Sqlite,
        Some("postgresql" | "postgres") => Dialect::Postgres,
        _ => return Err("usage: lint_file postgresql|mysql|sqlite FILE".into()),
    };
    let path = args
        .next()
        .ok_or("usage: lint_file postgresql|mysql|sqlite FILE")?;
    let source = std::fs::read_to_string(&path)?;
    let report = lint(
        &LintInput {
            path: &path,
            source: &source,
            dialect,
        },
        &LintConfig::default(),
    );
    for finding in &report.findings {
        println!(
            "{}:{}:{} {} [{}] {}\n  | {}\n  why: {}",
            finding.file,
            finding.line,
            finding.column,
            finding.severity,
            finding.rule,
            finding.message,
            finding.excerpt,
            finding.why
        );
        if let Some(fix) = &finding.fix {
            println!("  fix:\n    {}", fix.replace('\n', "\n    "));
        }
        if let Some(reason) = &finding.allowed {
            println!("  allowed: {reason}");
        }
    }
    for unparsed in &report.unparsed {
        println!(
            "{}:{} unparsed: {}\n  | {}",
            unparsed.file, unparsed.line, unparsed.message, unparsed.excerpt
        );
    }
    Ok(())
}
