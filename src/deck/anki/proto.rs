//! The few protobuf messages of Anki's schema-18 collections and packages that grill reads,
//! declared by hand with `prost` (only the fields used; unknown fields are skipped).

/// `notetypes.config`: the note type's kind (0 normal, 1 cloze).
#[derive(Clone, PartialEq, prost::Message)]
pub struct NotetypeConfig {
    #[prost(int32, tag = "1")]
    pub kind: i32,
}

/// `templates.config`: the question and answer formats.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TemplateConfig {
    #[prost(string, tag = "1")]
    pub q_format: String,
    #[prost(string, tag = "2")]
    pub a_format: String,
}

/// `decks.kind`: a normal deck (with its preset) or a filtered one.
#[derive(Clone, PartialEq, prost::Message)]
pub struct DeckKind {
    #[prost(message, optional, tag = "1")]
    pub normal: Option<NormalDeck>,
}

/// A normal deck's preset.
#[derive(Clone, PartialEq, prost::Message)]
pub struct NormalDeck {
    #[prost(int64, tag = "1")]
    pub config_id: i64,
}

/// `deck_config.config`: the preset's FSRS fields (Anki's `DeckConfig.Config`).
#[derive(Clone, PartialEq, prost::Message)]
pub struct DeckConfigInner {
    #[prost(float, repeated, tag = "3")]
    pub fsrs_params_4: Vec<f32>,
    #[prost(float, repeated, tag = "5")]
    pub fsrs_params_5: Vec<f32>,
    #[prost(float, repeated, tag = "6")]
    pub fsrs_params_6: Vec<f32>,
    #[prost(float, tag = "37")]
    pub desired_retention: f32,
    #[prost(float, tag = "40")]
    pub historical_retention: f32,
    #[prost(string, tag = "46")]
    pub ignore_revlogs_before_date: String,
}

/// The zstd-compressed `media` map of a current package.
#[derive(Clone, PartialEq, prost::Message)]
pub struct MediaEntries {
    #[prost(message, repeated, tag = "1")]
    pub entries: Vec<MediaEntry>,
}

/// One media file of the package.
#[derive(Clone, PartialEq, prost::Message)]
pub struct MediaEntry {
    #[prost(string, tag = "1")]
    pub name: String,
}

/// The package's `meta` file: which format version wrote it.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PackageMetadata {
    #[prost(int32, tag = "1")]
    pub version: i32,
}

/// The newest package version grill understands (Anki's `VERSION_LATEST`).
pub const LATEST_PACKAGE_VERSION: i32 = 3;

/// Anki's note type kind for cloze note types.
pub const KIND_CLOZE: i32 = 1;
