//! `grill gaps`: where interviews keep going badly, and the cards that close each gap.

use std::io::Write;

use anyhow::Result;

use crate::app::{App, Ui};
use crate::cli::GapsArgs;
use crate::cycle::gaps::{self, Gap};
use crate::render::safe_line;

/// Prints the gaps (or JSON).
pub fn run(app: &App, args: &GapsArgs, out: &mut Ui) -> Result<()> {
    let gaps = crate::app::queries::gaps(app)?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&gaps)?)?;
        return Ok(());
    }
    let interviews = app.store.interviews()?.len();
    if gaps.is_empty() {
        writeln!(
            out,
            "No recurring gaps in {interviews} logged interview{}. A gap is an area or tag answered again/hard in {} or \
             more interviews, or answered much worse in interviews than in the drill.",
            if interviews == 1 { "" } else { "s" },
            gaps::MIN_INTERVIEWS
        )?;
        return Ok(());
    }
    writeln!(out, "The same gaps keep appearing ({} in {interviews} logged interviews):", gaps.len())?;
    for gap in &gaps {
        print_gap(out, gap)?;
    }
    let n = gaps::gap_card_keys(&gaps).len();
    writeln!(out, "\n`grill cram --gaps` drills these {n} cards.")?;
    Ok(())
}

fn print_gap(out: &mut dyn Write, gap: &Gap) -> Result<()> {
    writeln!(out, "\n{}", safe_line(&gap.subject.label()))?;
    if gap.recurring {
        let list: Vec<String> =
            gap.bad_interviews.iter().map(|i| format!("{} {}", safe_line(&i.company), i.held_on)).collect();
        writeln!(out, "  again/hard in {} interviews: {}", gap.bad_interviews.len(), list.join(", "))?;
    }
    match gap.drill_mean {
        Some(drill) => writeln!(
            out,
            "  interviews {:.1} vs drill {drill:.1} on the 1-4 scale ({} questions, {} drill answers){}",
            gap.interview_mean,
            gap.interview_questions,
            gap.drill_reviews,
            if gap.worse_than_drill { ": much worse in interviews" } else { "" }
        )?,
        None => writeln!(out, "  interviews {:.1} on the 1-4 scale; not drilled yet", gap.interview_mean)?,
    }
    writeln!(out, "  drill: {}", gap.cards.iter().map(|k| safe_line(k)).collect::<Vec<_>>().join(", "))?;
    Ok(())
}
