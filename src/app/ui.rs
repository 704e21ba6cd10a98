//! The one output path: every command writes through the [`Ui`] it is handed, which owns colour
//! (honouring `NO_COLOR` and pipes), the terminal width tables and wrapped text must fit, and
//! buffering. A closed pipe (`grill cards | head`) surfaces as an `io::Error` of kind
//! `BrokenPipe`, which `main` turns into a quiet exit.

use std::io::{self, IsTerminal, Write};

use comfy_table::{ContentArrangement, Table, presets::UTF8_BORDERS_ONLY};

/// Where a command's output goes, and how wide it may be.
pub struct Ui {
    out: anstream::AutoStream<Box<dyn Write>>,
    width: Option<usize>,
    terminal: bool,
}

impl Ui {
    /// Standard output: colour and a width limit only on a terminal (or when `COLUMNS` asks).
    pub fn stdout() -> Ui {
        let stdout = io::stdout();
        let terminal = stdout.is_terminal();
        let choice = anstream::AutoStream::choice(&stdout);
        // Buffered: a table or a card is dozens of lines; flushed before every prompt and at exit.
        let buffered: Box<dyn Write> = Box::new(io::BufWriter::new(stdout));
        let width = columns_env().or_else(|| terminal.then(terminal_width).flatten());
        Ui { out: anstream::AutoStream::new(buffered, choice), width, terminal }
    }

    /// Output into `writer` with no colour, `width` columns (none: unlimited): for tests.
    pub fn plain(writer: Box<dyn Write>, width: Option<usize>) -> Ui {
        Ui { out: anstream::AutoStream::new(writer, anstream::ColorChoice::Never), width, terminal: false }
    }

    /// The width output must fit in; `None` when unlimited (a pipe).
    pub fn width(&self) -> Option<usize> {
        self.width
    }

    /// Whether standard output is a terminal (live timers, prompts).
    pub fn is_terminal(&self) -> bool {
        self.terminal
    }

    /// A table in grill's style that arranges its columns to fit the width.
    pub fn table(&self) -> Table {
        table(self.width)
    }

    /// `text` wrapped to the width, every line after `first` indent starting with `rest`
    /// (a hanging indent for lists); unchanged when the width is unlimited.
    pub fn wrap(&self, text: &str, first: &str, rest: &str) -> String {
        wrap(text, self.width, first, rest)
    }
}

impl Write for Ui {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A table in grill's style fitted to `width` columns (unlimited: `None`).
pub fn table(width: Option<usize>) -> Table {
    let mut table = Table::new();
    table.load_style(UTF8_BORDERS_ONLY);
    match width {
        Some(width) => {
            table.set_content_arrangement(ContentArrangement::Dynamic).set_width(width.min(u16::MAX as usize) as u16);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    table
}

/// Every paragraph line of `text` wrapped to `width` with `first` before its first line and
/// `rest` before the others; without a width, each line only gets its indent.
pub fn wrap(text: &str, width: Option<usize>, first: &str, rest: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(|line| match width {
            Some(width) => {
                // Keep a line's own indentation (nested lists) inside the hanging indent.
                let own = &line[..line.len() - line.trim_start().len()];
                let hang = format!("{rest}{own}  ");
                let options = textwrap::Options::new(width.max(20)).initial_indent(first).subsequent_indent(&hang);
                textwrap::fill(line, &options)
            }
            None => format!("{first}{line}"),
        })
        .collect();
    lines.join("\n")
}

/// `COLUMNS`, when set to a sensible number: an explicit request for a width, even on a pipe.
fn columns_env() -> Option<usize> {
    std::env::var("COLUMNS").ok()?.trim().parse().ok().filter(|&w: &usize| w >= 20)
}

fn terminal_width() -> Option<usize> {
    terminal_size::terminal_size().map(|(w, _)| usize::from(w.0)).filter(|&w| w >= 20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_hang_under_their_bullet_and_fit() {
        let text = "- a key point long enough that it has to wrap at a narrow width, twice over";
        let wrapped = wrap(text, Some(30), "  ", "  ");
        assert!(wrapped.lines().all(|l| l.chars().count() <= 30), "{wrapped}");
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("    ")), "{wrapped}");
        assert_eq!(wrapped.split_whitespace().collect::<Vec<_>>(), text.split_whitespace().collect::<Vec<_>>());
    }

    #[test]
    fn without_a_width_text_is_only_indented() {
        assert_eq!(wrap("one\ntwo", None, "> ", "  "), "> one\n> two");
    }

    #[test]
    fn tables_fit_the_width_they_are_given() {
        let mut t = table(Some(40));
        t.set_header(["id", "prompt"]);
        t.add_row(["sql/x", &"word ".repeat(40)]);
        assert!(t.to_string().lines().all(|l| l.chars().count() <= 40), "{t}");
    }
}
