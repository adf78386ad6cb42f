//! Finding `key: 'value'` string literals in configuration written as code (JavaScript knexfiles,
//! Python Django settings, TOML), without a parser for each language.
//!
//! The matcher is deliberately narrow: a key that is a whole word (optionally quoted), then `:`
//! or `=`, then a string literal. Values that are expressions (`process.env.X`, `os.environ[..]`)
//! are not literals and are not reported, which is the honest answer: the file does not say.

/// A string literal assigned to a key, and where the key starts in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Literal {
    /// Byte offset of the key.
    pub offset: usize,
    /// The literal's content, without quotes.
    pub value: String,
}

/// Every string literal assigned to `key` with `:` or `=`, in order, skipping commented lines.
pub(super) fn string_values(text: &str, key: &str) -> Vec<Literal> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    for (offset, _) in text.match_indices(key) {
        let end = offset + key.len();
        let quote_before = offset
            .checked_sub(1)
            .and_then(|i| bytes.get(i))
            .filter(|b| matches!(b, b'\'' | b'"'))
            .copied();
        let start_of_word = if quote_before.is_some() {
            offset - 1
        } else {
            offset
        };
        if start_of_word
            .checked_sub(1)
            .and_then(|i| bytes.get(i))
            .is_some_and(|b| is_ident_byte(*b))
        {
            continue;
        }
        let mut i = end;
        match quote_before {
            Some(q) if bytes.get(i) == Some(&q) => i += 1,
            Some(_) => continue,
            None if bytes.get(i).is_some_and(|b| is_ident_byte(*b)) => continue,
            None => {}
        }
        i = skip_spaces(bytes, i);
        if !matches!(bytes.get(i), Some(b':' | b'=')) {
            continue;
        }
        i = skip_spaces(bytes, i + 1);
        let Some(value) = string_literal_at(text, i) else {
            continue;
        };
        if line_is_comment(text, offset) {
            continue;
        }
        found.push(Literal { offset, value });
    }
    found
}

/// The content of a `'…'`, `"…"` or `` `…` `` literal starting at byte `i`, on one line.
pub(super) fn string_literal_at(text: &str, i: usize) -> Option<String> {
    let quote = *text.as_bytes().get(i)?;
    if !matches!(quote, b'\'' | b'"' | b'`') {
        return None;
    }
    let body = text.get(i + 1..)?;
    let mut value = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => value.push(chars.next()?),
            '\n' => return None,
            c if c as u32 == u32::from(quote) => return Some(value),
            c => value.push(c),
        }
    }
    None
}

fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|b| matches!(b, b' ' | b'\t')) {
        i += 1;
    }
    i
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// Whether the line holding byte `offset` is commented out before that byte: a `//` or `#`
/// outside a string literal, or a line starting with `/*` or `*` (inside a block comment).
fn line_is_comment(text: &str, offset: usize) -> bool {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let trimmed = before.trim_start();
    if trimmed.starts_with("/*") || trimmed.starts_with('*') {
        return true;
    }
    let mut quote = None;
    let mut chars = before.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(_), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"' | '`') => quote = Some(c),
            (None, '#') => return true,
            (None, '/') if chars.peek() == Some(&'/') => return true,
            (None, _) => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str, key: &str) -> Vec<String> {
        string_values(text, key)
            .into_iter()
            .map(|l| l.value)
            .collect()
    }

    #[test]
    fn finds_javascript_python_and_toml_literals() {
        assert_eq!(values("{ client: 'pg' }", "client"), ["pg"]);
        assert_eq!(values("{ \"client\": \"mysql2\" }", "client"), ["mysql2"]);
        assert_eq!(
            values("'ENGINE': 'django.db.backends.sqlite3',", "ENGINE"),
            ["django.db.backends.sqlite3"]
        );
        assert_eq!(values("ENGINE=\"x\"", "ENGINE"), ["x"]);
        assert_eq!(
            values("url = \"jdbc:sqlite:a.db\"", "url"),
            ["jdbc:sqlite:a.db"]
        );
        assert_eq!(values("client: `pg`", "client"), ["pg"]);
    }

    #[test]
    fn skips_partial_words_expressions_and_comments() {
        assert!(values("{ dbclient: 'pg', clients: 'x' }", "client").is_empty());
        assert!(values("{ client: process.env.DB }", "client").is_empty());
        assert!(values("// client: 'pg'\n", "client").is_empty());
        assert!(values("  # 'ENGINE': 'x'\n", "ENGINE").is_empty());
        assert!(values("x = 1 // client: 'pg'\n", "client").is_empty());
        assert!(values("{ client: 'unterminated\n' }", "client").is_empty());
        assert_eq!(
            values("a\n// client: 'old'\nclient: 'new'", "client"),
            ["new"]
        );
        assert_eq!(
            values("{ connection: 'postgres://h/db', client: 'pg' }", "client"),
            ["pg"]
        );
        assert_eq!(values("{ note: '# x', client: 'pg' }", "client"), ["pg"]);
    }

    #[test]
    fn handles_escapes_and_multibyte_text() {
        assert_eq!(values("k: 'it\\'s'", "k"), ["it's"]);
        assert_eq!(values("é: 'x', k: 'ü'", "k"), ["ü"]);
    }
}
