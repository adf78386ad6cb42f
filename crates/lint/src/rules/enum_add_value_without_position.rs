//! `enum-add-value-without-position`: a new enum value goes last, and enums sort by position.

use super::{RuleDoc, Violation};
use crate::file::StatementContext;
use sqlparser::ast::{self, AlterTypeOperation};

pub(crate) const DOC: RuleDoc = RuleDoc {
    summary: "`ALTER TYPE ... ADD VALUE` without `BEFORE` or `AFTER`.",
    why: "Enum values sort and compare by their position in the type, not alphabetically: \
          ORDER BY status and comparisons such as status > 'pending' follow declaration order. \
          Without BEFORE or AFTER, the new value goes last, which changes the meaning of those \
          queries if it belongs elsewhere. Say where it goes. Note also that a value added in a \
          transaction cannot be used until that transaction commits, and before PostgreSQL 12 \
          ADD VALUE cannot run inside a transaction at all.",
    bad: "ALTER TYPE order_status ADD VALUE 'refunded';\n",
    good: "ALTER TYPE order_status ADD VALUE 'refunded' AFTER 'delivered';\n",
};

pub(crate) fn check(cx: &StatementContext) -> Vec<Violation> {
    let Some(ast::Statement::AlterType(alter)) = cx.ast() else {
        return Vec::new();
    };
    let AlterTypeOperation::AddValue(add) = &alter.operation else {
        return Vec::new();
    };
    if add.position.is_some() {
        return Vec::new();
    }
    vec![
        Violation::new(
            format!(
                "enum value {} is added last in `{}`; say BEFORE or AFTER which value it belongs",
                add.value, alter.name
            ),
            format!(
                "Enum values sort and compare in declaration order, so ORDER BY and comparisons \
                 on `{}` place {} after every existing value. Give its position with BEFORE or \
                 AFTER. A value added in a transaction cannot be used before it commits.",
                alter.name, add.value
            ),
        )
        .at(add.value.span),
    ]
}

#[cfg(test)]
mod tests {
    use crate::rule::Rule;
    use crate::rules::testing::{assert_fires, assert_quiet};
    use dbwarden_core::Dialect;

    const RULE: Rule = Rule::EnumAddValueWithoutPosition;

    #[test]
    fn fires_without_position() {
        assert_fires(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TYPE mood ADD VALUE 'meh';",
                "ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh';",
                "ALTER TYPE public.mood ADD VALUE 'meh';",
            ],
        );
    }

    #[test]
    fn quiet_with_position_or_other_changes() {
        assert_quiet(
            RULE,
            Dialect::Postgres,
            &[
                "ALTER TYPE mood ADD VALUE 'meh' BEFORE 'sad';",
                "ALTER TYPE mood ADD VALUE 'meh' AFTER 'happy';",
                "ALTER TYPE mood RENAME VALUE 'meh' TO 'fine';",
                "CREATE TYPE mood AS ENUM ('sad', 'happy');",
            ],
        );
    }
}
