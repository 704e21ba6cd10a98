//! CSV and TSV decks: a header row naming the columns, or Anki's "Notes in Plain Text" export
//! (`#separator:`, `#html:`, `#tags column:` header lines, columns by position).

use std::collections::HashMap;

use super::import::{
    ANKI_TEXT_HEADERS, ImportOptions, Parsed, deck_id_for_file, guess_area, hashed_key, namespaced_key, validate,
};
use super::{CardSpec, Deck, DeckError, DeckInfo, Example, html};

/// The columns of grill's own CSV, in the order `grill export` writes them.
pub const COLUMNS: [&str; 11] =
    ["deck", "id", "prompt", "answer", "tags", "area", "follow_ups", "roles", "level", "time_limit_secs", "example"];

/// Anki's plain-text header lines (`#key:value`) that matter here.
#[derive(Debug, Default)]
struct AnkiHeader {
    separator: Option<u8>,
    html: bool,
    /// 0-based column indexes.
    tags: Option<usize>,
    guid: Option<usize>,
    notetype: Option<usize>,
    deck_column: Option<usize>,
    deck: Option<String>,
    /// Header lines read (data starts after them).
    lines: usize,
}

/// Parses `text` (the contents of `file`) as CSV or TSV.
pub fn parse(file: &str, text: &str, options: &ImportOptions) -> Result<Parsed, DeckError> {
    let mut all = Parsed::default();
    parse_in_batches(file, text, options, usize::MAX, &mut |parsed| {
        all = parsed;
        Ok(())
    })?;
    Ok(all)
}

/// Parses `text` as CSV or TSV, passing every `batch` cards to `emit` as soon as they are
/// read (and what is left at the end, possibly nothing), so they can be written while the
/// rest is read. Each batch holds the decks with cards in it, in the order the file first
/// names them; a card id used twice in the file is refused whichever batches hold the two.
pub fn parse_in_batches(
    file: &str,
    text: &str,
    options: &ImportOptions,
    batch: usize,
    emit: &mut dyn FnMut(Parsed) -> Result<(), DeckError>,
) -> Result<(), DeckError> {
    let header = anki_header(file, text)?;
    let body = text.splitn(header.lines + 1, '\n').nth(header.lines).unwrap_or("");
    let delimiter = header.separator.unwrap_or_else(|| sniff_delimiter(file, body));
    // Before the csv reader: it holds a whole row (a 50 MB line of commas is 50 million field
    // bounds, a gigabyte) before a cap on its fields could look at it.
    match scan_rows(body.as_bytes(), delimiter) {
        Err(RowFault::Unterminated { opened }) => {
            let message = "unterminated quote: a value opened with \" here never closes".to_owned();
            return Err(err(file, opened + header.lines, "row", message));
        }
        Err(RowFault::TooWide { line, fields }) => {
            let message = format!("{fields} fields in one row; a row has at most {MAX_FIELDS}");
            return Err(err(file, line + header.lines, "row", message));
        }
        Ok(()) => {}
    }
    let reader =
        ::csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(body.as_bytes());
    // Record by record: each row becomes a card before the next is read, so the file's text is
    // never held a second time as rows.
    let rows = reader.into_records().map(|record| {
        let record = record.map_err(|e| csv_error(file, header.lines, &e))?;
        let line = record.position().map_or(0, |p| p.line() as usize) + header.lines;
        // Checked before the fields are copied: a 50 MB line of commas is 50 million fields.
        if record.len() > MAX_FIELDS {
            let message = format!("{} fields in one row; a row has at most {MAX_FIELDS}", record.len());
            return Err(err(file, line, "row", message));
        }
        Ok((line, record.iter().map(str::to_owned).collect::<Vec<_>>()))
    });
    let default_deck = options.deck.clone().unwrap_or_else(|| deck_id_for_file(file));
    let mut builder = Builder::new(default_deck, header.deck.clone(), batch, emit);
    if header.lines > 0 {
        anki_rows(file, &header, rows, &mut builder)?;
    } else {
        grill_rows(file, rows, &mut builder)?;
    }
    builder.emit(file)
}

/// Collects cards into decks in first-seen order, remembers each card's line, and hands the
/// cards on every `batch` of them.
struct Builder<'e> {
    default_deck: String,
    default_name: Option<String>,
    decks: Vec<Deck>,
    lines: HashMap<String, usize>,
    batch: usize,
    held: usize,
    emit: &'e mut dyn FnMut(Parsed) -> Result<(), DeckError>,
}

impl<'e> Builder<'e> {
    fn new(
        default_deck: String,
        default_name: Option<String>,
        batch: usize,
        emit: &'e mut dyn FnMut(Parsed) -> Result<(), DeckError>,
    ) -> Self {
        Builder { default_deck, default_name, decks: Vec::new(), lines: HashMap::new(), batch, held: 0, emit }
    }

    /// Adds a card read on `line`; `field` is the column its id comes from.
    fn push(
        &mut self,
        (file, field, line): (&str, &str, usize),
        deck_id: &str,
        deck_name: &str,
        card: CardSpec,
    ) -> Result<(), DeckError> {
        if let Some(first) = self.lines.insert(card.id.clone(), line) {
            return Err(err(file, line, field, format!("card id {:?} was already used on line {first}", card.id)));
        }
        let index = match self.decks.iter().position(|d| d.deck.id == deck_id) {
            Some(i) => i,
            None => {
                self.decks.push(Deck {
                    deck: DeckInfo {
                        id: deck_id.to_owned(),
                        name: deck_name.to_owned(),
                        area: guess_area(deck_name),
                        description: String::new(),
                    },
                    cards: Vec::new(),
                });
                self.decks.len() - 1
            }
        };
        self.decks[index].cards.push(card);
        self.held += 1;
        if self.held >= self.batch {
            self.emit(file)?;
        }
        Ok(())
    }

    /// Hands on the cards held, checked, in decks that keep their first-seen order.
    fn emit(&mut self, file: &str) -> Result<(), DeckError> {
        let decks = self
            .decks
            .iter_mut()
            .filter(|d| !d.cards.is_empty())
            .map(|d| Deck { deck: d.deck.clone(), cards: std::mem::take(&mut d.cards) })
            .collect();
        self.held = 0;
        let parsed = Parsed { decks, ..Parsed::default() };
        validate(file, &parsed, &self.lines)?;
        (self.emit)(parsed)
    }
}

/// One row read: its line and its values.
type Row = Result<(usize, Vec<String>), DeckError>;

/// Rows under a header row that names the columns.
fn grill_rows(file: &str, mut rows: impl Iterator<Item = Row>, out: &mut Builder) -> Result<(), DeckError> {
    let Some((header_line, names)) = rows.next().transpose()? else {
        return Err(err(file, 1, "header", "the file is empty; the first row must name the columns".into()));
    };
    let columns: Vec<&'static str> = names
        .iter()
        .map(|name| column(name.trim()).ok_or_else(|| unknown_column(file, header_line, name)))
        .collect::<Result<_, _>>()?;
    for needed in ["prompt", "answer"] {
        if !columns.contains(&needed) {
            let message = format!("no {needed:?} column (the first row must name the columns: {})", COLUMNS.join(", "));
            return Err(err(file, header_line, "header", message));
        }
    }
    for row in rows {
        let (line, values) = row?;
        if values.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        if values.iter().skip(columns.len()).any(|v| !v.trim().is_empty()) {
            let message = format!(
                "{} values but the header names {} columns; quote values holding commas",
                values.len(),
                columns.len()
            );
            return Err(err(file, line, "row", message));
        }
        let get = |name: &str| columns.iter().position(|c| *c == name).and_then(|i| values.get(i)).map(|s| s.trim());
        let deck_id = get("deck").filter(|d| !d.is_empty()).unwrap_or(&out.default_deck).to_owned();
        let prompt = get("prompt").unwrap_or_default().to_owned();
        let id = match get("id").filter(|id| !id.is_empty()) {
            Some(id) => namespaced_key(&deck_id, id),
            None => hashed_key(&deck_id, &prompt),
        };
        let example = match get("example").filter(|e| !e.is_empty()) {
            Some(json) => Some(
                serde_json::from_str::<Example>(json)
                    .map_err(|e| err(file, line, "example", format!("not a JSON example object ({e})")))?,
            ),
            None => None,
        };
        let time_limit_secs = match get("time_limit_secs").filter(|t| !t.is_empty()) {
            Some(t) => Some(
                t.parse().map_err(|_| err(file, line, "time_limit_secs", format!("{t:?} is not a whole number")))?,
            ),
            None => None,
        };
        let card = CardSpec {
            id,
            prompt,
            answer: get("answer").unwrap_or_default().to_owned(),
            follow_ups: lines_of(get("follow_ups")),
            tags: words_of(get("tags")),
            roles: words_of(get("roles")),
            level: get("level").filter(|l| !l.is_empty()).map(str::to_owned),
            time_limit_secs,
            area: get("area").filter(|a| !a.is_empty()).map(str::to_owned),
            example: example.map(Box::new),
        };
        let name = out.default_name.clone().unwrap_or_else(|| deck_id.clone());
        out.push((file, "id", line), &deck_id, &name, card)?;
    }
    Ok(())
}

/// Rows of Anki's plain-text export: fields by position, HTML when `#html:true`.
fn anki_rows(
    file: &str,
    header: &AnkiHeader,
    rows: impl Iterator<Item = Row>,
    out: &mut Builder,
) -> Result<(), DeckError> {
    let special = [header.tags, header.guid, header.notetype, header.deck_column];
    let text = |s: &str| if header.html { html::to_text(s) } else { s.to_owned() };
    for row in rows {
        let (line, values) = row?;
        let fields: Vec<String> =
            values.iter().enumerate().filter(|(i, _)| !special.contains(&Some(*i))).map(|(_, v)| text(v)).collect();
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let anki_deck = header.deck_column.and_then(|i| values.get(i)).filter(|d| !d.is_empty());
        let (deck_id, name) = match anki_deck {
            Some(name) => (super::anki::deck_id(name), name.replace("\u{1f}", "::")),
            None => (out.default_deck.clone(), out.default_name.clone().unwrap_or_else(|| out.default_deck.clone())),
        };
        let prompt = fields.first().cloned().unwrap_or_default();
        let answer = fields.iter().skip(1).map(|f| f.trim()).filter(|f| !f.is_empty()).collect::<Vec<_>>().join("\n\n");
        let id = match header.guid.and_then(|i| values.get(i)).filter(|g| !g.is_empty()) {
            Some(guid) => format!("anki:{guid}:0"),
            None => hashed_key(&deck_id, &prompt),
        };
        let tags = header.tags.and_then(|i| values.get(i)).map(|t| words_of(Some(t))).unwrap_or_default();
        let card = CardSpec { id, prompt, answer, tags, ..super::import::blank_card() };
        out.push((file, "guid", line), &deck_id, &name, card)?;
    }
    Ok(())
}

/// Reads the `#key:value` lines at the top of an Anki plain-text export.
fn anki_header(file: &str, text: &str) -> Result<AnkiHeader, DeckError> {
    let mut header = AnkiHeader::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_start_matches('\u{feff}').trim_end_matches('\r');
        if !ANKI_TEXT_HEADERS.iter().any(|h| line.starts_with(h)) {
            break;
        }
        header.lines = i + 1;
        let (key, value) = line[1..].split_once(':').unwrap_or((line, ""));
        let column = |value: &str| {
            value
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .map(|n| n - 1)
                .ok_or_else(|| err(file, i + 1, key, format!("{value:?} is not a column number (1, 2, ...)")))
        };
        match key {
            "separator" => header.separator = Some(separator(file, i + 1, value)?),
            "html" => header.html = value.trim().eq_ignore_ascii_case("true"),
            "tags column" => header.tags = Some(column(value)?),
            "guid column" => header.guid = Some(column(value)?),
            "notetype column" => header.notetype = Some(column(value)?),
            "deck column" => header.deck_column = Some(column(value)?),
            "deck" => header.deck = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    Ok(header)
}

fn separator(file: &str, line: usize, value: &str) -> Result<u8, DeckError> {
    Ok(match value.trim().to_ascii_lowercase().as_str() {
        "tab" => b'\t',
        "comma" => b',',
        "semicolon" => b';',
        "space" => b' ',
        "pipe" => b'|',
        "colon" => b':',
        s if s.len() == 1 => s.as_bytes()[0],
        _ => return Err(err(file, line, "separator", format!("unknown separator {value:?}"))),
    })
}

/// Tab for `.tsv` files and for a first line with tabs but no commas; else comma.
fn sniff_delimiter(file: &str, body: &str) -> u8 {
    let first = body.lines().next().unwrap_or("");
    if file.to_ascii_lowercase().ends_with(".tsv") || (first.contains('\t') && !first.contains(',')) {
        b'\t'
    } else {
        b','
    }
}

/// The canonical name of a header column (a few common synonyms accepted).
fn column(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase().replace([' ', '-'], "_");
    let canonical = match lower.as_str() {
        "question" | "front" => "prompt",
        "back" | "key_points" => "answer",
        "follow_up" | "followups" => "follow_ups",
        other => other,
    };
    COLUMNS.iter().copied().find(|c| *c == canonical)
}

/// What [`scan_rows`] refuses a file for.
enum RowFault {
    /// A quoted value opened on line `opened` never closes.
    Unterminated { opened: usize },
    /// The row starting on `line` has `fields` fields, over [`MAX_FIELDS`].
    TooWide { line: usize, fields: usize },
}

/// The most fields a row may have: grill knows 11 columns, Anki exports a few more.
const MAX_FIELDS: usize = 64;

fn unknown_column(file: &str, line: usize, name: &str) -> DeckError {
    err(file, line, "header", format!("unknown column {name:?} (known: {})", COLUMNS.join(", ")))
}

/// Tags and roles: separated by spaces or commas, as Anki and spreadsheets write them.
fn words_of(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split([' ', ',', '\n'])
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Follow-up questions: one per line.
fn lines_of(value: Option<&str>) -> Vec<String> {
    value.unwrap_or_default().lines().map(str::trim).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// Reads `body` the way the csv crate reads it (a quote opens a value only at its start, `""`
/// inside it is one quote; delimiters and newlines inside quotes belong to the value) and
/// refuses two things before the crate sees them: a quoted value that never closes (the crate
/// takes the rest of the file into it, which surfaces as a confusing error), with the 1-based
/// line of `body` where it opened; and a row of more than [`MAX_FIELDS`] fields, with the line
/// it starts on. No allocation: a hostile 50 MB row costs one pass over its bytes.
fn scan_rows(body: &[u8], delimiter: u8) -> Result<(), RowFault> {
    let (mut line, mut opened) = (1, 0);
    let (mut in_quotes, mut field_start) = (false, true);
    // The row being scanned: where it started and how many fields it has so far.
    let (mut row_line, mut fields) = (1, 1usize);
    let mut i = 0;
    while i < body.len() {
        let b = body[i];
        if in_quotes {
            if b == b'"' {
                if body.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    in_quotes = false;
                }
            }
        } else if b == b'"' && field_start {
            in_quotes = true;
            opened = line;
        } else if b == delimiter {
            fields += 1;
        } else if b == b'\n' {
            if fields > MAX_FIELDS {
                return Err(RowFault::TooWide { line: row_line, fields });
            }
            (row_line, fields) = (line + 1, 1);
        }
        field_start = !in_quotes && (b == delimiter || b == b'\n' || b == b'\r');
        if b == b'\n' {
            line += 1;
        }
        i += 1;
    }
    if in_quotes {
        return Err(RowFault::Unterminated { opened });
    }
    if fields > MAX_FIELDS {
        return Err(RowFault::TooWide { line: row_line, fields });
    }
    Ok(())
}

fn csv_error(file: &str, offset: usize, e: &::csv::Error) -> DeckError {
    let line = e.position().map_or(0, |p| p.line() as usize) + offset;
    let message = match e.kind() {
        ::csv::ErrorKind::Utf8 { .. } => "not valid UTF-8; save the file as UTF-8".to_owned(),
        _ => e.to_string(),
    };
    err(file, line, "row", message)
}

fn err(file: &str, line: usize, field: &str, message: String) -> DeckError {
    DeckError { file: file.to_owned(), line, field: field.to_owned(), message }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_default(file: &str, text: &str) -> Result<Parsed, DeckError> {
        parse(file, text, &ImportOptions::default())
    }

    #[test]
    fn an_unterminated_quote_names_the_line_it_opened_on() {
        let opened = |body: &[u8]| match scan_rows(body, b',') {
            Err(RowFault::Unterminated { opened }) => Some(opened),
            _ => None,
        };
        assert_eq!(opened(b"a,b\nq1,\"x \"\"y\"\" z\",a\n"), None);
        assert_eq!(opened(b"a,b\nq1,5\" screen,a\n"), None);
        assert_eq!(opened(b"a,b\nq1,p,a\nq2,\"open,a\nq3,p,a\n"), Some(3));
        let e = parse_default("d.csv", "id,prompt,answer\nq1,p,a\nq2,\"open,a\nq3,p,a\n").unwrap_err();
        assert_eq!((e.line, e.message.starts_with("unterminated quote")), (3, true), "{e}");
    }

    #[test]
    fn a_row_with_too_many_fields_is_refused_before_it_is_read_but_quoted_commas_do_not_count() {
        let wide = format!("id,prompt,answer\nq1,p,a\nq2,{}a\n", ",".repeat(100));
        let e = parse_default("w.csv", &wide).unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (3, "102 fields in one row; a row has at most 64"), "{e}");
        let quoted = format!("id,prompt,answer\nq1,\"{}\",a\n", ",".repeat(100));
        assert_eq!(parse_default("q.csv", &quoted).unwrap().decks[0].cards.len(), 1);
    }

    #[test]
    fn a_header_row_names_the_columns_and_quoted_fields_keep_newlines_and_commas() {
        let text = "id,prompt,answer,tags,follow_ups\n\
                    q1,\"What is a join, really?\",\"- rows from two tables\n- matched on a key\",sql joins,\"Why?\nHow?\"\n";
        let parsed = parse_default("team.csv", text).unwrap();
        let deck = &parsed.decks[0];
        assert_eq!(deck.deck.id, "team");
        let card = &deck.cards[0];
        assert_eq!(card.id, "team/q1");
        assert_eq!(card.prompt, "What is a join, really?");
        assert_eq!(card.answer, "- rows from two tables\n- matched on a key");
        assert_eq!(card.tags, ["sql", "joins"]);
        assert_eq!(card.follow_ups, ["Why?", "How?"]);
    }

    #[test]
    fn rows_without_an_id_get_a_hash_of_deck_and_prompt() {
        let parsed = parse_default("n.tsv", "prompt\tanswer\nWhy?\tBecause.\n").unwrap();
        assert_eq!(parsed.decks[0].cards[0].id, hashed_key("n", "Why?"));
    }

    #[test]
    fn a_missing_answer_column_is_an_error_on_line_1() {
        let e = parse_default("n.csv", "prompt,notes\nA,B\n").unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (1, "header"));
        assert!(e.message.contains("notes"), "{e}");
    }

    #[test]
    fn an_empty_answer_names_its_line_and_field() {
        let e = parse_default("n.csv", "prompt,answer\nA,B\n\"multi\nline\",\n").unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (3, "answer"));
    }

    #[test]
    fn duplicate_prompts_without_ids_name_both_lines() {
        let e = parse_default("n.csv", "prompt,answer\nA,B\nA,C\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("line 2"), "{e}");
    }

    #[test]
    fn anki_plain_text_exports_are_read_by_position() {
        let text = "#separator:tab\n#html:true\n#guid column:1\n#deck column:2\n#tags column:5\n\
                    aB3:x\tInterview::SQL\tWhat is <b>MVCC</b>?\tVersions&nbsp;of rows<br>per snapshot\tsql db\n";
        let parsed = parse_default("notes.txt", text).unwrap();
        let deck = &parsed.decks[0];
        assert_eq!(deck.deck.id, "anki-interview-sql");
        assert_eq!(deck.deck.area, "sql");
        let card = &deck.cards[0];
        assert_eq!(card.id, "anki:aB3:x:0");
        assert_eq!(card.prompt, "What is MVCC?");
        assert_eq!(card.answer, "Versions of rows\nper snapshot");
        assert_eq!(card.tags, ["sql", "db"]);
    }

    #[test]
    fn a_bad_example_column_names_line_and_field() {
        let e = parse_default("n.csv", "prompt,answer,example\nA,B,{oops\n").unwrap_err();
        assert_eq!((e.line, e.field.as_str()), (2, "example"));
    }
}
