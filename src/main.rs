use std::process::ExitCode;

use clap::Parser;
use grill::error::{Failure, Kind};

fn main() -> ExitCode {
    if let Some(message) = grill::empty_environment_variable() {
        say(&format!("grill: {message}"));
        return ExitCode::from(2);
    }
    let cli = match grill::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
    match grill::commands::dispatch(cli).map_err(Failure::from) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) if failure.kind == Kind::ClosedPipe => ExitCode::SUCCESS,
        Err(failure) => {
            say(&format!("grill: {}", failure.message()));
            ExitCode::from(failure.exit_code())
        }
    }
}

/// Help and version print as clap writes them; a bad command line is one line in grill's error
/// shape, `grill: <what>: <why>`, with where to look next, and exit code 2.
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    let text = error.render().to_string();
    let first = match (error.kind(), invalid_arg(&error), std::error::Error::source(&error)) {
        // `--until: "friday" is not a date ...`: the flag, then the value parser's own words.
        (ErrorKind::ValueValidation, Some(arg), Some(why)) => format!("{arg}: {why}"),
        // A message and the lines that belong to it (`... not provided:` then `  --history`), as one.
        _ => text
            .lines()
            .take_while(|l| !l.trim().is_empty())
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ")
            .trim_start_matches("error: ")
            .to_owned(),
    };
    let tip = text.lines().find_map(|l| l.trim().strip_prefix("tip: ")).map(|t| format!(" ({t})")).unwrap_or_default();
    say(&format!("grill: {first}{tip}\n  see `{} --help`", command_path()));
    ExitCode::from(2)
}

/// The one place grill writes to stderr directly: the error that ends it.
#[allow(clippy::print_stderr)]
fn say(line: &str) {
    eprintln!("{line}");
}

/// The option a value was refused for, without its value name: `--until`.
fn invalid_arg(error: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue};
    match error.get(ContextKind::InvalidArg)? {
        ContextValue::String(arg) => Some(arg.split([' ', '=']).next().unwrap_or(arg).to_owned()),
        _ => None,
    }
}

/// `grill` and the subcommands named on the command line, for the help hint.
fn command_path() -> String {
    use clap::CommandFactory;
    let mut command = grill::cli::Cli::command();
    let mut path = vec!["grill".to_owned()];
    for arg in std::env::args().skip(1) {
        match command.find_subcommand(&arg) {
            Some(sub) => {
                path.push(arg.clone());
                command = sub.clone();
            }
            None if arg.starts_with('-') => continue,
            None => break,
        }
    }
    path.join(" ")
}
