//! The one output path: every command writes through the [`Ui`] it is handed, which owns colour
//! (honouring `NO_COLOR` and pipes), the terminal width tables and wrapped text must fit, and
//! buffering. A closed pipe (`grill cards | head`) surfaces as an `io::Error` of kind
//! `BrokenPipe`, which `main` turns into a quiet exit.

use std::io::{self, IsTerminal, Write};

use comfy_table::Table;

use crate::render::{table, wrap};

/// Where a command's output goes, and how wide it may be.
pub struct Ui {
    out: anstream::AutoStream<Box<dyn Write>>,
    width: Option<usize>,
    terminal: bool,
    /// The line being written, until its newline: lines wider than `width` are wrapped whole.
    line: Vec<u8>,
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
        Ui { out: anstream::AutoStream::new(buffered, choice), width, terminal, line: Vec::new() }
    }

    /// Output into `writer` with no colour, `width` columns (none: unlimited): for tests.
    pub fn plain(writer: Box<dyn Write>, width: Option<usize>) -> Ui {
        Ui {
            out: anstream::AutoStream::new(writer, anstream::ColorChoice::Never),
            width,
            terminal: false,
            line: Vec::new(),
        }
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
        let Some(width) = self.width else { return self.out.write(buf) };
        // Every whole line that is too wide is wrapped at words with a hanging indent (prose,
        // key points); tables arrange themselves to fit and pass through untouched.
        for part in buf.split_inclusive(|&b| b == b'\n') {
            self.line.extend_from_slice(part);
            if part.ends_with(b"\n") {
                let line = std::mem::take(&mut self.line);
                let text = String::from_utf8_lossy(&line[..line.len() - 1]);
                self.out.write_all(fit_line(&text, width).as_bytes())?;
                self.out.write_all(b"\n")?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // A prompt has no newline: it goes out as it is.
        let line = std::mem::take(&mut self.line);
        self.out.write_all(&line)?;
        self.out.flush()
    }
}

/// `line` as is when it fits in `width` columns, else wrapped, each following line indented
/// like the first plus two columns after a bullet (`- `, `• `, `* `, `· `). A status line made of
/// groups (`sql · new · 3 left · sql/some-card-id`, the rating buttons and their key hints) breaks
/// between groups, never inside one; prose breaks at spaces, and never inside a hyphenated
/// word such as a card id.
pub fn fit_line(line: &str, width: usize) -> String {
    if textwrap::core::display_width(line) <= width {
        return line.to_owned();
    }
    let body = line.trim_start();
    let indent = &line[..line.len() - body.len()];
    let bullet = ["- ", "• ", "* ", "· "].iter().any(|b| body.starts_with(b));
    let hang = if bullet { format!("{indent}  ") } else { indent.to_owned() };
    if let Some(lines) = pack_groups(body, indent, width).filter(|_| !bullet) {
        return lines;
    }
    let options = textwrap::Options::new(width)
        .subsequent_indent(&hang)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(true);
    textwrap::fill(line, &options)
}

/// The separators between a status line's groups, strongest first: a run of three spaces
/// (between the rating buttons and the key hints) and a middle dot.
const GROUP_SEPARATORS: [&str; 2] = ["   ", " · "];

/// `body` split at its strongest group separator and packed greedily into lines of `width`
/// columns starting with `indent`, the separator dropped where a line breaks; `None` when the
/// line has no groups. A group still too wide is wrapped at words on its own.
fn pack_groups(body: &str, indent: &str, width: usize) -> Option<String> {
    let separator = GROUP_SEPARATORS.into_iter().find(|s| body.contains(s))?;
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for group in body.split(separator).map(str::trim).filter(|g| !g.is_empty()) {
        let joined =
            if current.is_empty() { format!("{indent}{group}") } else { format!("{current}{separator}{group}") };
        if current.is_empty() || textwrap::core::display_width(&joined) <= width {
            current = joined;
        } else {
            lines.push(std::mem::take(&mut current));
            current = format!("{indent}{group}");
        }
    }
    lines.push(current);
    Some(lines.iter().map(|l| fit_line(l, width)).collect::<Vec<_>>().join("\n"))
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
    fn long_lines_wrap_with_a_hanging_indent_and_short_ones_pass() {
        assert_eq!(fit_line("short", 20), "short");
        let wrapped = fit_line("  - a key point long enough to wrap at twenty columns", 20);
        assert!(wrapped.lines().all(|l| l.chars().count() <= 20), "{wrapped}");
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("    ")), "{wrapped}");
        let dotted = fit_line("  · Action: kept the overlap for live talk; the rest async", 30);
        assert!(dotted.lines().skip(1).all(|l| l.starts_with("    ")), "{dotted}");
    }

    #[test]
    fn status_lines_break_between_their_groups_and_ids_stay_whole() {
        let header = "behavioral · new · 10 left · behavioral/ownership-beyond-ticket";
        assert_eq!(fit_line(header, 60), "behavioral · new · 10 left\nbehavioral/ownership-beyond-ticket");
        let buttons = "1 again now  2 hard now  3 good 2d  4 easy 7d   u undo · s skip · ! suspend · ? help · q quit";
        assert_eq!(
            fit_line(buttons, 60),
            "1 again now  2 hard now  3 good 2d  4 easy 7d\nu undo · s skip · ! suspend · ? help · q quit"
        );
        assert_eq!(
            fit_line(buttons, 30),
            "1 again now  2 hard now  3\ngood 2d  4 easy 7d\nu undo · s skip · ! suspend\n? help · q quit"
        );
        let prose = "wrap prose with a long-hyphenated-identifier-like-this one";
        assert!(fit_line(prose, 40).lines().any(|l| l.contains("long-hyphenated-identifier-like-this")));
    }

    #[test]
    fn the_writer_wraps_whole_lines_and_keeps_a_prompt_as_it_is() {
        let buffer = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut ui = Ui::plain(Box::new(Shared(buffer.clone())), Some(20));
        write!(ui, "one two three four five six seven\nrate> ").unwrap();
        ui.flush().unwrap();
        let text = String::from_utf8(buffer.lock().unwrap().clone()).unwrap();
        assert_eq!(text, "one two three four\nfive six seven\nrate> ");
    }
}
