//! Text from decks is untrusted: a deck from a stranger must not be able to move the cursor,
//! retitle the terminal or hide text. Escape sequences are removed and other control
//! characters dropped, keeping newlines and tabs.

/// `text` with terminal escape sequences removed and control characters (except `\n` and `\t`)
/// dropped.
pub fn safe(text: &str) -> String {
    // The stripper drops tabs with the other C0 controls, so each tab-separated piece is
    // stripped on its own: code examples keep their indentation.
    let stripped: Vec<String> = text.split('\t').map(strip_ansi_escapes::strip_str).collect();
    stripped
        .join("\t")
        .chars()
        .filter(|&c| (!c.is_control() || c == '\n' || c == '\t') && !is_bidi_control(c))
        .collect()
}

/// Unicode's invisible direction overrides can make text display in a different order from the
/// one it is read in ("Trojan Source"): a deck has no business sending them.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Like [`safe`], for one line: newlines become spaces.
pub fn safe_line(text: &str) -> String {
    safe(text).replace(['\n', '\t'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_removed() {
        assert_eq!(safe("a\x1b[31mred\x1b[0m b"), "ared b");
        assert_eq!(safe("title\x1b]0;pwned\x07!"), "title!");
    }

    #[test]
    fn control_characters_are_dropped_but_newlines_kept() {
        assert_eq!(safe("a\rb\x08c\nd\te\u{9b}"), "abc\nd\te");
    }

    #[test]
    fn a_lone_escape_cannot_survive() {
        assert!(!safe("x\x1b").contains('\x1b'));
        assert!(!safe("\x1b[").contains('\x1b'));
    }

    #[test]
    fn direction_overrides_are_dropped() {
        assert_eq!(safe("abc\u{202E}fed\u{2066}x"), "abcfedx");
    }

    #[test]
    fn plain_text_is_unchanged() {
        let text = "SELECT * FROM t WHERE a <> 'é';\n- point";
        assert_eq!(safe(text), text);
    }
}
