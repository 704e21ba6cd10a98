//! A deck from a stranger: terminal escape sequences and other control characters in any of
//! its text fields are printed inert by the drill, `grill cards`, `grill decks`, `suspend`
//! and error messages, even with colour forced on (so grill's own styling passes through and
//! the only thing that can remove the payloads is grill's sanitising).

use crate::common::Env;

/// Escape sequences a hostile deck might carry, and what each would do.
const PAYLOADS: [&str; 11] = [
    "\x1b[2J\x1b[H",                                         // clear the screen
    "\x1b]0;pwned-title\x07",                                // retitle the window
    "\x1b]52;c;Y3VybCBldmlsLnNofHNo\x07",                    // write the clipboard (OSC 52)
    "\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\", // a hidden hyperlink
    "\x1b[6n",                                               // ask the terminal to type into grill
    "\x1bP+q544e\x1b\\",                                     // DCS query
    "\u{9b}31m",                                             // C1 CSI (8-bit)
    "\rFAKE PROMPT> ",                                       // overwrite the line
    "\x08\x08\x08",                                          // backspaces
    "\u{202E}txt.exe",                                       // right-to-left override
    "\x1b",                                                  // a lone escape
];

fn hostile(label: &str) -> String {
    format!("{label} {}", PAYLOADS.join(" "))
}

/// A deck whose every text field carries every payload, written through the real TOML parser
/// and deck sync (what an import does).
fn plant_hostile_deck(env: &Env) {
    env.run(&["decks"], "");
    let esc = |s: String| toml::Value::String(s).to_string();
    let text = format!(
        "[deck]\nid = {}\nname = {}\narea = {}\ndescription = {}\n\n[[cards]]\nid = {}\nprompt = {}\nanswer = {}\n\
         follow_ups = [{}]\ntags = [{}]\n\n[cards.example]\nlang = {}\nsetup = {}\ncode = {}\nexpect = {}\n",
        esc(hostile("deckid")),
        esc(hostile("deckname")),
        esc(format!("evil{}", PAYLOADS[0])),
        esc(hostile("description")),
        esc(hostile("cardid")),
        esc(hostile("prompt")),
        esc(hostile("answer")),
        esc(hostile("followup")),
        esc(hostile("tag")),
        esc(hostile("lang")),
        esc(hostile("setup")),
        esc(hostile("code")),
        esc(hostile("expect")),
    );
    let deck = grill::parse_toml("hostile.toml", &text).expect("the hostile deck is valid TOML");
    let mut store = grill::Store::open(&env.db()).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339(&env.now).unwrap().with_timezone(&chrono::Utc);
    let (scheduler, clock) = (grill::Scheduler::default_params(), grill::DayClock::new(chrono::Utc, 4));
    let how = grill::store::SyncOptions::import(now, &scheduler, &clock);
    // Straight into the store, past the importer's own cleaning: rendering must be safe by itself.
    store.sync_decks(&[deck], &[], &how, &mut || {}).unwrap();
}

/// Every ESC must start one of grill's own colour codes (`ESC [ digits ; m`); no other control
/// character but newline and tab, and no direction override, may reach the terminal.
fn assert_inert(what: &str, out: &str) {
    let mut chars = out.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            let mut seq = String::from("ESC");
            assert_eq!(chars.next(), Some('['), "{what}: an escape that is not a colour code in:\n{out:?}");
            for c in chars.by_ref() {
                seq.push(c);
                if c == 'm' {
                    break;
                }
                assert!(c.is_ascii_digit() || c == ';', "{what}: {seq:?} is not a colour code");
            }
            continue;
        }
        assert!(!c.is_control() || c == '\n' || c == '\t', "{what}: control character {c:?} in:\n{out:?}");
        assert!(!('\u{202A}'..='\u{202E}').contains(&c) && !('\u{2066}'..='\u{2069}').contains(&c), "{what}: {c:?}");
    }
}

fn output(env: &Env, args: &[&str], stdin: &str) -> (String, String) {
    let out = env.grill(args).env("CLICOLOR_FORCE", "1").write_stdin(stdin).output().expect("runs");
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_hostile_card_is_printed_inert_in_the_drill() {
    let env = Env::new();
    plant_hostile_deck(&env);
    let area = format!("evil{}", PAYLOADS[0]);
    // Reveal, then a note (echoed back), rate, undo, suspend: every message that names the card.
    let (out, err) = output(&env, &["drill", "--area", &area], "\nnote\n3\nu\n!\n");
    assert!(out.contains("prompt") && out.contains("answer") && out.contains("followup"), "{out}");
    assert!(out.contains("code") && out.contains("expect"), "the example is shown: {out}");
    assert!(out.contains("undone") && out.contains("suspended"), "{out}");
    assert!(out.contains('\x1b'), "colour was forced on, so grill's own codes are there");
    assert_inert("drill", &out);
    assert_inert("drill stderr", &err);
}

#[test]
fn a_hostile_card_is_printed_inert_by_cards_decks_and_suspend() {
    let env = Env::new();
    plant_hostile_deck(&env);
    let key = hostile("cardid");
    for args in [&["cards"][..], &["cards", "--search", "prompt"], &["decks"], &["suspend", &key], &["unsuspend", &key]]
    {
        let (out, err) = output(&env, args, "");
        assert!(err.is_empty(), "grill {args:?}: {err}");
        assert!(out.contains("cardid") || out.contains("deckid"), "grill {args:?} shows the hostile rows:\n{out}");
        assert_inert(&format!("grill {args:?}"), &out);
    }
    // JSON escapes control characters itself and keeps the text exact for programs.
    let (json, _) = output(&env, &["cards", "--json", "--search", "prompt"], "");
    assert_inert("cards --json", &json);
    let cards: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(cards[0]["prompt"].as_str().unwrap(), hostile("prompt"), "JSON keeps the text exact");
}

#[test]
fn error_messages_quoting_hostile_text_are_inert() {
    let env = Env::new();
    env.run(&["decks"], "");
    let (_, err) = output(&env, &["suspend", &hostile("no-such-card")], "");
    assert!(err.contains("grill: CARD: no card"), "{err}");
    assert_inert("suspend error", &err);
    // A config file whose bad value is quoted back in the error.
    std::fs::write(env.config(), format!("new_per_day = \"{}\"\n", PAYLOADS[1].replace('\x07', "\\u0007"))).unwrap();
    let (_, err) = output(&env, &["decks"], "");
    assert!(err.contains("config.toml:1"), "{err}");
    assert!(err.contains("new_per_day"), "the error names the field: {err}");
    assert_inert("config error", &err);
}
