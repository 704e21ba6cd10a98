//! Files embedded at build time (see `build.rs`): the built-in decks, roles, lexicon and the
//! migrations. Static data, at the bottom layer: any module may read it.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
