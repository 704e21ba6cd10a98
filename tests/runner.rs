//! The one integration-test binary: links grill once; each module tests one area through the
//! real `grill` binary (see tests/common for the shared environment).

mod common;

mod anki;
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
mod disk_faults;
mod drill;
mod edit;
mod format_properties;
mod fuzz_regressions;
mod hardening;
mod history;
mod hostile;
mod import;
mod interviews;
mod market;
mod optimize;
mod plan;
mod properties;
mod rebuild;
mod report;
mod score;
mod stats;
