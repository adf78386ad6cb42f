//! `allow-unknown-rule`: a `-- dbwarden:allow` comment must name a rule that exists.

use super::{RuleDoc, Violation};
use crate::rule::Rule;
use crate::suppression::Allow;

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "A `-- dbwarden:allow` comment naming a rule that does not exist.",
    why: "An allow for a rule id that does not exist allows nothing, so the statement is checked \
          as if the comment were absent. It is almost always a typo, and the finding it was \
          written for is still reported — or, worse, the author believes a later finding is \
          covered when it is not.",
    bad: "-- dbwarden:allow drop-colum the column moved to user_profiles\n\
          ALTER TABLE users DROP COLUMN bio;\n",
    good: "-- dbwarden:allow drop-column the column moved to user_profiles\n\
           ALTER TABLE users DROP COLUMN bio;\n",
};

/// The finding for an allow whose rule id names no rule.
pub(crate) fn violation(allow: &Allow) -> Violation {
    let reason = allow.reason.as_deref().unwrap_or("<why this is safe here>");
    let (message, fix) = if allow.rule_id.is_empty() {
        (
            "`-- dbwarden:allow` names no rule".to_string(),
            Some(format!("-- dbwarden:allow <rule-id> {reason}")),
        )
    } else {
        (
            format!("`-- dbwarden:allow {}` names no known rule", allow.rule_id),
            closest(&allow.rule_id).map(|rule| format!("-- dbwarden:allow {rule} {reason}")),
        )
    };
    let violation = Violation::new(
        message,
        "An allow for a rule that does not exist allows nothing: the statement is checked as if \
         the comment were absent. The rule ids are listed in docs/lint/README.md.",
    );
    match fix {
        Some(fix) => violation.fix(fix),
        None => violation,
    }
}

/// The rule whose id is nearest to `id`, if it is near enough to be a typo.
fn closest(id: &str) -> Option<Rule> {
    let id = id.to_ascii_lowercase();
    Rule::all()
        .iter()
        .map(|&rule| (edit_distance(&id, rule.id()), rule))
        .filter(|&(distance, rule)| distance <= 3.max(rule.id().len() / 5))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, rule)| rule)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::AllowUnknownRule;

    #[test]
    fn fires_on_unknown_or_missing_ids() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_fires(
                RULE,
                dialect,
                &[
                    "-- dbwarden:allow drop-tables gone\nDROP TABLE t;",
                    "-- dbwarden:allow\nDROP TABLE t;",
                    "-- dbwarden:allow everything because I said so\nDROP TABLE t;",
                ],
            );
        }
    }

    #[test]
    fn quiet_on_known_ids() {
        for dialect in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
            assert_quiet(
                RULE,
                dialect,
                &[
                    "-- dbwarden:allow drop-table gone\nDROP TABLE t;",
                    "-- dbwarden:allow DROP-TABLE gone\nDROP TABLE t;",
                    "-- dbwarden:allow require-concurrent-index tiny table\nSELECT 1;",
                ],
            );
        }
    }

    #[test]
    fn suggests_the_nearest_rule() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            "-- dbwarden:allow drop-colum moved\nALTER TABLE t DROP COLUMN c;",
        );
        assert_eq!(
            finding.fix.as_deref(),
            Some("-- dbwarden:allow drop-column moved")
        );
        assert_eq!(closest("zzzzzzzzzzzz"), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
