//! `-- dbwarden:allow <rule-id> <reason>` comments: a finding accepted for one statement, with
//! the reason written next to it for the reviewer.
//!
//! A file is cut into regions, one per statement: from the line after the previous statement's
//! last line to the end of this statement's last line. An allow comment anywhere in a region,
//! above the statement, inside it or after it on its last line, applies to that statement.

use crate::file::FileContext;
use crate::rule::Rule;

const MARKER: &str = "dbwarden:allow";

/// One allow comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Allow {
    /// 1-based line and column of its `--`.
    pub(crate) line: usize,
    pub(crate) column: usize,
    /// The comment as written, for the excerpt of findings about it.
    pub(crate) text: String,
    /// The rule id as written (empty when missing).
    pub(crate) rule_id: String,
    /// The reason; `None` when the comment gives none, which makes the allow void.
    pub(crate) reason: Option<String>,
}

impl Allow {
    pub(crate) fn rule(&self) -> Option<Rule> {
        Rule::from_id(&self.rule_id)
    }

    /// The reason, when this comment validly allows `rule`.
    pub(crate) fn reason_for(&self, rule: Rule) -> Option<&str> {
        match self.rule() {
            Some(allowed) if allowed == rule => self.reason.as_deref(),
            _ => None,
        }
    }
}

/// The allow comments of each statement of `file`, in statement order.
pub(crate) fn allows_per_statement(source: &str, file: &FileContext) -> Vec<Vec<Allow>> {
    let mut region_start = 0;
    file.statements
        .iter()
        .map(|analyzed| {
            let region_end = file
                .end_of_line(analyzed.statement.span.end)
                .max(region_start);
            let allows = allows_in(source, file, region_start, region_end);
            region_start = region_end;
            allows
        })
        .collect()
}

fn allows_in(source: &str, file: &FileContext, start: usize, end: usize) -> Vec<Allow> {
    let mut allows = Vec::new();
    let mut line_start = start;
    for line in source[start..end].split_inclusive('\n') {
        if let Some(allow) = parse_line(line) {
            let (line_number, column) = file.line_and_column(source, line_start + allow.0);
            allows.push(Allow {
                line: line_number,
                column,
                ..allow.1
            });
        }
        line_start += line.len();
    }
    allows
}

/// The allow comment on `line`, with the byte offset of its `--` in the line.
fn parse_line(line: &str) -> Option<(usize, Allow)> {
    // ASCII lower-casing keeps byte offsets, so positions found in `lower` hold in `line`.
    let lower = line.to_ascii_lowercase();
    let marker = lower.find(MARKER)?;
    let dashes = line[..marker].trim_end().strip_suffix("--")?.len();
    let rest = &line[marker + MARKER.len()..];
    if rest.chars().next().is_some_and(|c| !c.is_whitespace()) {
        return None;
    }
    let rest = rest.trim();
    let (rule_id, reason) = match rest.split_once(char::is_whitespace) {
        Some((id, reason)) => (id, reason.trim()),
        None => (rest, ""),
    };
    Some((
        dashes,
        Allow {
            line: 0,
            column: 0,
            text: line[dashes..].trim_end().to_string(),
            rule_id: rule_id.to_string(),
            reason: (!reason.is_empty()).then(|| reason.to_string()),
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Severity;
    use crate::rules::testing::{findings, findings_of};
    use dbwarden_core::Dialect;

    #[test]
    fn reads_rule_and_reason() {
        let (dashes, allow) =
            parse_line("  --  DBWARDEN:ALLOW drop-column  the column is unused since v2\n")
                .expect("an allow");
        assert_eq!(dashes, 2);
        assert_eq!(allow.rule_id, "drop-column");
        assert_eq!(
            allow.reason.as_deref(),
            Some("the column is unused since v2")
        );
        assert_eq!(allow.rule(), Some(Rule::DropColumn));
        let (_, bare) = parse_line("-- dbwarden:allow drop-column").expect("an allow");
        assert_eq!(bare.reason, None);
        assert_eq!(parse_line("-- dbwarden:allowed drop-column x"), None);
        assert_eq!(parse_line("SELECT 'dbwarden:allow drop-column x'"), None);
        assert_eq!(parse_line("-- see dbwarden:allow for details"), None);
    }

    #[test]
    fn an_allow_with_a_reason_keeps_the_finding_but_marks_it() {
        let source = "-- dbwarden:allow drop-column nothing reads it since release 42\n\
                      ALTER TABLE users DROP COLUMN legacy;\n\
                      ALTER TABLE users DROP COLUMN other;\n";
        let found = findings_of(Rule::DropColumn, Dialect::Postgres, source);
        assert_eq!(found.len(), 2);
        assert_eq!(
            found[0].allowed.as_deref(),
            Some("nothing reads it since release 42")
        );
        assert!(!found[0].is_blocking());
        assert_eq!(found[1].allowed, None, "an allow covers one statement only");
    }

    #[test]
    fn allows_inside_and_after_a_statement_count() {
        let inside = "ALTER TABLE users\n  -- dbwarden:allow drop-column moved to profiles\n  DROP COLUMN bio;\n";
        assert!(
            findings_of(Rule::DropColumn, Dialect::Postgres, inside)[0]
                .allowed
                .is_some()
        );
        let trailing = "ALTER TABLE users DROP COLUMN bio; -- dbwarden:allow drop-column moved\nALTER TABLE users DROP COLUMN x;";
        let found = findings_of(Rule::DropColumn, Dialect::Postgres, trailing);
        assert!(found[0].allowed.is_some());
        assert!(found[1].allowed.is_none());
    }

    #[test]
    fn an_allow_without_a_reason_does_not_allow_and_is_a_finding() {
        let source =
            "SELECT 1;\n\n-- dbwarden:allow drop-column\nALTER TABLE users DROP COLUMN bio;\n";
        let all = findings(Dialect::Postgres, source);
        let drop = all
            .iter()
            .find(|f| f.rule == Rule::DropColumn)
            .expect("drop-column");
        assert_eq!(drop.allowed, None);
        let missing = all
            .iter()
            .find(|f| f.rule == Rule::AllowWithoutReason)
            .expect("allow-without-reason");
        assert_eq!((missing.line, missing.column), (3, 1));
        assert_eq!(missing.severity, Severity::Error);
        assert_eq!(missing.excerpt, "-- dbwarden:allow drop-column");
        assert!(
            missing
                .fix
                .as_deref()
                .is_some_and(|fix| fix.contains("drop-column <why this is safe here>"))
        );
    }

    #[test]
    fn an_allow_of_an_unknown_rule_is_a_finding() {
        let source =
            "-- dbwarden:allow drop-colum typo in the id\nALTER TABLE users DROP COLUMN bio;\n";
        let all = findings(Dialect::Postgres, source);
        let unknown = all
            .iter()
            .find(|f| f.rule == Rule::AllowUnknownRule)
            .expect("allow-unknown-rule");
        assert!(unknown.message.contains("drop-colum"));
        assert!(
            unknown
                .fix
                .as_deref()
                .is_some_and(|fix| fix.contains("drop-column"))
        );
        assert!(
            all.iter()
                .any(|f| f.rule == Rule::DropColumn && f.allowed.is_none())
        );
    }
}
