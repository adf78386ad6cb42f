//! The documentation pages of the rules, `docs/lint/<rule-id>.md`, rendered from each rule's
//! [`crate::rules::RuleDoc`] so pages and code cannot drift apart. After changing a rule,
//! regenerate with `DBWARDEN_UPDATE_DOCS=1 cargo test -p dbwarden-lint documentation`.

use crate::rule::{Category, Rule};
use crate::rules::{doc, example_target};
use dbwarden_core::Dialect;

fn engine_name(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "PostgreSQL",
        Dialect::Mysql => "MySQL/MariaDB",
        Dialect::Sqlite => "SQLite",
    }
}

fn engines(rule: Rule) -> String {
    rule.engines()
        .iter()
        .map(|&dialect| engine_name(dialect))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The Markdown page of `rule`.
pub(crate) fn page(rule: Rule) -> String {
    let doc = doc(rule);
    let id = rule.id();
    let example_engine = match example_target(rule) {
        Some(target) => format!(
            "{}, `--target-version {target}`",
            engine_name(rule.engines()[0])
        ),
        None => engine_name(rule.engines()[0]).to_string(),
    };
    let allowing = if rule.category() == Category::Suppression {
        format!(
            "Fix the comment rather than allowing it. For a whole run: `--allow {id}`; for a \
             project: list `{id}` under the lint rules to disable in the configuration file."
        )
    } else {
        format!(
            "For one statement, with the reason a reviewer needs, in a comment directly above \
             the statement or inside it (a reason is required; without one the comment is \
             itself a finding, `allow-without-reason`):\n\n\
             ```sql\n-- dbwarden:allow {id} <why this is safe here>\n```\n\n\
             For a whole run: `--allow {id}`. For a project: disable `{id}` or change its \
             severity in the lint section of the configuration file. Allowed findings stay in \
             the report, marked with their reason."
        )
    };
    format!(
        "# {id}\n\n\
         {summary}\n\n\
         | | |\n|---|---|\n\
         | Id | `{id}` |\n\
         | Severity | {severity} |\n\
         | Engines | {engines} |\n\
         | Category | {category} |\n\n\
         ## Why it is dangerous\n\n{why}\n\n\
         ## Example ({example_engine})\n\n```sql\n{bad}\n```\n\n\
         ## The safe alternative\n\n```sql\n{good}\n```\n\n\
         ## Allowing it\n\n{allowing}\n",
        summary = doc.summary,
        severity = rule.default_severity(),
        engines = engines(rule),
        category = rule.category().title(),
        why = doc.why,
        bad = doc.bad.trim_end(),
        good = doc.good.trim_end(),
    )
}

/// The index page, `docs/lint/README.md`.
#[cfg(test)]
fn index() -> String {
    let mut text = String::from(
        "# Lint rules\n\n\
         `dbwarden lint` checks every statement of a migration against these rules. Each page \
         says what the rule catches, why it is dangerous, the safe alternative, and how to \
         allow it. These pages are generated from the rules in `crates/lint/src/rules/`.\n\n\
         | Rule | Severity | Engines | Catches |\n|---|---|---|---|\n",
    );
    for &rule in Rule::all() {
        text.push_str(&format!(
            "| [`{id}`]({id}.md) | {severity} | {engines} | {summary} |\n",
            id = rule.id(),
            severity = rule.default_severity(),
            engines = engines(rule),
            summary = doc(rule).summary,
        ));
    }
    text.push_str(
        "\n## Server versions\n\n\
         Some verdicts depend on the server version. `dbwarden lint --target-version VERSION` \
         (`postgres:11`, `11`, `mysql:8.0.28`, `mariadb:10.4`, `sqlite:3.35`; a bare number is \
         for the dialect, and on MySQL 10 and later are MariaDB versions) tells the rules which \
         server runs the migrations; a `--target-version` with an engine also picks the \
         dialect. Without it the rules assume a current server: PostgreSQL 12 or later, MySQL \
         8.0.29 or later, MariaDB 10.4 or later. With an older target:\n\n\
         - PostgreSQL before 11: `ADD COLUMN` with any non-null default rewrites the table \
         (`add-column-volatile-default`, `missing-statement-timeout`).\n\
         - PostgreSQL before 12: `ALTER TYPE ... ADD VALUE` fails in a transaction \
         (`enum-add-value-in-transaction`); `SET NOT NULL` scans even with a validated check \
         (`set-not-null`); there is no `REINDEX CONCURRENTLY` (`reindex-non-concurrent`).\n\
         - PostgreSQL before 14: there is no `DETACH PARTITION ... CONCURRENTLY` \
         (`detach-partition-without-concurrently` reports the lock without a fix, and the \
         concurrent form as refused).\n\
         - MySQL before 8.0.12 (MariaDB before 10.3.2): no instant `ADD COLUMN`; before 8.0.29 \
         (MariaDB 10.4): no instant `DROP COLUMN` or `ADD COLUMN ... FIRST/AFTER` \
         (`mysql-alter-without-algorithm-lock` suggests `INPLACE` and reports an \
         `ALGORITHM=INSTANT` the server would refuse).\n\
         - MariaDB 10.2.1 or later, given as the target: `DROP COLUMN IF EXISTS`, \
         `DROP CONSTRAINT IF EXISTS` and `DROP INDEX IF EXISTS` exist, so \
         `not-rerunnable-in-no-transaction` asks for them; without a MariaDB target the MySQL \
         dialect is taken to be MySQL, which has none of them.\n\n\
         ## PL/pgSQL `DO` blocks\n\n\
         A `DO` block runs when the migration runs, so the statements in its body are linted as \
         if written where the block stands, and findings point at their lines in the file: \
         statements behind `BEGIN`, `IF ... THEN`, `FOR ... LOOP` or `EXCEPTION WHEN ... THEN`, \
         and `EXECUTE` of a single string literal. Dynamic SQL (`EXECUTE format(...)`, \
         `'...' || name`) cannot be read. A block is one transaction even in a no-transaction \
         migration. An allow comment around the block (above it or inside it) covers the \
         statements of its body. Function and procedure bodies run when called, not when the \
         migration runs, and are not linted.\n\n\
         ## Impact on a live database\n\n\
         `dbwarden lint --database-url URL` (or `--impact`, which also takes the URL from \
         `DATABASE_URL` or `.env`, and exits 2 when there is none) assesses every statement \
         that touches a table existing in that database:\n\n\
         - the table's size: rows (the catalog's estimate on PostgreSQL, `pg_class.reltuples`, \
         set by ANALYZE; `information_schema.TABLES.TABLE_ROWS` on MySQL; `count(*)` on SQLite) \
         and bytes with indexes (`pg_total_relation_size`; `DATA_LENGTH + INDEX_LENGTH`; \
         SQLite's `dbstat` when built in);\n\
         - the lock and what it blocks: PostgreSQL `ACCESS EXCLUSIVE` (reads and writes), \
         `SHARE` / `SHARE ROW EXCLUSIVE` (writes), `SHARE UPDATE EXCLUSIVE` for `CREATE INDEX \
         CONCURRENTLY` and `VALIDATE CONSTRAINT` (neither); MySQL's exclusive metadata lock \
         (reads and writes while held or awaited); SQLite's database write lock (writes; \
         readers go on in WAL mode);\n\
         - whether it rewrites the table (type change, volatile default, `VACUUM FULL`, \
         `CLUSTER`; MySQL `ALGORITHM=COPY`, `CONVERT TO`, `ENGINE=`; SQLite `DROP COLUMN`) or \
         scans it (index build, constraint check, `SET NOT NULL`);\n\
         - a duration class: a catalog-only change is `instant`; otherwise the bytes (or rows \
         × 100 bytes) at 100 MB/s for a rewrite and 250 MB/s for a scan: under 1 s `instant`, \
         under 60 s `seconds`, under 1 h `minutes`, else `hours`; `unknown` without a size.\n\n\
         A warning whose statement rewrites or scans a table of more rows than \
         `--large-table-rows N` (or `large_table_rows = N` under `[lint]` in `dbwarden.toml`; \
         default 1000000) becomes an error. Human output adds an `impact:` line under each \
         finding and lists every assessed statement; JSON adds an `impact` object per finding \
         and a `statements` list; SARIF and GitHub annotations append the impact to the \
         message. Tables the database does not have yet (created by a migration not yet \
         applied) are not assessed.\n\n\
         The linter is fuzzed for panics; see [fuzz.md](fuzz.md).\n",
    );
    text
}

/// Pages in `docs/lint/` that document no single rule.
#[cfg(test)]
const OTHER_PAGES: &[&str] = &["README", "fuzz"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{findings_for, findings_of};
    use std::path::PathBuf;

    fn docs_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/lint")
    }

    /// Compares a generated page with the file, or writes it when DBWARDEN_UPDATE_DOCS is set.
    fn check_page(name: &str, expected: &str) -> Option<String> {
        let path = docs_dir().join(name);
        if std::env::var_os("DBWARDEN_UPDATE_DOCS").is_some() {
            std::fs::create_dir_all(docs_dir()).expect("create docs/lint");
            std::fs::write(&path, expected).expect("write page");
            return None;
        }
        match std::fs::read_to_string(&path) {
            Ok(actual) if actual == expected => None,
            Ok(_) => Some(format!("{name} is out of date")),
            Err(_) => Some(format!("{name} is missing")),
        }
    }

    #[test]
    fn every_rule_has_a_current_docs_page() {
        let mut problems: Vec<String> = Rule::all()
            .iter()
            .filter_map(|&rule| check_page(&format!("{}.md", rule.id()), &page(rule)))
            .collect();
        problems.extend(check_page("README.md", &index()));
        assert!(
            problems.is_empty(),
            "{}\nregenerate with: DBWARDEN_UPDATE_DOCS=1 cargo test -p dbwarden-lint documentation",
            problems.join("\n")
        );
    }

    #[test]
    fn no_docs_page_names_an_unknown_rule() {
        let entries = std::fs::read_dir(docs_dir()).expect("docs/lint exists");
        for entry in entries {
            let name = entry.expect("entry").file_name();
            let name = name.to_string_lossy();
            let Some(id) = name.strip_suffix(".md") else {
                continue;
            };
            assert!(
                OTHER_PAGES.contains(&id) || Rule::from_id(id).is_some(),
                "docs/lint/{name} documents no rule"
            );
        }
    }

    #[test]
    fn every_example_shows_what_it_says() {
        for &rule in Rule::all() {
            let doc = doc(rule);
            let dialect = rule.engines()[0];
            let findings = |source| match example_target(rule) {
                Some(target) => findings_for(rule, target, source),
                None => findings_of(rule, dialect, source),
            };
            assert!(
                !findings(doc.bad).is_empty(),
                "{rule}: the bad example does not trigger the rule"
            );
            assert!(
                findings(doc.good)
                    .iter()
                    .all(|finding| finding.allowed.is_some()),
                "{rule}: the safe alternative triggers the rule"
            );
            assert!(!doc.summary.contains('\n'), "{rule}: summary is one line");
        }
    }
}
