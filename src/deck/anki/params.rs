//! Which FSRS parameters an Anki import replays with. grill has one parameter set, Anki one per
//! preset: a package's optimized set is adopted only when grill still uses the defaults.

use crate::deck::ImportedPreset;
use crate::scheduler::Scheduler;

/// What to do with the parameters a package's presets carry.
#[derive(Debug, Clone, PartialEq)]
pub enum ParameterChoice {
    /// Every preset uses FSRS's defaults.
    Defaults,
    /// grill uses the defaults and the package carries one optimized set (as 21 numbers).
    Adopt { preset: String, parameters: Vec<f32> },
    /// The package's optimized set is the one in use already (an earlier import adopted it).
    InUse { preset: String },
    /// grill's are kept: the user's own (`yours`), or the package carries several optimized
    /// sets or one FSRS refuses. `optimized` names the presets replayed with grill's instead.
    Keep { optimized: Vec<String>, yours: bool },
}

/// The choice for `presets` when grill uses `in_use` (empty: the defaults).
pub fn choose(presets: &[ImportedPreset], in_use: &[f32]) -> ParameterChoice {
    let optimized: Vec<&ImportedPreset> = presets.iter().filter(|p| !p.params.is_empty()).collect();
    let Some(first) = optimized.first() else { return ParameterChoice::Defaults };
    let keep = ParameterChoice::Keep {
        optimized: optimized.iter().map(|p| p.name.clone()).collect(),
        yours: !in_use.is_empty(),
    };
    if !optimized.iter().all(|p| p.params == first.params) {
        return keep;
    }
    // Parameters FSRS refuses (a damaged preset) are never adopted; the import goes on.
    let Ok(parameters) = Scheduler::full_parameters(&first.params) else { return keep };
    if Scheduler::new(&parameters, 0.9).is_err() {
        return keep;
    }
    if in_use.is_empty() {
        return ParameterChoice::Adopt { preset: first.name.clone(), parameters };
    }
    if Scheduler::full_parameters(in_use).is_ok_and(|p| p == parameters) {
        return ParameterChoice::InUse { preset: first.name.clone() };
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preset(name: &str, params: Vec<f32>) -> ImportedPreset {
        ImportedPreset { name: name.to_owned(), params, desired_retention: 0.9, cards: 3 }
    }

    fn tuned() -> Vec<f32> {
        let mut p = fsrs::DEFAULT_PARAMETERS.to_vec();
        p[0] = 0.35;
        p
    }

    #[test]
    fn presets_on_the_defaults_change_nothing() {
        assert_eq!(choose(&[preset("Default", vec![])], &[]), ParameterChoice::Defaults);
    }

    #[test]
    fn one_optimized_set_is_adopted_only_while_grill_uses_the_defaults() {
        let presets = [preset("Default", vec![]), preset("Tuned", tuned())];
        assert_eq!(choose(&presets, &[]), ParameterChoice::Adopt { preset: "Tuned".into(), parameters: tuned() });
        assert_eq!(choose(&presets, &tuned()), ParameterChoice::InUse { preset: "Tuned".into() });
        let mut mine = tuned();
        mine[1] = 1.0;
        assert_eq!(choose(&presets, &mine), ParameterChoice::Keep { optimized: vec!["Tuned".into()], yours: true });
    }

    #[test]
    fn fsrs5_sets_are_adopted_as_fsrs6() {
        let five: Vec<f32> = tuned()[..19].to_vec();
        let ParameterChoice::Adopt { parameters, .. } = choose(&[preset("Old", five)], &[]) else { panic!() };
        assert_eq!(parameters.len(), 21);
        assert_eq!(parameters[20], 0.5, "FSRS-5's decay");
    }

    #[test]
    fn several_sets_or_a_damaged_one_keep_grills() {
        let mut other = tuned();
        other[2] = 2.0;
        let two = [preset("A", tuned()), preset("B", other)];
        assert_eq!(choose(&two, &[]), ParameterChoice::Keep { optimized: vec!["A".into(), "B".into()], yours: false });
        let damaged = [preset("Bad", vec![1.0, 2.0, 3.0])];
        assert_eq!(choose(&damaged, &[]), ParameterChoice::Keep { optimized: vec!["Bad".into()], yours: false });
    }
}
