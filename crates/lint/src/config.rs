//! Which rules run, how severe they are, and which are accepted for this run.

use crate::rule::{Rule, Severity};
use crate::version::TargetVersion;
use serde::{Deserialize, Serialize};

/// Rule configuration, from the project's config file and the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LintConfig {
    /// Rules that do not run at all.
    pub disabled: Vec<Rule>,
    /// Severities that replace a rule's default; the last entry for a rule wins.
    pub severity_overrides: Vec<(Rule, Severity)>,
    /// Rules whose findings are accepted for this run (`--allow RULE`): they are still
    /// reported, marked allowed, and do not block.
    pub allowed: Vec<Rule>,
    /// The server the migrations run on (`--target-version`), for the rules whose verdict
    /// depends on it. `None` assumes a current server: PostgreSQL 12+, MySQL 8.0.29+,
    /// MariaDB 10.4+ (see [`TargetVersion`]).
    pub target_version: Option<TargetVersion>,
}

impl LintConfig {
    /// Whether `rule` runs.
    pub fn is_enabled(&self, rule: Rule) -> bool {
        !self.disabled.contains(&rule)
    }

    /// The severity of `rule`'s findings.
    pub fn severity(&self, rule: Rule) -> Severity {
        self.severity_overrides
            .iter()
            .rev()
            .find(|(overridden, _)| *overridden == rule)
            .map_or(rule.default_severity(), |&(_, severity)| severity)
    }

    /// Whether `--allow` accepts `rule`.
    pub fn is_allowed(&self, rule: Rule) -> bool {
        self.allowed.contains(&rule)
    }
}
