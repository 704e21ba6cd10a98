use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    if let Some(message) = grill::empty_environment_variable() {
        eprintln!("grill: {message}");
        return ExitCode::from(2);
    }
    let cli = grill::cli::Cli::parse();
    match grill::commands::dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            // Messages can quote a file's bad bytes back: shown as escapes, never obeyed.
            eprintln!("grill: {}", grill::render::visible(&format!("{error:#}")));
            ExitCode::from(grill::exit_code(&error) as u8)
        }
    }
}

/// `grill cards | head` closes the pipe early: that is not an error worth a message.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error
        .chain()
        .any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}
