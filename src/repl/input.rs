//! Where the drill's lines come from: rustyline on a terminal, plain lines from a pipe.

use std::io::{BufRead, IsTerminal, Write};

use rustyline::{DefaultEditor, error::ReadlineError};

/// A source of the user's lines. `None` means the user is done (Ctrl-D, Ctrl-C, end of input).
pub trait Input {
    /// Shows `prompt` and reads one line.
    fn read_line(&mut self, prompt: &str) -> std::io::Result<Option<String>>;

    /// Whether the user is at a terminal (live timer, line editing).
    fn is_terminal(&self) -> bool {
        false
    }

    /// A way to print lines above the line being edited without disturbing it (the timer);
    /// `None` off a terminal.
    fn printer(&mut self) -> Option<super::timer::Printer> {
        None
    }
}

/// Line editing and history on a terminal.
pub struct Terminal {
    editor: DefaultEditor,
}

/// Lines from a pipe or file: the same protocol, without line editing or escape codes.
pub struct Piped<R: BufRead> {
    reader: R,
}

impl<R: BufRead> Piped<R> {
    /// Reads lines from `reader`.
    pub fn new(reader: R) -> Self {
        Piped { reader }
    }
}

impl Input for Terminal {
    fn is_terminal(&self) -> bool {
        true
    }

    fn printer(&mut self) -> Option<super::timer::Printer> {
        use rustyline::ExternalPrinter;
        let mut printer = self.editor.create_external_printer().ok()?;
        Some(Box::new(move |line: String| {
            let _ = printer.print(format!("{line}\n"));
        }))
    }

    fn read_line(&mut self, prompt: &str) -> std::io::Result<Option<String>> {
        loop {
            match self.editor.readline(prompt) {
                Ok(line) => return Ok(Some(line)),
                Err(ReadlineError::Eof | ReadlineError::Interrupted) => return Ok(None),
                // One stray byte (a mistyped key, a bad paste) refuses the line, not the session.
                Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                    writeln!(std::io::stdout(), "{NOT_TEXT}")?
                }
                Err(ReadlineError::Io(e)) => return Err(e),
                Err(e) => return Err(std::io::Error::other(e)),
            }
        }
    }
}

impl<R: BufRead> Input for Piped<R> {
    fn read_line(&mut self, prompt: &str) -> std::io::Result<Option<String>> {
        let mut out = std::io::stdout();
        write!(out, "{prompt}")?;
        out.flush()?;
        loop {
            let mut bytes = Vec::new();
            if self.reader.read_until(b'\n', &mut bytes)? == 0 {
                writeln!(out)?;
                return Ok(None);
            }
            // Echo nothing: the newline ends the prompt line so transcripts stay readable.
            writeln!(out)?;
            match String::from_utf8(bytes) {
                Ok(line) => return Ok(Some(line.trim_end_matches(['\n', '\r']).to_owned())),
                // A line that is not text is refused; the session goes on with the next one.
                Err(_) => write!(out, "{NOT_TEXT}\n{prompt}")?,
            }
            out.flush()?;
        }
    }
}

/// What a line that is not UTF-8 text gets: refused, and the next line read.
const NOT_TEXT: &str = "That line is not valid UTF-8 text; nothing was done. Type it again.";

/// Rustyline when stdin and stdout are terminals, else plain lines from stdin.
pub fn stdin_input() -> std::io::Result<Box<dyn Input>> {
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        let editor = DefaultEditor::new().map_err(std::io::Error::other)?;
        Ok(Box::new(Terminal { editor }))
    } else {
        Ok(Box::new(Piped::new(std::io::stdin().lock())))
    }
}
