//! Human and JSON rendering. Results go to stdout, progress and errors to stderr; colour only
//! when the stream is a terminal and NO_COLOR is unset.

use crate::exit::Failure;
use comfy_table::{Table, presets::UTF8_BORDERS_ONLY};
use serde::Serialize;
use std::io::{IsTerminal, Write};

/// Whether to colour a stream.
pub fn colour(stderr: bool) -> bool {
    std::env::var_os("NO_COLOR").is_none()
        && if stderr {
            std::io::stderr().is_terminal()
        } else {
            std::io::stdout().is_terminal()
        }
}

/// Paints `text` green/red/yellow/bold when colour is on.
pub fn paint(text: &str, style: Style, stderr: bool) -> String {
    if !colour(stderr) {
        return text.to_owned();
    }
    let code = match style {
        Style::Ok => "32",
        Style::Bad => "31",
        Style::Warn => "33",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// Text styles.
#[derive(Debug, Clone, Copy)]
pub enum Style {
    Ok,
    Bad,
    Warn,
}

/// Prints a value as pretty JSON on stdout. A closed pipe (`| head`) is not an error.
pub fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => println_safe(&s),
        Err(e) => eprintln!("error: cannot encode JSON: {e}"),
    }
}

/// Prints a line on stdout, ignoring a broken pipe.
pub fn println_safe(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{s}");
}

/// Progress on stderr (never with --json, which keeps stderr for errors only).
pub fn progress(json: bool, s: &str) {
    if !json {
        eprintln!("{s}");
    }
}

/// A table with a header, aligned, borders only.
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_BORDERS_ONLY);
    t.set_header(header.iter().map(|h| h.to_string()));
    if !colour(false) {
        t.force_no_tty();
    }
    t
}

/// Prints a failure: JSON on stdout with --json, otherwise `error: ...` on stderr.
pub fn print_error(failure: &Failure, json: bool) {
    if json {
        print_json(&serde_json::json!({
            "status": "error",
            "error": {"kind": failure.kind, "message": failure.message},
        }));
    } else {
        eprintln!("{} {}", paint("error:", Style::Bad, true), failure.message);
    }
}
