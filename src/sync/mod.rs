//! Syncing devices through a folder another tool keeps in step (Syncthing, Dropbox, a git
//! repository): what each device writes, and how a file proves it is complete.
//!
//! Each device writes only under `DIR/<device-id>/`: append-only segments of its own reviews
//! (`reviews-<first>-<last>.grill`) and one `state.grill` (its self-assessments, card rewrites
//! and imported decks), each written to a temp name and renamed, with a length and checksum in
//! its first line. See docs/sync.md.

pub mod engine;
pub mod folder;

use serde::{Deserialize, Serialize};

/// The file format's version, in every file's first line.
pub const FORMAT: u32 = 1;

/// A review as written to the folder: its stable id is (the folder's device, `seq`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncedReview {
    /// The review's sequence number on its device (its row id there); never reused.
    pub seq: i64,
    /// The card's stable key (`sql/joins-basics`).
    pub card: String,
    /// When it was given, Unix ms by its device's clock.
    pub at: i64,
    pub rating: u8,
    pub kind: u8,
    pub duration_ms: i64,
}

/// A segment of one device's review log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    pub device: String,
    pub reviews: Vec<SyncedReview>,
}

/// Everything but reviews that a device shares, rewritten whole at each sync.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeviceState {
    pub device: String,
    pub decks: Vec<SyncedDeck>,
    pub edits: Vec<SyncedEdit>,
    pub assessments: Vec<SyncedAssessment>,
    /// The FSRS parameters in use (`grill optimize`), when ever saved.
    #[serde(default)]
    pub parameters: Option<SyncedParameters>,
}

/// FSRS parameters as saved by `grill optimize`: the newest save on any device is used on all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncedParameters {
    /// Unix ms.
    pub saved_at: i64,
    /// 21 numbers, or none for the defaults.
    pub parameters: Vec<f32>,
    pub reviews: usize,
    pub log_loss: Option<(f32, f32)>,
    pub rmse_bins: Option<(f32, f32)>,
}

/// An imported (or user) deck with its cards as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncedDeck {
    pub key: String,
    pub name: String,
    pub area: String,
    pub description: String,
    pub source: String,
    pub cards: Vec<SyncedCard>,
}

/// A card's text and metadata as stored (lists and examples as their stored JSON).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SyncedCard {
    /// Compared first: the latest edit wins (the rest only breaks ties, the same way everywhere).
    pub updated_at: i64,
    pub key: String,
    pub area: String,
    pub prompt: String,
    pub answer: String,
    pub follow_ups: String,
    pub tags: String,
    pub roles: String,
    pub level: Option<String>,
    pub time_limit_secs: Option<i64>,
    pub example: Option<String>,
    pub position: i64,
}

/// A rewrite of a built-in card (`grill edit`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SyncedEdit {
    /// Compared first: the latest rewrite wins.
    pub edited_at: i64,
    pub card: String,
    pub prompt: String,
    pub answer: String,
    pub follow_ups: String,
}

/// A self-assessment (`grill score set`); the same (area, score, instant) is one fact.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SyncedAssessment {
    pub at: i64,
    pub area: String,
    pub score: u8,
}

/// Why a file in the folder was not read (it is skipped, never fatal: a sync tool may still be
/// copying it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("no header line")]
    NoHeader,
    #[error("not a grill sync file")]
    NotOurs,
    #[error("format {0} is newer than this grill knows ({FORMAT}); upgrade grill")]
    TooNew(u32),
    #[error("incomplete or damaged (length or checksum does not match)")]
    Incomplete,
    #[error("unreadable: {0}")]
    Garbled(String),
}

/// The file's bytes: a header line `grill-sync <format> <length> <crc32>` and the JSON body.
pub fn encode<T: Serialize>(value: &T) -> Vec<u8> {
    let body = serde_json::to_vec(value).expect("sync values serialise");
    let mut out = format!("grill-sync {FORMAT} {} {:08x}\n", body.len(), crc32fast::hash(&body)).into_bytes();
    out.extend_from_slice(&body);
    out
}

/// The value in a file written by [`encode`]; a cut or altered file is refused.
pub fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, FileError> {
    let newline = bytes.iter().position(|&b| b == b'\n').ok_or(FileError::NoHeader)?;
    let header = std::str::from_utf8(&bytes[..newline]).map_err(|_| FileError::NotOurs)?;
    let body = &bytes[newline + 1..];
    let fields: Vec<&str> = header.split(' ').collect();
    let [magic, format, length, checksum] = fields[..] else { return Err(FileError::NotOurs) };
    if magic != "grill-sync" {
        return Err(FileError::NotOurs);
    }
    let format: u32 = format.parse().map_err(|_| FileError::NotOurs)?;
    if format > FORMAT {
        return Err(FileError::TooNew(format));
    }
    let length: usize = length.parse().map_err(|_| FileError::NotOurs)?;
    let checksum = u32::from_str_radix(checksum, 16).map_err(|_| FileError::NotOurs)?;
    if body.len() != length || crc32fast::hash(body) != checksum {
        return Err(FileError::Incomplete);
    }
    serde_json::from_slice(body).map_err(|e| FileError::Garbled(e.to_string()))
}

/// Whether `name` can be a device id (it names a folder: no separators, no dots).
pub fn valid_device_id(name: &str) -> bool {
    !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment() -> Segment {
        let review = SyncedReview { seq: 1, card: "sql/x".into(), at: 5, rating: 3, kind: 0, duration_ms: 10 };
        Segment { device: "a1".into(), reviews: vec![review] }
    }

    #[test]
    fn a_file_reads_back_as_written() {
        assert_eq!(decode::<Segment>(&encode(&segment())).unwrap(), segment());
    }

    #[test]
    fn a_cut_file_is_incomplete_at_every_length() {
        let bytes = encode(&segment());
        let header = bytes.iter().position(|&b| b == b'\n').unwrap();
        for cut in 0..bytes.len() {
            let err = decode::<Segment>(&bytes[..cut]).unwrap_err();
            if cut > header {
                assert_eq!(err, FileError::Incomplete, "cut at {cut}");
            }
        }
    }

    #[test]
    fn a_changed_byte_fails_the_checksum() {
        let mut bytes = encode(&segment());
        let last = bytes.len() - 3;
        bytes[last] ^= 1;
        assert_eq!(decode::<Segment>(&bytes).unwrap_err(), FileError::Incomplete);
    }

    #[test]
    fn a_newer_format_is_refused_by_name() {
        let bytes = b"grill-sync 9 2 00000000\n{}";
        assert_eq!(decode::<Segment>(bytes).unwrap_err(), FileError::TooNew(9));
    }

    #[test]
    fn device_ids_cannot_climb_out_of_the_folder() {
        assert!(valid_device_id("3f2a9c01d4e5b6a7"));
        for bad in ["", "..", "a/b", "a\\b", ".hidden"] {
            assert!(!valid_device_id(bad), "{bad}");
        }
    }
}
