//! The package: a zip holding the collection (plain or zstd-compressed SQLite), a media map and
//! the media files. Everything in it is untrusted: names that leave the package are refused and
//! every decompression is capped.

use std::io::{Cursor, Read, Seek, SeekFrom, Write};

use prost::Message;

use super::proto::{LATEST_PACKAGE_VERSION, MediaEntries, PackageMetadata};

/// Caps on what a package may decompress to (zip bombs).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The collection database, decompressed.
    pub collection_bytes: u64,
    /// The media map and `meta` files.
    pub small_file_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { collection_bytes: 1 << 30, small_file_bytes: 64 << 20 }
    }
}

/// What was found in a package.
#[derive(Debug)]
pub struct Package {
    /// The collection, decompressed into a private temporary file (deleted when dropped): a
    /// small package may hold a collection of a gibibyte, which must not cost that in memory.
    pub collection: tempfile::NamedTempFile,
    /// How many media files the package lists.
    pub media: usize,
}

/// Why a package could not be opened (the caller adds the file name).
pub type PackageError = String;

/// The zstd frame magic number: a current package's compressed entries start with it.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Opens a package from its bytes.
pub fn open(bytes: &[u8], limits: &Limits) -> Result<Package, PackageError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a valid Anki package ({e})"))?;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| format!("damaged zip entry {i} ({e})"))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_else(|_| "(a name that is not UTF-8)".to_owned());
        if leaves_package(&name) || entry.enclosed_name().is_none() {
            return Err(format!("entry {name:?} points outside the package; refusing the whole package"));
        }
        // grill never writes entries out, but a link is never part of an Anki package: one is a
        // sign of a package made to trick an unpacker, so nothing in it is trusted.
        if entry.is_symlink() {
            return Err(format!("entry {name:?} is a symbolic link; refusing the whole package"));
        }
    }
    if let Some(meta) = read_entry(&mut zip, "meta", limits.small_file_bytes)? {
        let version = PackageMetadata::decode(meta.as_slice()).map(|m| m.version).unwrap_or(0);
        if version > LATEST_PACKAGE_VERSION {
            return Err(format!(
                "written by a newer Anki (package version {version}); export it with \"support older Anki versions\""
            ));
        }
    }
    let mut collection = tempfile::NamedTempFile::new().map_err(|e| format!("cannot make a temporary file ({e})"))?;
    let file = collection.as_file_mut();
    let found = decompress_entry(&mut zip, "collection.anki21b", limits.collection_bytes, file)?
        || copy_entry(&mut zip, "collection.anki21", limits.collection_bytes, file)?
        || copy_entry(&mut zip, "collection.anki2", limits.collection_bytes, file)?;
    if !found {
        return Err("no collection inside (expected collection.anki21b, .anki21 or .anki2)".to_owned());
    }
    mark_rollback_journal(collection.as_file_mut()).map_err(|e| format!("cannot write a temporary file ({e})"))?;
    let media = match read_entry(&mut zip, "media", limits.small_file_bytes)? {
        Some(map) => count_media(&map, limits)?,
        None => 0,
    };
    Ok(Package { collection, media })
}

/// Whether an entry name climbs out (`..`, even as `a/../b`, which `enclosed_name` allows) or
/// is absolute (`/x`, `\\x`, or a Windows drive, `C:x`, which Unix paths take as relative). An
/// Anki package has no folders, so any of these is hostile.
fn leaves_package(name: &str) -> bool {
    let climbs = name.split(['/', '\\']).any(|part| part == "..");
    let drive = name.as_bytes().get(1) == Some(&b':') && name.as_bytes()[0].is_ascii_alphabetic();
    climbs || drive || name.starts_with(['/', '\\'])
}

/// Entry `name`, if present, refused when its header says it holds more than `limit` bytes
/// (its readers also stop at `limit + 1`: the header may lie).
fn entry<'z, R: Read + Seek>(
    zip: &'z mut zip::ZipArchive<R>,
    name: &str,
    limit: u64,
) -> Result<Option<zip::read::ZipFile<'z, R>>, PackageError> {
    let file = match zip.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(format!("cannot read {name} ({e})")),
    };
    if file.size() > limit {
        return Err(too_big(name, limit));
    }
    Ok(Some(file))
}

/// The bytes of entry `name`, if present, refusing more than `limit` bytes whatever the
/// entry's header claims.
fn read_entry(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limit: u64,
) -> Result<Option<Vec<u8>>, PackageError> {
    let Some(mut file) = entry(zip, name, limit)? else { return Ok(None) };
    let mut data = Vec::new();
    file.by_ref().take(limit + 1).read_to_end(&mut data).map_err(|e| format!("cannot read {name} ({e})"))?;
    if data.len() as u64 > limit {
        return Err(too_big(name, limit));
    }
    Ok(Some(data))
}

/// Copies entry `name`, if present, into `out`, refusing more than `limit` bytes whatever the
/// entry's header claims. Returns whether the entry was there.
fn copy_entry(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limit: u64,
    out: &mut std::fs::File,
) -> Result<bool, PackageError> {
    let Some(mut file) = entry(zip, name, limit)? else { return Ok(false) };
    let copied =
        std::io::copy(&mut file.by_ref().take(limit + 1), out).map_err(|e| format!("cannot read {name} ({e})"))?;
    if copied > limit {
        return Err(too_big(name, limit));
    }
    Ok(true)
}

/// zstd-decompresses entry `name`, if present, into `out` as it is read (the entry is not held
/// in memory: 40 MB for a collection of a million answers), refusing more than `limit` bytes in
/// or out: at once when the frame declares more, else once that much has come out. Returns
/// whether the entry was there.
fn decompress_entry(
    zip: &mut zip::ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limit: u64,
    out: &mut std::fs::File,
) -> Result<bool, PackageError> {
    let Some(mut file) = entry(zip, name, limit)? else { return Ok(false) };
    let mut input = file.by_ref().take(limit + 1);
    // A zstd frame header is at most 18 bytes.
    let mut header = Vec::with_capacity(18);
    (&mut input).take(18).read_to_end(&mut header).map_err(|e| format!("cannot read {name} ({e})"))?;
    if let Ok(Some(declared)) = zstd::zstd_safe::get_frame_content_size(&header)
        && declared > limit
    {
        return Err(too_big(name, limit));
    }
    let input = Cursor::new(header).chain(input);
    let decoder = zstd::stream::read::Decoder::new(input).map_err(|e| format!("cannot decompress {name} ({e})"))?;
    let copied =
        std::io::copy(&mut decoder.take(limit + 1), out).map_err(|e| format!("cannot decompress {name} ({e})"))?;
    if copied > limit {
        return Err(too_big(name, limit));
    }
    Ok(true)
}

/// A collection saved in WAL mode would make SQLite look for its `-wal` beside the copy; its
/// pages are complete, so mark it as a rollback-journal database (bytes 18-19 of the header).
fn mark_rollback_journal(file: &mut std::fs::File) -> std::io::Result<()> {
    let mut header = [0u8; 20];
    file.seek(SeekFrom::Start(0))?;
    if file.read_exact(&mut header).is_ok() && header.starts_with(b"SQLite format 3\0") {
        file.seek(SeekFrom::Start(18))?;
        file.write_all(&[1, 1])?;
    }
    file.flush()
}

/// zstd-decompresses `data`, refusing more than `limit` bytes: at once when the first frame
/// declares more, else once that much has come out.
fn decompress(data: &[u8], limit: u64, name: &str) -> Result<Vec<u8>, PackageError> {
    if let Ok(Some(declared)) = zstd::zstd_safe::get_frame_content_size(data)
        && declared > limit
    {
        return Err(too_big(name, limit));
    }
    let decoder = zstd::stream::read::Decoder::new(data).map_err(|e| format!("cannot decompress {name} ({e})"))?;
    let mut out = Vec::new();
    decoder.take(limit + 1).read_to_end(&mut out).map_err(|e| format!("cannot decompress {name} ({e})"))?;
    if out.len() as u64 > limit {
        return Err(too_big(name, limit));
    }
    Ok(out)
}

fn too_big(name: &str, limit: u64) -> PackageError {
    format!("{name} decompresses to more than {} MiB; refusing it (a damaged or malicious package)", limit >> 20)
}

/// How many files the media map lists: JSON (`{"0": "a.png"}`) in old packages, a
/// zstd-compressed protobuf in current ones.
fn count_media(map: &[u8], limits: &Limits) -> Result<usize, PackageError> {
    if map.starts_with(&ZSTD_MAGIC) {
        let raw = decompress(map, limits.small_file_bytes, "media")?;
        let entries = MediaEntries::decode(raw.as_slice()).map_err(|e| format!("damaged media map ({e})"))?;
        return Ok(entries.entries.len());
    }
    let json: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(map).map_err(|e| format!("damaged media map ({e})"))?;
    Ok(json.len())
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            out.start_file(*name, options).unwrap();
            out.write_all(data).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    const SMALL: Limits = Limits { collection_bytes: 1 << 20, small_file_bytes: 1 << 16 };

    #[test]
    fn a_deflate_bomb_is_refused_at_the_limit() {
        let zeros = vec![0u8; 4 << 20];
        let e = open(&zip(&[("collection.anki2", &zeros)]), &SMALL).unwrap_err();
        assert!(e.contains("collection.anki2 decompresses to more than 1 MiB"), "{e}");
    }

    #[test]
    fn a_zstd_bomb_is_refused_at_the_limit() {
        let bomb = zstd::encode_all(vec![0u8; 4 << 20].as_slice(), 3).unwrap();
        assert!(bomb.len() < 1 << 16, "the bomb should be small: {}", bomb.len());
        let e = open(&zip(&[("collection.anki21b", &bomb)]), &SMALL).unwrap_err();
        assert!(e.contains("collection.anki21b decompresses to more than 1 MiB"), "{e}");
    }

    #[test]
    fn a_media_map_bomb_is_refused() {
        let bomb = zstd::encode_all(vec![0u8; 1 << 20].as_slice(), 3).unwrap();
        let e = open(&zip(&[("collection.anki2", b"x"), ("media", &bomb)]), &SMALL).unwrap_err();
        assert!(e.contains("media decompresses to more than"), "{e}");
    }

    #[test]
    fn entries_leaving_the_package_are_refused() {
        for name in ["../evil", "/etc/passwd", "a/../../b"] {
            let e = open(&zip(&[("collection.anki2", b"x"), (name, b"x")]), &SMALL).unwrap_err();
            assert!(e.contains("points outside the package"), "{name}: {e}");
        }
    }

    #[test]
    fn the_newest_collection_wins_and_media_are_counted_in_both_map_formats() {
        let json = open(
            &zip(&[
                ("collection.anki2", b"old"),
                ("collection.anki21", b"new"),
                ("media", br#"{"0":"a.png","1":"b.png"}"#),
            ]),
            &SMALL,
        )
        .unwrap();
        assert_eq!((std::fs::read(json.collection.path()).unwrap(), json.media), (b"new".to_vec(), 2));
        // MediaEntries { entries: [ { name: "a.png" } ] }, zstd-compressed.
        let map = zstd::encode_all(&[0x0a, 0x07, 0x0a, 0x05, b'a', b'.', b'p', b'n', b'g'][..], 3).unwrap();
        let modern = zstd::encode_all(&b"current"[..], 3).unwrap();
        let pkg = open(
            &zip(&[
                ("meta", &[0x08, 0x03]),
                ("collection.anki21b", &modern),
                ("collection.anki2", b"dummy"),
                ("media", &map),
            ]),
            &SMALL,
        )
        .unwrap();
        assert_eq!((std::fs::read(pkg.collection.path()).unwrap(), pkg.media), (b"current".to_vec(), 1));
    }

    #[test]
    fn a_package_from_a_newer_anki_is_refused_with_a_hint() {
        let e = open(&zip(&[("meta", &[0x08, 0x07]), ("collection.anki21b", b"x")]), &SMALL).unwrap_err();
        assert!(e.contains("newer Anki"), "{e}");
    }
}
