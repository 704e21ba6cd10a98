//! How a command fails, and what its exit code says: bad input or arguments exit 2, failures of
//! the machine or the data exit 1, and a closed pipe (`grill cards | head`) ends quietly. The
//! kind is decided here, once, at the command boundary.

use std::io;

use crate::values::InputError;

/// What kind of failure ended a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The user's input was wrong (a value, a file's contents, an argument): exit 2.
    Input,
    /// Something failed at run time (the disk, the database, a lock): exit 1.
    Runtime,
    /// Whoever read the output stopped reading: not an error worth a word.
    ClosedPipe,
}

/// A failed command: its kind and the error with its context.
#[derive(Debug)]
pub struct Failure {
    pub kind: Kind,
    pub error: anyhow::Error,
}

impl Failure {
    /// The exit code for this failure (a closed pipe: 0, nothing went wrong for the user).
    pub fn exit_code(&self) -> u8 {
        match self.kind {
            Kind::Input => 2,
            Kind::Runtime => 1,
            Kind::ClosedPipe => 0,
        }
    }

    /// The one line the user sees, after `grill: `, with control characters shown as escapes
    /// (messages quote a file's bad bytes back: shown, never obeyed).
    pub fn message(&self) -> String {
        crate::render::visible(&dedup_chain(&self.error))
    }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Failure {
        Failure { kind: kind_of(&error), error }
    }
}

/// Every error type that means "the input was wrong".
fn kind_of(error: &anyhow::Error) -> Kind {
    let chain = || error.chain();
    if chain().any(|e| e.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)) {
        Kind::ClosedPipe
    } else if chain().any(|e| {
        e.is::<InputError>()
            || e.is::<crate::file_error::FileError>()
            || e.is::<crate::clock::ClockError>()
            || e.is::<crate::scorecard::UnknownArea>()
            || e.downcast_ref::<crate::store::StoreError>().is_some_and(crate::store::StoreError::is_bad_input)
    }) {
        Kind::Input
    } else {
        Kind::Runtime
    }
}

/// `context: cause: cause`, leaving out a cause whose text its context already ends with (the
/// OS error is not said twice when a context quotes it).
fn dedup_chain(error: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if parts.last().is_some_and(|last| last.ends_with(&text) || last.contains(&format!(": {text}"))) {
            continue;
        }
        parts.push(text);
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn input_errors_exit_2_runtime_errors_1_closed_pipes_0() {
        let input: anyhow::Error = InputError::new("--area", "no cards in area \"sqll\"").into();
        assert_eq!(Failure::from(input.context("planning")).exit_code(), 2);
        assert_eq!(Failure::from(anyhow::anyhow!("disk on fire")).exit_code(), 1);
        let pipe: anyhow::Error = io::Error::from(io::ErrorKind::BrokenPipe).into();
        assert_eq!(Failure::from(pipe).kind, Kind::ClosedPipe);
    }

    #[test]
    fn a_cause_the_context_already_quotes_is_said_once() {
        let os = io::Error::new(io::ErrorKind::NotFound, "No such file or directory (os error 2)");
        let error = Err::<(), _>(os).context("/nodir/x.db: No such file or directory (os error 2)").unwrap_err();
        assert_eq!(Failure::from(error).message(), "/nodir/x.db: No such file or directory (os error 2)");
    }
}
