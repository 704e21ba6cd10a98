//! Tiny terminal charts: a horizontal bar and a sparkline, both on a fixed scale so that two
//! charts can be compared by eye (an autoscaled chart would exaggerate small changes).

const EIGHTHS: [char; 9] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A bar `width` cells wide filled to `fraction` (0-1), in eighths of a cell.
pub fn bar(fraction: f64, width: usize) -> String {
    let eighths = (fraction.clamp(0.0, 1.0) * (width * 8) as f64).round() as usize;
    let mut out = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        out.push(EIGHTHS[eighths % 8]);
    }
    let cells = out.chars().count();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(cells)));
    out
}

/// One character per value (each 0-1, `None` for no data: a space), from ▁ (0) to █ (1).
pub fn sparkline(values: &[Option<f64>]) -> String {
    values
        .iter()
        .map(|v| match v {
            Some(v) => LEVELS[(v.clamp(0.0, 1.0) * (LEVELS.len() - 1) as f64).round() as usize],
            None => ' ',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_fills_whole_cells_then_eighths() {
        assert_eq!(bar(0.0, 4), "    ");
        assert_eq!(bar(1.0, 4), "████");
        assert_eq!(bar(0.5, 4), "██  ");
        // 0.3 of 4 cells = 1.2 cells = 1 cell and 2 eighths (rounded from 1.6).
        assert_eq!(bar(0.3, 4), "█▎  ");
    }

    #[test]
    fn a_bar_never_overflows_its_width() {
        assert_eq!(bar(7.0, 3).chars().count(), 3);
        assert_eq!(bar(-1.0, 3), "   ");
    }

    #[test]
    fn a_sparkline_uses_the_whole_fixed_scale() {
        assert_eq!(sparkline(&[Some(0.0), Some(0.5), Some(1.0), None]), "▁▅█ ");
    }
}
