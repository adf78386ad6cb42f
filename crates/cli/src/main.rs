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
    let result = runtime.block_on(commands::run(args));
    match result {
        Ok(code) => code.into(),
        Err(failure) => {
            output::print_error(&failure, json);
            failure.exit.into()
        }
    }
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
