//! Fitting output to a width: tables that arrange their columns, text wrapped with a hanging
//! indent. Without a width (a pipe) nothing is cut or wrapped.

use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width, presets::UTF8_BORDERS_ONLY};

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

/// `table`, its words kept whole where the width allows: comfy-table's dynamic arrangement
/// shares a tight width out evenly and splits `system-design` into `system-des` and `ign` even
/// when a header such as `due today` could take two lines instead. Each column gets a lower
/// bound of its longest word (at most [`WHOLE_WORD`] columns), header included; if that is too
/// wide, one space between columns instead of two; then the body's words only. The first
/// arrangement that fits is kept, else comfy-table's own.
pub fn fit(mut table: Table) -> Table {
    let Some(width) = table.width().map(usize::from) else { return table };
    if matches!(table.content_arrangement(), ContentArrangement::Disabled) {
        return table;
    }
    let longest_word =
        |text: &str| text.split_whitespace().map(textwrap::core::display_width).max().unwrap_or(0).min(WHOLE_WORD);
    let columns = table.column_count();
    let body: Vec<usize> = (0..columns)
        .map(|i| table.column_cells_iter(i).flatten().map(|c| longest_word(&c.content())).max().unwrap_or(0))
        .collect();
    let header: Vec<usize> = (0..columns)
        .map(|i| table.header().and_then(|h| h.cell_iter().nth(i)).map_or(0, |c| longest_word(&c.content())))
        .collect();
    let with_header: Vec<usize> = body.iter().zip(&header).map(|(b, h)| *b.max(h)).collect();
    // Tighter padding (one space between columns) before any word is split.
    let attempts = [(&with_header, false), (&with_header, true), (&body, true)];
    for (bounds, compact) in attempts {
        if compact {
            for column in table.column_iter_mut() {
                let left = u16::from(column.index == 0);
                column.set_padding((left, 1));
            }
        }
        for (column, &bound) in table.column_iter_mut().zip(bounds.iter()) {
            // comfy-table's widths include the column's padding.
            let bound = bound as u16 + column.padding_width();
            column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(bound)));
        }
        if table.lines().all(|line| textwrap::core::display_width(&line) <= width) {
            return table;
        }
    }
    for column in table.column_iter_mut() {
        column.remove_constraint();
    }
    table
}

/// The longest word [`fit`] keeps whole: longer ones (a URL) may be split.
const WHOLE_WORD: usize = 40;

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

    #[test]
    fn fitted_tables_keep_words_whole_and_wrap_headers_first() {
        let mut t = table(Some(60));
        t.set_header(["deck", "area", "cards", "new", "due today", "suspended"]);
        t.add_row(["system-design", "system-design", "70", "70", "0", "0"]);
        t.add_row(["api-design", "api-design", "38", "38", "0", "0"]);
        let before = t.to_string();
        assert!(before.contains("system-des"), "comfy-table alone splits ids; the test is moot:\n{before}");
        let after = fit(t).to_string();
        assert!(after.lines().all(|l| l.chars().count() <= 60), "{after}");
        for word in ["system-design", "api-design"] {
            assert_eq!(after.matches(word).count(), 2, "{word} split:\n{after}");
        }
        // Too narrow for every word: the table still fits, split as comfy-table splits.
        let mut t = table(Some(24));
        t.set_header(["deck", "area"]);
        t.add_row(["system-design", "system-design"]);
        assert!(fit(t).to_string().lines().all(|l| l.chars().count() <= 24));
    }
}
