//! Text from decks is untrusted: a deck from a stranger must not be able to move the cursor,
//! retitle the terminal or hide text. Escape sequences are removed and other control
//! characters dropped, keeping newlines (tabs become four spaces).

/// `text` with terminal escape sequences removed, tabs expanded and other control characters
/// (except `\n`) dropped.
pub fn safe(text: &str) -> String {
    // Printable ASCII and newlines (nearly every card) cannot hold an escape sequence or any
    // other character removed below, and the drill shows a few kilobytes of it per card.
    if text.bytes().all(|b| b == b'\n' || (0x20..0x7f).contains(&b)) {
        return text.to_owned();
    }
    // The escape stripper drops tabs, so expand them first.
    let stripped = strip_ansi_escapes::strip_str(text.replace('\t', "    "));
    stripped.chars().filter(|c| !c.is_control() || *c == '\n').collect()
}

/// Like [`safe`], for one line: newlines become spaces.
pub fn safe_line(text: &str) -> String {
    safe(text).replace('\n', " ")
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
        assert_eq!(safe("a\rb\x08c\nd\te\u{9b}"), "abc\nd    e");
    }

    #[test]
    fn a_lone_escape_cannot_survive() {
        assert!(!safe("x\x1b").contains('\x1b'));
        assert!(!safe("\x1b[").contains('\x1b'));
    }

    #[test]
    fn plain_text_is_unchanged() {
        let text = "SELECT * FROM t WHERE a <> 'é';\n- point";
        assert_eq!(safe(text), text);
    }
}
