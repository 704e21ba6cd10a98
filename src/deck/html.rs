//! HTML from Anki fields made readable on a terminal: line breaks, lists, code blocks and
//! entities survive; markup, scripts and styles do not.

use html2text::config::ImageRenderMode;

/// Wide enough that html2text never wraps a line itself: the terminal wraps, and wrapping here
/// would break code blocks.
const NO_WRAP: usize = 100_000;

/// `html` as plain text. Images become `[file name]`, links their text.
pub fn to_text(html: &str) -> String {
    if !html.contains(['<', '&']) {
        return html.to_owned();
    }
    let rendered = html2text::config::plain_no_decorate()
        .link_footnotes(false)
        .empty_img_mode(ImageRenderMode::Filename)
        .string_from_read(html.as_bytes(), NO_WRAP);
    match rendered {
        // A no-break space (`&nbsp;`) is a plain space in a terminal.
        Ok(text) => text
            .replace('\u{a0}', " ")
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
            .trim_matches('\n')
            .to_owned(),
        // html2text only fails on I/O errors, which reading a byte slice cannot produce.
        Err(_) => html.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_lists_code_and_entities_become_text() {
        let html = "Explain <b>joins</b> &amp; more<br>next<ul><li>one</li><li>two&nbsp;x</li></ul>\
                    <pre><code>SELECT * FROM t WHERE id &lt; 1;\n  AND x</code></pre>";
        let text = to_text(html);
        assert_eq!(text, "Explain joins & more\nnext\n* one\n* two x\n\nSELECT * FROM t WHERE id < 1;\n  AND x");
    }

    #[test]
    fn images_become_their_file_name_and_scripts_vanish() {
        let text = to_text("see <img src=\"er-diagram.png\"><script>alert(1)</script>");
        assert!(text.contains("er-diagram.png"), "{text}");
        assert!(!text.contains("alert"), "{text}");
    }

    #[test]
    fn plain_text_is_kept_as_is() {
        assert_eq!(to_text("a\nb > c"), "a\nb > c");
    }
}
