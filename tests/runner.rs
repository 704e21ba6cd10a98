//! The one integration-test binary: links grill once; each module tests one area through the
//! real `grill` binary (see tests/common for the shared environment).
// Tests say why they skip, and which seed failed, on the console.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod common;

mod anki;
mod anki_history;
mod backup;
mod bench_gen;
mod cli;
mod clock;
mod concurrency;
mod corruption;
mod cram;
mod crash;
mod dashboard;
mod decks;
mod derived;
mod disk_faults;
mod drill;
mod edit;
mod format_properties;
mod fuzz_regressions;
mod hardening;
mod hardening_more;
mod history;
mod hostile;
mod import;
mod import_areas;
mod import_surface;
mod interviews;
mod layers;
mod market;
mod mock;
mod optimize;
mod plan;
mod plan_mix;
mod properties;
mod rebuild;
mod report;
mod score;
mod show;
mod snapshots;
mod stats;
mod sync;
mod terminal;
