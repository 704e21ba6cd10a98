//! `grill edit CARD`: one card's TOML in $EDITOR, checked with the deck parser, saved in one
//! statement. The id cannot change: a card's history hangs on it.

use anyhow::{Result, bail};
use serde::Serialize;

use super::editor::edit_until_valid;
use crate::app::App;
use crate::cli::CardIdArgs;
use crate::deck::{CardSpec, DeckError, parse_toml};
use crate::store::CardRow;

#[derive(Serialize)]
struct OneCard<'a> {
    cards: [&'a CardSpec; 1],
}

/// Opens the card in the editor and saves the result.
pub fn run(app: &App, args: &CardIdArgs) -> Result<()> {
    let card = app.store.card_by_key(&args.card)?;
    if app.store.deck_source(&card.deck)?.as_deref() == Some("builtin") {
        bail!(
            "{} is a built-in card: grill updates it with each release, which would undo an edit. \
             Copy it into a deck of your own instead.",
            card.key
        );
    }
    let initial = render(&card)?;
    let name = format!("{}.toml", card.key.replace('/', "_"));
    let saved = edit_until_valid(&initial, &name, |file, text| check(file, text, &card))?;
    let Some(spec) = saved else {
        println!("No changes to {}.", card.key);
        return Ok(());
    };
    let area = spec.area.clone().unwrap_or_else(|| card.area.clone());
    app.store.update_card(card.id, &spec, &area, app.now())?;
    println!("Saved {}.", card.key);
    Ok(())
}

/// The card as the deck format's `[[cards]]` entry, under a comment saying what to do.
pub fn render(card: &CardRow) -> Result<String> {
    let spec = CardSpec {
        id: card.key.clone(),
        prompt: card.prompt.clone(),
        answer: card.answer.clone(),
        follow_ups: card.follow_ups.clone(),
        tags: card.tags.clone(),
        roles: card.roles.clone(),
        level: card.level.clone(),
        time_limit_secs: card.time_limit_secs,
        area: Some(card.area.clone()),
        example: card.example.clone(),
    };
    let body = toml::to_string(&OneCard { cards: [&spec] })?;
    Ok(format!(
        "# grill edit: card {} of deck {:?}. Change anything but the id, save and quit.\n\
         # answer: the key points of a strong answer, one \"- \" line each. Optional: follow_ups,\n\
         # tags, roles, level (junior | mid | senior), time_limit_secs, area, [cards.example].\n\n{body}",
        card.key, card.deck
    ))
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
