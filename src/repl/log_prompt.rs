//! `grill log add` on a terminal: prompts for whatever the flags left out, then one question at
//! a time, and a confirmation. Works on any [`Input`], so it is tested with piped lines.

use std::io::Write;

use anyhow::Result;
use chrono::NaiveDate;

use crate::cli::LogAddArgs;
use crate::cycle::interview::{self, Filled, Format, Question, ROLE_TYPES};
use crate::repl::Input;
use crate::scheduler::Rating;

/// Asks for the missing parts; `None` when the user quits (Ctrl-D, Ctrl-C) or declines.
pub fn fill(
    args: &LogAddArgs,
    input: &mut dyn Input,
    out: &mut dyn Write,
    areas: &[String],
    today: NaiveDate,
) -> Result<Option<Filled>> {
    let Some(company) = ask(input, out, args.company.clone(), "Company: ", |t| {
        (!t.trim().is_empty()).then(|| t.trim().to_owned()).ok_or_else(|| "the company is needed".to_owned())
    })?
    else {
        return Ok(None);
    };
    let Some(on) = ask(input, out, args.on, &format!("Date (YYYY-MM-DD, Enter for {today}): "), |t| {
        if t.trim().is_empty() {
            return Ok(today);
        }
        let date: NaiveDate = t.trim().parse().map_err(|_| format!("{t:?} is not a date like {today}"))?;
        if date > today { Err(format!("{date} is in the future")) } else { Ok(date) }
    })?
    else {
        return Ok(None);
    };
    let Some(role) =
        ask(input, out, args.role.clone(), &format!("Role type ({}): ", ROLE_TYPES.join(", ")), interview::parse_role)?
    else {
        return Ok(None);
    };
    let formats: Vec<&str> = Format::ALL.iter().map(|f| f.token()).collect();
    let Some(format) = ask(input, out, args.format, &format!("Format ({}): ", formats.join(", ")), |t| t.parse())?
    else {
        return Ok(None);
    };
    let mut questions = interview::parse_questions("--question", &args.questions.join("\n"), areas)?;
    if questions.is_empty() {
        writeln!(out, "Every question you remember, one at a time (an empty question ends the list).")?;
        loop {
            match ask_question(input, out, areas, questions.len() + 1)? {
                Step::Question(q) => questions.push(q),
                Step::Done if questions.is_empty() => writeln!(out, "At least one question, please.")?,
                Step::Done => break,
                Step::Quit => return Ok(None),
            }
        }
    }
    let filled = Filled { company, on, role, format, questions };
    let n = filled.questions.len();
    let prompt =
        format!("Log {} ({}) with {n} question{}? [Y/n] ", filled.company, filled.on, if n == 1 { "" } else { "s" });
    let confirm = input.read_line(&prompt)?;
    Ok(match confirm {
        Some(answer) if !answer.trim().to_ascii_lowercase().starts_with('n') => Some(filled),
        _ => None,
    })
}

enum Step {
    Question(Question),
    Done,
    Quit,
}

fn ask_question(input: &mut dyn Input, out: &mut dyn Write, areas: &[String], n: usize) -> Result<Step> {
    let Some(text) = input.read_line(&format!("Question {n}: "))? else { return Ok(Step::Quit) };
    if text.trim().is_empty() {
        return Ok(Step::Done);
    }
    let Some(area) = ask(input, out, None, &format!("  Area ({}): ", areas.join(", ")), |t| {
        let area = t.trim().to_ascii_lowercase();
        if areas.contains(&area) { Ok(area) } else { Err(format!("{t:?} is not an area")) }
    })?
    else {
        return Ok(Step::Quit);
    };
    let Some(tags) = input.read_line("  Tags (comma-separated, Enter for none): ")? else { return Ok(Step::Quit) };
    let tags = tags.split(',').map(|t| t.trim().to_ascii_lowercase()).filter(|t| !t.is_empty()).collect();
    let Some(rating) = ask(input, out, None, "  How did it go? 1 again · 2 hard · 3 good · 4 easy: ", |t| {
        Rating::parse(t).ok_or_else(|| format!("{t:?} is not a rating"))
    })?
    else {
        return Ok(Step::Quit);
    };
    Ok(Step::Question(Question { area, tags, rating, text: text.trim().to_owned() }))
}

/// `given` if present, else asks until `parse` accepts the answer; `None` when input ends.
fn ask<T>(
    input: &mut dyn Input,
    out: &mut dyn Write,
    given: Option<T>,
    prompt: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Option<T>> {
    if given.is_some() {
        return Ok(given);
    }
    loop {
        let Some(line) = input.read_line(prompt)? else { return Ok(None) };
        match parse(&line) {
            Ok(value) => return Ok(Some(value)),
            Err(message) => writeln!(out, "  {message}")?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repl::Piped;

    fn run(lines: &str, args: &LogAddArgs) -> (Option<Filled>, String) {
        let mut input = Piped::new(lines.as_bytes());
        let mut out = Vec::new();
        let areas = vec!["python".to_owned(), "sql".to_owned()];
        let filled = fill(args, &mut input, &mut out, &areas, "2026-03-02".parse().unwrap()).unwrap();
        (filled, String::from_utf8(out).unwrap())
    }

    #[test]
    fn prompts_collect_an_interview_and_its_questions() {
        let lines = "Acme\n\nproduct\nlive coding\nHow do indexes work?\nsql\nindexes, Btree\n2\nWhat is the GIL?\npython\n\ngood\n\ny\n";
        let (filled, _) = run(lines, &LogAddArgs::default());
        let filled = filled.expect("logged");
        assert_eq!((filled.company.as_str(), filled.on.to_string().as_str()), ("Acme", "2026-03-02"));
        assert_eq!((filled.role.as_str(), filled.format), ("product", Format::LiveCoding));
        assert_eq!(filled.questions.len(), 2);
        assert_eq!(filled.questions[0].tags, vec!["indexes", "btree"]);
        assert_eq!(filled.questions[0].rating, Rating::Hard);
        assert_eq!(filled.questions[1].rating, Rating::Good);
    }

    #[test]
    fn bad_answers_are_asked_again_with_the_reason() {
        let lines = "Acme\n2099-01-01\n2026-02-20\nbackend\ndata\npanel\nmixed\nQ?\ngo\nsql\n\n7\n1\n\ny\n";
        let (filled, out) = run(lines, &LogAddArgs::default());
        let filled = filled.expect("logged");
        assert_eq!(filled.on.to_string(), "2026-02-20");
        assert_eq!((filled.role.as_str(), filled.format), ("data", Format::Mixed));
        assert_eq!(filled.questions[0].area, "sql");
        for reason in [
            "2099-01-01 is in the future",
            "\"backend\" is not a role type",
            "\"panel\" is not a format",
            "\"go\" is not an area",
            "\"7\" is not a rating",
        ] {
            assert!(out.contains(reason), "{reason} missing from:\n{out}");
        }
    }

    #[test]
    fn flags_skip_their_prompts() {
        let args = LogAddArgs {
            company: Some("Globex".into()),
            role: Some("platform".into()),
            format: Some(Format::TakeHome),
            ..LogAddArgs::default()
        };
        let (filled, _) = run("\nQ?\nsql\n\n3\n\n\n", &args);
        let filled = filled.expect("logged");
        assert_eq!((filled.company.as_str(), filled.format), ("Globex", Format::TakeHome));
    }

    #[test]
    fn declining_or_ending_the_input_logs_nothing() {
        assert_eq!(run("Acme\n\nproduct\nmixed\nQ?\nsql\n\n3\n\nn\n", &LogAddArgs::default()).0, None);
        assert_eq!(run("Acme\n\nproduct\n", &LogAddArgs::default()).0, None);
    }
}
