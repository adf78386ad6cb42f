//! The `dbwarden` command: parse, call the library, render the result, exit with a code that
//! means something to CI (see [`exit::Exit`]).

mod cli;
mod commands;
mod exit;
mod output;

use clap::Parser;
use exit::Exit;

fn main() -> std::process::ExitCode {
    let args = cli::Cli::parse();
    init_logging(args.global.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return Exit::Failure.into();
        }
    };
    let json = args.global.json;
    runtime.spawn(watch_signals());
    let result = runtime.block_on(commands::run(args));
    match result {
        Ok(code) => code.into(),
        Err(failure) => {
            output::print_error(&failure, json);
            failure.exit.into()
        }
    }
}

/// SIGINT/SIGTERM: the first cancels the run (the statement in flight is cancelled on the
/// server, a transactional migration rolls back, no further step starts, scratch databases and
/// partial files are removed, exit 130); the second exits at once.
async fn watch_signals() {
    let token = dbwarden::interrupt::process_token();
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let next = async |terminate: &mut Option<tokio::signal::unix::Signal>| match terminate {
        Some(t) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = t.recv() => {}
            }
        }
        None => {
            let _ = tokio::signal::ctrl_c().await;
        }
    };
    next(&mut terminate).await;
    eprintln!(
        "interrupt: cancelling the statement in flight and stopping before the next step (press Ctrl-C again to exit at once)"
    );
    token.cancel();
    next(&mut terminate).await;
    eprintln!(
        "exiting at once: a statement may still be running on the server, and scratch databases or .partial backup files may be left; `dbwarden migrate status` shows where the migrations stand"
    );
    std::process::exit(130);
}

fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info,dbwarden=debug",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("DBWARDEN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // Logs go to stderr: stdout carries results (and, later, the MCP protocol).
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
