//! Anki's card templates, rendered to HTML the way Anki shows a card: `{{Field}}`, filters
//! (`{{text:F}}`, `{{cloze:F}}`, `{{hint:F}}`, `{{type:F}}`), conditional sections
//! (`{{#F}}...{{/F}}`, `{{^F}}...{{/F}}`) and cloze deletions (`{{c1::text::hint}}`).

use std::collections::HashMap;

/// Which side of the card is being rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Question,
    Answer,
}

/// Renders `template` with `fields`; `cloze` is the cloze number this card asks about (1-based).
pub fn render(template: &str, fields: &HashMap<&str, &str>, cloze: u32, side: Side) -> String {
    let tokens = tokenize(template);
    let mut out = String::new();
    render_tokens(&tokens, fields, cloze, side, &mut out);
    out
}

/// The answer part of a rendered back side: what follows `<hr id=answer>` when the template has
/// it (the front is shown by grill as the prompt already).
pub fn answer_part(html: &str) -> &str {
    let lower = html.to_ascii_lowercase();
    for marker in ["<hr id=answer>", "<hr id=\"answer\">", "<hr id='answer'>"] {
        if let Some(at) = lower.find(marker) {
            return &html[at + marker.len()..];
        }
    }
    html
}

#[derive(Debug, Clone, PartialEq)]
enum Token<'a> {
    Text(&'a str),
    Field(&'a str),
    Open { name: &'a str, negated: bool },
    Close(&'a str),
}

fn tokenize(template: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else { break };
        if start > 0 {
            tokens.push(Token::Text(&rest[..start]));
        }
        let inner = rest[start + 2..start + 2 + len].trim();
        tokens.push(match inner.as_bytes().first() {
            Some(b'#') => Token::Open { name: inner[1..].trim(), negated: false },
            Some(b'^') => Token::Open { name: inner[1..].trim(), negated: true },
            Some(b'/') => Token::Close(inner[1..].trim()),
            _ => Token::Field(inner),
        });
        rest = &rest[start + 2 + len + 2..];
    }
    if !rest.is_empty() {
        tokens.push(Token::Text(rest));
    }
    tokens
}

fn render_tokens(tokens: &[Token], fields: &HashMap<&str, &str>, cloze: u32, side: Side, out: &mut String) {
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            Token::Text(text) => out.push_str(text),
            Token::Field(spec) => out.push_str(&field(spec, fields, cloze, side)),
            Token::Open { name, negated } => {
                let end = matching_close(tokens, i, name);
                let filled = fields.get(name).is_some_and(|v| !super::super::html::to_text(v).trim().is_empty());
                if filled != *negated {
                    render_tokens(&tokens[i + 1..end], fields, cloze, side, out);
                }
                i = end;
            }
            Token::Close(_) => {}
        }
        i += 1;
    }
}

/// The index of the `{{/name}}` closing the section opened at `open` (the end when unclosed).
fn matching_close(tokens: &[Token], open: usize, name: &str) -> usize {
    let mut depth = 0;
    for (i, token) in tokens.iter().enumerate().skip(open + 1) {
        match token {
            Token::Open { name: n, .. } if *n == name => depth += 1,
            Token::Close(n) if *n == name && depth == 0 => return i,
            Token::Close(n) if *n == name => depth -= 1,
            _ => {}
        }
    }
    tokens.len()
}

/// One `{{filter:filter:Field}}` replacement.
fn field(spec: &str, fields: &HashMap<&str, &str>, cloze: u32, side: Side) -> String {
    let mut parts: Vec<&str> = spec.split(':').collect();
    let name = parts.pop().unwrap_or_default().trim();
    let value = fields.get(name).copied().unwrap_or_default();
    if parts.iter().any(|f| f.trim() == "type" || f.trim().starts_with("tts")) {
        // A typing box or text-to-speech: nothing to show in a terminal.
        return String::new();
    }
    if parts.iter().any(|f| f.trim() == "cloze") {
        return render_cloze(value, cloze, side);
    }
    value.to_owned()
}

/// The cloze deletions of `text` for card `number`: on the question the asked deletion is
/// `[...]` (or `[hint]`) and the others show their text; on the answer it shows as `[text]`.
pub fn render_cloze(text: &str, number: u32, side: Side) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some((before, n, inner, after)) = next_cloze(rest) {
        out.push_str(before);
        let (content, hint) = split_hint(inner);
        let content = render_cloze(content, number, side);
        if n == number {
            match side {
                Side::Question => out.push_str(&format!("[{}]", hint.unwrap_or("..."))),
                Side::Answer => out.push_str(&format!("[{content}]")),
            }
        } else {
            out.push_str(&content);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Finds the next `{{cN::...}}`: (text before, N, inside, text after). Nested deletions are
/// kept inside.
fn next_cloze(text: &str) -> Option<(&str, u32, &str, &str)> {
    let mut from = 0;
    loop {
        let start = from + text[from..].find("{{c")?;
        let digits: String = text[start + 3..].chars().take_while(char::is_ascii_digit).collect();
        let body = start + 3 + digits.len();
        if digits.is_empty() || !text[body..].starts_with("::") {
            from = start + 3;
            continue;
        }
        let inner_start = body + 2;
        let mut depth = 0;
        let mut i = inner_start;
        while i < text.len() {
            if text[i..].starts_with("{{") {
                depth += 1;
                i += 2;
            } else if text[i..].starts_with("}}") {
                if depth == 0 {
                    let n = digits.parse().unwrap_or(0);
                    return Some((&text[..start], n, &text[inner_start..i], &text[i + 2..]));
                }
                depth -= 1;
                i += 2;
            } else {
                i += text[i..].chars().next().map_or(1, char::len_utf8);
            }
        }
        return None;
    }
}

/// `text::hint` -> (text, hint), with `::` inside nested deletions left alone.
fn split_hint(inner: &str) -> (&str, Option<&str>) {
    let mut depth = 0i32;
    let mut last = None;
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        match &bytes[i..i + 2] {
            b"{{" => {
                depth += 1;
                i += 2;
                continue;
            }
            b"}}" => {
                depth -= 1;
                i += 2;
                continue;
            }
            b"::" if depth == 0 => last = Some(i),
            _ => {}
        }
        i += 1;
    }
    match last {
        Some(at) => (&inner[..at], Some(&inner[at + 2..])),
        None => (inner, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields<'a>(pairs: &[(&'a str, &'a str)]) -> HashMap<&'a str, &'a str> {
        pairs.iter().copied().collect()
    }

    #[test]
    fn basic_templates_substitute_fields_and_the_answer_follows_the_rule() {
        let f = fields(&[("Front", "Q"), ("Back", "A"), ("FrontSide", "")]);
        assert_eq!(render("{{Front}}", &f, 1, Side::Question), "Q");
        let back = render("{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}", &f, 1, Side::Answer);
        assert_eq!(answer_part(&back).trim(), "A");
    }

    #[test]
    fn sections_show_only_when_their_field_is_filled() {
        let f = fields(&[("A", "x"), ("B", "")]);
        assert_eq!(render("{{#A}}a={{A}}{{/A}}{{#B}}b{{/B}}{{^B}}no b{{/B}}", &f, 1, Side::Question), "a=xno b");
    }

    #[test]
    fn cloze_hides_the_asked_deletion_and_reveals_it_on_the_answer() {
        let text = "S is {{c1::Situation}} and R is {{c2::Result::the end}}";
        assert_eq!(render_cloze(text, 1, Side::Question), "S is [...] and R is Result");
        assert_eq!(render_cloze(text, 2, Side::Question), "S is Situation and R is [the end]");
        assert_eq!(render_cloze(text, 2, Side::Answer), "S is Situation and R is [Result]");
    }

    #[test]
    fn nested_clozes_render_inside_out() {
        let text = "{{c1::outer {{c2::inner}} text}}";
        assert_eq!(render_cloze(text, 2, Side::Question), "outer [...] text");
        assert_eq!(render_cloze(text, 1, Side::Answer), "[outer inner text]");
    }

    #[test]
    fn type_boxes_vanish() {
        let f = fields(&[("Back", "A")]);
        assert_eq!(render("x{{type:Back}}y", &f, 1, Side::Question), "xy");
    }
}
