//! Fitting output to a width: tables that arrange their columns, text wrapped with a hanging
//! indent. Without a width (a pipe) nothing is cut or wrapped.

use comfy_table::{ContentArrangement, Table, presets::UTF8_BORDERS_ONLY};

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
