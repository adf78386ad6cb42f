//! `domain-constraint-scan`: a constraint added to an existing domain is checked against every
//! column of every table that uses the domain, with writes to those tables blocked meanwhile.

use super::{RuleDoc, Violation};
use crate::analysis::{DomainChange, OpaqueForm};
use crate::file::StatementContext;
use crate::identifiers::{invent, object_key, written_key};
use sqlparser::ast;

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`ALTER DOMAIN ... ADD CHECK` without `NOT VALID`, or `ALTER DOMAIN ... SET NOT \
              NULL`, on an existing domain.",
    why: "A constraint added to a domain must hold for every value already stored in it. \
          PostgreSQL finds every table with a column of the domain, takes a SHARE lock on each \
          (reads go on; inserts, updates and deletes wait) and reads each table in full. The \
          locks last until the transaction commits, so writes to all of those tables stop for \
          the sum of the scans and the rest of the migration. Added NOT VALID, a CHECK \
          constraint reads nothing and applies to new values at once; ALTER DOMAIN ... VALIDATE \
          CONSTRAINT checks the stored values afterwards, in a migration of its own that can be \
          run at a quiet time with its own timeouts (its scan may hold back writes too). SET \
          NOT NULL, and ADD NOT NULL, check every column the same way and have no NOT VALID \
          form; a CHECK (VALUE IS NOT NULL) constraint added NOT VALID and validated later \
          gives the stored values the same guarantee, though the catalog then does not mark the \
          domain NOT NULL. CREATE DOMAIN is not checked: a new domain has no columns yet.",
    bad: "ALTER DOMAIN price ADD CONSTRAINT price_positive CHECK (VALUE > 0);\n",
    good: "ALTER DOMAIN price ADD CONSTRAINT price_positive CHECK (VALUE > 0) NOT VALID;\n\
           -- in a later migration, at a quiet time:\n\
           -- ALTER DOMAIN price VALIDATE CONSTRAINT price_positive;\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(OpaqueForm::AlterDomain { name, change }) = cx.opaque() else {
        return Vec::new();
    };
    if created_earlier(cx, name) {
        return Vec::new();
    }
    match change {
        DomainChange::AddCheck {
            constraint,
            check,
            not_valid: false,
        } => vec![check_scan(cx, name, constraint.as_deref(), check)],
        DomainChange::SetNotNull => vec![not_null_scan(cx, name)],
        DomainChange::AddCheck { .. } | DomainChange::Other => Vec::new(),
    }
}

/// Whether an earlier statement of the file creates the domain, so that no table existing
/// before the migration has a column of it. (A column of it added earlier in the same file to
/// an existing table is not looked for.)
fn created_earlier(cx: &StatementContext, name: &str) -> bool {
    let key = written_key(name);
    cx.earlier().any(|earlier| {
        matches!(earlier.ast(), Some(ast::Statement::CreateDomain(create))
            if object_key(&create.name) == key)
    })
}

fn check_scan(
    cx: &StatementContext,
    domain: &str,
    constraint: Option<&str>,
    check: &str,
) -> Violation {
    let constraint = constraint.map_or_else(
        || invent(cx.dialect(), &[&written_key(domain)], "check").to_string(),
        str::to_string,
    );
    Violation::new(
        format!(
            "CHECK constraint on domain `{domain}` scans every column of the domain and blocks \
             writes to their tables"
        ),
        format!(
            "Adding {check} to domain `{domain}` reads every table with a column of the domain \
             under a SHARE lock that blocks their writes until the transaction commits. NOT \
             VALID adds it without reading anything, and it applies to new values at once; \
             VALIDATE CONSTRAINT then checks the stored values in a later migration, at a quiet \
             time."
        ),
    )
    .fix(format!(
        "ALTER DOMAIN {domain} ADD CONSTRAINT {constraint} {check} NOT VALID;\n\
         -- in a later migration, at a quiet time:\n\
         ALTER DOMAIN {domain} VALIDATE CONSTRAINT {constraint};"
    ))
}

fn not_null_scan(cx: &StatementContext, domain: &str) -> Violation {
    let constraint = invent(cx.dialect(), &[&written_key(domain)], "not_null_check");
    Violation::new(
        format!(
            "NOT NULL on domain `{domain}` scans every column of the domain and blocks writes \
             to their tables"
        ),
        format!(
            "Making domain `{domain}` NOT NULL reads every table with a column of the domain \
             under a SHARE lock that blocks their writes until the transaction commits, and \
             there is no NOT VALID form of it. A CHECK (VALUE IS NOT NULL) constraint can be \
             added NOT VALID and validated in a later migration instead; the catalog then does \
             not mark the domain NOT NULL."
        ),
    )
    .fix(format!(
        "ALTER DOMAIN {domain} ADD CONSTRAINT {constraint} CHECK (VALUE IS NOT NULL) NOT VALID;\n\
         -- in a later migration, at a quiet time:\n\
         ALTER DOMAIN {domain} VALIDATE CONSTRAINT {constraint};"
    ))
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet, only};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::DomainConstraintScan;

    #[test]
    fn fires_on_validated_constraints_and_not_null() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER DOMAIN price ADD CONSTRAINT price_positive CHECK (VALUE > 0);",
                "ALTER DOMAIN public.price ADD CHECK (VALUE > 0);",
                "ALTER DOMAIN price SET NOT NULL;",
                "ALTER DOMAIN price ADD CONSTRAINT price_nn NOT NULL;",
                "CREATE DOMAIN other AS int;\nALTER DOMAIN price ADD CHECK (VALUE > 0);",
                "-- dbwarden:no-transaction\nALTER DOMAIN price SET NOT NULL;",
            ],
        );
    }

    #[test]
    fn quiet_with_not_valid_new_domains_and_other_changes() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER DOMAIN price ADD CONSTRAINT price_positive CHECK (VALUE > 0) NOT VALID;",
                "ALTER DOMAIN price VALIDATE CONSTRAINT price_positive;",
                "ALTER DOMAIN price DROP NOT NULL;",
                "ALTER DOMAIN price DROP CONSTRAINT IF EXISTS price_positive;",
                "ALTER DOMAIN price SET DEFAULT 0;",
                "CREATE DOMAIN price AS numeric CHECK (VALUE > 0);",
                "CREATE DOMAIN price AS numeric;\nALTER DOMAIN price ADD CHECK (VALUE > 0);",
                "CREATE DOMAIN public.price AS numeric;\nALTER DOMAIN price SET NOT NULL;",
            ],
        );
    }

    #[test]
    fn fix_adds_not_valid_and_validates_later() {
        let finding = only(
            RULE,
            Dialect::Postgres,
            "ALTER DOMAIN price ADD CHECK (VALUE > 0 AND VALUE < 1000);",
        );
        assert_eq!(
            finding.fix.as_deref(),
            Some(
                "ALTER DOMAIN price ADD CONSTRAINT price_check CHECK (VALUE > 0 AND VALUE < 1000) NOT VALID;\n\
                 -- in a later migration, at a quiet time:\n\
                 ALTER DOMAIN price VALIDATE CONSTRAINT price_check;"
            )
        );
        assert!(finding.why.contains("SHARE lock"), "{}", finding.why);
    }

    #[test]
    fn not_null_explains_there_is_no_not_valid_form() {
        let finding = only(RULE, Dialect::Postgres, "ALTER DOMAIN price SET NOT NULL;");
        assert!(finding.why.contains("no NOT VALID form"), "{}", finding.why);
        let fix = finding.fix.as_deref().expect("a fix");
        assert!(
            fix.starts_with(
                "ALTER DOMAIN price ADD CONSTRAINT price_not_null_check CHECK (VALUE IS NOT NULL) NOT VALID;"
            ),
            "{fix}"
        );
    }
}
