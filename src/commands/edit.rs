//! `grill edit CARD`: one card's TOML in $EDITOR, checked with the deck parser, saved in one
//! transaction. The id cannot change: a card's history hangs on it. A built-in card's prompt,
//! answer and follow-ups are rewritten beside its built-in text (a release never undoes them);
//! a card of an imported or user deck is changed in place. A rewritten leech starts afresh.

use anyhow::{Result, bail};
use serde::Serialize;
use std::io::Write;

use crate::app::editor::edit_until_valid;
use crate::app::{App, Ui};
use crate::cli::EditArgs;
use crate::deck::{CardSpec, DeckError, parse_toml};
use crate::stats::LEECH_LAPSES;
use crate::store::{CardRow, CardText, Rewrite};

#[derive(Serialize)]
struct OneCard<'a> {
    cards: [&'a CardSpec; 1],
}

/// Opens the card in the editor and saves the result (or, with `--reset`, drops the rewrite of
/// a built-in card).
pub fn run(app: &mut App, args: &EditArgs, out: &mut Ui) -> Result<()> {
    let card = crate::app::queries::card(app, &args.card)?;
    let builtin = app.store.deck_source(&card.deck)?.as_deref() == Some("builtin");
    if args.reset {
        return reset(app, &card, builtin, out);
    }
    let initial = render(&card, builtin)?;
    let name = format!("{}.toml", card.key.replace('/', "_"));
    let saved = edit_until_valid(&initial, &name, |file, text| {
        let spec = check(file, text, &card)?;
        if builtin { only_text_changed(file, text, &spec, &card).map(|()| spec) } else { Ok(spec) }
    })?;
    let Some(mut spec) = saved else {
        writeln!(out, "No changes to {}.", card.key)?;
        return Ok(());
    };
    crate::deck::import::strip_card(&mut spec);
    let area = spec.area.clone().unwrap_or_else(|| card.area.clone());
    let text =
        CardText { prompt: spec.prompt.clone(), answer: spec.answer.clone(), follow_ups: spec.follow_ups.clone() };
    let rewrite = if builtin { Rewrite::BuiltIn(&text) } else { Rewrite::InPlace { spec: &spec, area: &area } };
    let cleared = app.store.rewrite_card(&card, rewrite, app.now())?;
    writeln!(out, "Saved {}.", card.key)?;
    if builtin {
        writeln!(
            out,
            "Your rewrite shows instead of the built-in text, release after release (`grill edit {} --reset` undoes it).",
            card.key
        )?;
    }
    if cleared {
        writeln!(
            out,
            "It no longer counts as a leech; it will again if you forget it {} more times.",
            LEECH_LAPSES / 2
        )?;
    }
    Ok(())
}

/// `--reset`: the built-in text shows again.
fn reset(app: &App, card: &CardRow, builtin: bool, out: &mut dyn Write) -> Result<()> {
    if !builtin {
        bail!(
            "{} is not a built-in card: it was edited in place (import its deck's file again to restore it)",
            card.key
        );
    }
    if app.store.drop_edit(card.id)? {
        writeln!(out, "{}: your rewrite is gone; the built-in text shows again.", card.key)?;
    } else {
        writeln!(out, "{}: not rewritten, nothing to reset.", card.key)?;
    }
    Ok(())
}

/// The card as the deck format's entry.
fn spec_of(card: &CardRow) -> CardSpec {
    CardSpec {
        id: card.key.clone(),
        prompt: card.prompt.clone(),
        answer: card.answer.clone(),
        follow_ups: card.follow_ups.clone(),
        tags: card.tags.clone(),
        roles: card.roles.clone(),
        level: card.level.clone(),
        time_limit_secs: card.time_limit_secs,
        area: Some(card.area.clone()),
        example: card.example.clone().map(Box::new),
    }
}

/// The card as the deck format's `[[cards]]` entry, under a comment saying what to do.
pub fn render(card: &CardRow, builtin: bool) -> Result<String> {
    let body = toml::to_string(&OneCard { cards: [&spec_of(card)] })?;
    let what = if builtin {
        "A built-in card: rewrite its prompt, answer and follow_ups in your own words; the rest stays"
    } else {
        "Change anything but the id"
    };
    Ok(format!(
        "# grill edit: card {} of deck {:?}. {what}; save and quit.\n\
         # answer: the key points of a strong answer, one \"- \" line each. Optional: follow_ups,\n\
         # tags, roles, level (junior | mid | senior), time_limit_secs, area, [cards.example].\n\n{body}",
        card.key, card.deck
    ))
}

/// A built-in card's rewrite keeps everything but its texts: the release's own tags, roles,
/// level, time limit, area and example stay in force.
fn only_text_changed(file: &str, text: &str, spec: &CardSpec, card: &CardRow) -> Result<(), DeckError> {
    let original = spec_of(card);
    let changed = [
        ("tags", spec.tags != original.tags),
        ("roles", spec.roles != original.roles),
        ("level", spec.level != original.level),
        ("time_limit_secs", spec.time_limit_secs != original.time_limit_secs),
        ("area", spec.area.is_some() && spec.area != original.area),
        ("example", spec.example != original.example),
    ];
    match changed.iter().find(|(_, changed)| *changed) {
        Some((field, _)) => Err(DeckError {
            file: file.to_owned(),
            line: text.lines().position(|l| l.trim_start().starts_with(field)).map_or(0, |i| i + 1),
            field: (*field).to_owned(),
            message: "a built-in card keeps its own; only prompt, answer and follow_ups can be rewritten".into(),
        }),
        None => Ok(()),
    }
}

/// Parses the edited text with the deck parser and checks it is still this one card.
fn check(file: &str, text: &str, card: &CardRow) -> Result<CardSpec, DeckError> {
    // The [deck] table goes last so the line numbers in errors are the user's own.
    let deck = format!("{text}\n\n[deck]\nid = {:?}\nname = \"edit\"\narea = {:?}\n", card.deck, card.area);
    let parsed = parse_toml(file, &deck)?;
    let error = |field: &str, message: String| DeckError {
        file: file.to_owned(),
        line: text.lines().position(|l| l.trim_start().starts_with(field)).map_or(0, |i| i + 1),
        field: field.to_owned(),
        message,
    };
    let [spec] = <[CardSpec; 1]>::try_from(parsed.cards).map_err(|cards| {
        error("[[cards]]", format!("the file must hold exactly one [[cards]] entry, not {}", cards.len()))
    })?;
    if spec.id != card.key {
        return Err(error("id", format!("the id must stay {:?}: a card's history hangs on its id", card.key)));
    }
    if spec.area.as_deref().is_some_and(|a| a.trim().is_empty()) {
        return Err(error("area", "must not be empty".into()));
    }
    Ok(spec)
}
