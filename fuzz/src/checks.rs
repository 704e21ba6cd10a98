//! What each fuzz target checks, one function per parser. Shared by the cargo-fuzz targets
//! (`fuzz/fuzz_targets/`) and by `tests/fuzz_regressions.rs`, which replays every saved input
//! on stable Rust in CI. A check panics when grill misbehaves; returning is a pass.

/// Deck TOML: never panics; a deck that parses writes back as TOML that parses to the same
/// deck; an error names a line of the file.
pub fn deck_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match grill::parse_toml("fuzz.toml", text) {
        Ok(deck) => {
            let written = toml::to_string(&deck).expect("a parsed deck can be written");
            let again = grill::parse_toml("again.toml", &written).expect("a written deck parses");
            assert_eq!(again, deck, "the deck changed on a write and re-read:\n{written}");
        }
        Err(e) => assert_line_in_file(e.line, text, &e.to_string()),
    }
}

/// config.toml: never panics; a config that parses has values in range; an error names a
/// line of the file.
pub fn config_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match grill::config::Config::parse("config.toml", text) {
        Ok(config) => {
            assert!((0.7..=0.97).contains(&config.desired_retention), "{config:?}");
            assert!(config.day_rollover_hour <= 23, "{config:?}");
        }
        Err(e) => assert_line_in_file(e.line, text, &e.to_string()),
    }
}

/// A line typed in the drill: never panics, and a rating word is always read as a rating.
pub fn drill_line(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let command = grill::repl::Command::parse(text);
    if let Some(rating) = grill::Rating::parse(text) {
        assert_eq!(command, grill::repl::Command::Rate(rating), "{text:?}");
    }
    if let grill::repl::Command::Notes(notes) = command {
        assert_eq!(notes, text.trim(), "notes are the line as typed");
    }
}

/// Untrusted text on its way to the terminal: whatever comes in, no escape, control
/// character (but newline and tab) or direction override comes out; JSON output decodes back
/// to the exact text.
pub fn terminal_text(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let inert = |what: &str, out: &str, allowed: &[char]| {
        for c in out.chars() {
            let bidi = ('\u{202A}'..='\u{202E}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c);
            let shown = !c.is_control() || allowed.contains(&c);
            assert!(shown && !bidi, "{what} let {c:?} through from {text:?}");
        }
    };
    inert("safe", &grill::render::safe(&text), &['\n', '\t']);
    inert("safe_line", &grill::render::safe_line(&text), &[]);
    inert("visible", &grill::render::visible(&text), &['\n', '\t']);
    let json = grill::render::json_safe(&serde_json::to_string(&*text).expect("a string serialises"));
    inert("json_safe", &json, &[]);
    assert_eq!(serde_json::from_str::<String>(&json).expect("still JSON"), text, "json_safe changed the text");
}

fn assert_line_in_file(line: usize, text: &str, message: &str) {
    assert!(line <= text.lines().count() + 1, "line {line} is past the end of the file: {message}");
    assert!(!message.is_empty());
}
