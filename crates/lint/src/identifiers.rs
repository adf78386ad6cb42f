//! Comparing names across statements, and inventing the names a fix needs (a constraint or
//! index name), in the form each engine accepts.

use dbwarden_core::{Dialect, quote_ident};
use sqlparser::ast::{Ident, ObjectName};

/// The longest identifier PostgreSQL keeps (NAMEDATALEN - 1 bytes); longer ones are truncated.
pub(crate) const POSTGRES_MAX_IDENTIFIER_BYTES: usize = 63;
/// The longest table, column or index name MySQL accepts, in characters.
pub(crate) const MYSQL_MAX_IDENTIFIER_CHARS: usize = 64;

/// How an identifier compares: unquoted names fold to lower case (as PostgreSQL folds them,
/// and as MySQL and SQLite compare most names), quoted ones keep their case.
pub(crate) fn key(ident: &Ident) -> String {
    match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_lowercase(),
    }
}

/// The key of an object's own name, without its schema: migrations mix `orders` and
/// `public.orders` for the same table.
pub(crate) fn object_key(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .map(key)
        .unwrap_or_default()
}

/// [`object_key`] of a name as written in SQL text (`public."Orders"`), for statements the
/// parser did not read.
pub(crate) fn written_key(name: &str) -> String {
    let last = name.rsplit('.').next().unwrap_or(name).trim();
    for quote in ['"', '`'] {
        if let Some(inner) = last
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return inner.to_string();
        }
    }
    last.to_lowercase()
}

/// The bare text of an object's own name, for messages.
pub(crate) fn object_text(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .map(|ident| ident.value.clone())
        .unwrap_or_else(|| name.to_string())
}

/// A new identifier `<parts joined by _>_<suffix>` for a fix, cut to what PostgreSQL keeps and
/// quoted when it would not survive unquoted.
pub(crate) fn invent(dialect: Dialect, parts: &[&str], suffix: &str) -> Ident {
    let mut base: String = parts.join("_");
    let limit = POSTGRES_MAX_IDENTIFIER_BYTES - suffix.len() - 1;
    if base.len() > limit {
        let mut cut = limit;
        while !base.is_char_boundary(cut) {
            cut -= 1;
        }
        base.truncate(cut);
    }
    let name = format!("{base}_{suffix}");
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        Ident::new(name)
    } else {
        let quoted = quote_ident(dialect, &name);
        let quote = quoted.chars().next().unwrap_or('"');
        Ident::with_quote(quote, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_unquoted_names_and_drop_schemas() {
        let public_orders = ObjectName::from(vec![Ident::new("public"), Ident::new("Orders")]);
        assert_eq!(object_key(&public_orders), "orders");
        let quoted = ObjectName::from(vec![Ident::with_quote('"', "Orders")]);
        assert_eq!(object_key(&quoted), "Orders");
        assert_eq!(written_key("public.\"Orders\""), "Orders");
        assert_eq!(written_key("public.Orders"), "orders");
        assert_eq!(written_key("`Orders`"), "Orders");
    }

    #[test]
    fn invented_names_fit_and_quote_when_needed() {
        let plain = invent(Dialect::Postgres, &["orders", "email"], "key");
        assert_eq!(plain.to_string(), "orders_email_key");
        let mixed = invent(Dialect::Postgres, &["Orders", "email"], "key");
        assert_eq!(mixed.to_string(), "\"Orders_email_key\"");
        let long = "x".repeat(80);
        let cut = invent(Dialect::Postgres, &[&long], "not_null");
        assert_eq!(cut.value.len(), POSTGRES_MAX_IDENTIFIER_BYTES);
        assert!(cut.value.ends_with("_not_null"));
        let mysql = invent(Dialect::Mysql, &["Orders"], "idx");
        assert_eq!(mysql.to_string(), "`Orders_idx`");
    }
}
