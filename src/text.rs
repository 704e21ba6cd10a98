//! Text from decks is untrusted: a deck from a stranger must not be able to move the cursor,
//! retitle the terminal or hide text. Escape sequences are removed and other control
//! characters dropped, keeping newlines and tabs.

/// `text` with terminal escape sequences, direction overrides and control characters other
/// than newlines and tabs removed.
pub fn safe(text: &str) -> String {
    // Printable ASCII and newlines (nearly every card) cannot hold an escape sequence or any
    // other character removed below, and the drill shows a few kilobytes of it per card.
    if text.bytes().all(|b| b == b'\n' || (0x20..0x7f).contains(&b)) {
        return text.to_owned();
    }
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

/// `text` with every control character (but `\n` and `\t`) and direction override shown as a
/// visible `\u{..}` escape: for error messages, which quote a file's bad bytes back and must
/// neither act on the terminal nor hide what is wrong.
pub fn visible(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// JSON text with the control characters serde_json leaves raw (C1, such as U+009B, which
/// some terminals obey) and direction overrides written as `\uXXXX` escapes. Raw control
/// characters can only be inside JSON strings, where the escape means the same character.
pub fn json_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if (c.is_control() && c != '\n') || is_bidi_control(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
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
    fn visible_shows_control_characters_instead_of_obeying_them() {
        assert_eq!(visible("a\x1b]0;t\x07b\nc"), "a\\u{1b}]0;t\\u{7}b\nc");
    }

    #[test]
    fn json_safe_escapes_c1_and_overrides_and_stays_the_same_json() {
        let json = serde_json::to_string(&"x\u{9b}31m\u{202e}y").unwrap();
        let safe = json_safe(&json);
        assert!(safe.is_ascii(), "{safe}");
        assert_eq!(serde_json::from_str::<String>(&safe).unwrap(), "x\u{9b}31m\u{202e}y");
    }

    #[test]
    fn plain_text_is_unchanged() {
        let text = "SELECT * FROM t WHERE a <> 'é';\n- point";
        assert_eq!(safe(text), text);
    }
}
