//! Leeches: cards forgotten again and again, which cost far more reviews than they are worth
//! until they are rewritten or set aside (Anki's term and threshold).

/// Lapses (Again on a card last seen at least a day before) that make a card a leech.
pub const LEECH_LAPSES: u32 = 8;

/// Whether a card with `lapses` is a leech. Rewriting a leech (`grill edit`) records its
/// lapses in `cleared_at`; it becomes a leech again only after half the threshold more,
/// as Anki keeps alerting every half-threshold.
pub fn is_leech(lapses: u32, cleared_at: Option<u32>) -> bool {
    match cleared_at {
        Some(cleared) if cleared >= LEECH_LAPSES => lapses >= cleared + LEECH_LAPSES / 2,
        _ => lapses >= LEECH_LAPSES,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_lapses_make_a_leech() {
        assert!(!is_leech(7, None));
        assert!(is_leech(8, None));
        assert!(is_leech(15, None));
    }

    #[test]
    fn a_rewritten_leech_gets_four_more_lapses_before_it_is_one_again() {
        assert!(!is_leech(9, Some(9)));
        assert!(!is_leech(12, Some(9)));
        assert!(is_leech(13, Some(9)));
    }

    #[test]
    fn rewriting_a_card_before_it_was_a_leech_changes_nothing() {
        assert!(!is_leech(7, Some(3)));
        assert!(is_leech(8, Some(3)));
    }
}
