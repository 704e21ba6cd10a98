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
