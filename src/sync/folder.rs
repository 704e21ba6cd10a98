//! Reading and writing a sync folder. A device writes only in its own subfolder, each file
//! under a temp name first and then renamed, so a reader (or the sync tool) never sees half a
//! file under a real name; a half-copied file from another machine fails its checksum and is
//! skipped until it is complete.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::{DeviceState, FileError, Segment, decode, encode, valid_device_id};

/// The other devices' files, read whole.
#[derive(Debug, Default)]
pub struct OtherDevices {
    /// Segments with their file names.
    pub segments: Vec<(String, Segment)>,
    pub states: Vec<DeviceState>,
    /// Files skipped this time (still being copied, damaged, or from a newer grill).
    pub skipped: Vec<(PathBuf, FileError)>,
}

const STATE: &str = "state.grill";

/// The name of the segment holding sequence numbers `first..=last`: zero-padded so that names
/// sort in log order.
fn segment_name(first: i64, last: i64) -> String {
    format!("reviews-{first:012}-{last:012}.grill")
}

/// (first, last) sequence numbers from a segment's file name.
fn segment_range(name: &str) -> Option<(i64, i64)> {
    let (first, last) = name.strip_prefix("reviews-")?.strip_suffix(".grill")?.split_once('-')?;
    Some((first.parse().ok()?, last.parse().ok()?))
}

/// Writes `segment` (non-empty, sequence numbers ascending) into `dir/<device>/`.
pub fn write_segment(dir: &Path, segment: &Segment) -> std::io::Result<PathBuf> {
    let first = segment.reviews.first().map_or(0, |r| r.seq);
    let last = segment.reviews.last().map_or(0, |r| r.seq);
    write_atomically(&dir.join(&segment.device), &segment_name(first, last), &encode(segment))
}

/// Writes the device's state file when it differs from the one there; returns whether it wrote.
pub fn write_state(dir: &Path, state: &DeviceState) -> std::io::Result<bool> {
    let folder = dir.join(&state.device);
    let bytes = encode(state);
    if std::fs::read(folder.join(STATE)).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    write_atomically(&folder, STATE, &bytes)?;
    Ok(true)
}

/// The highest sequence number this device's own folder holds (from file names), if any: more
/// than the database remembers writing means another database writes under the same id.
pub fn own_last_seq(dir: &Path, device: &str) -> std::io::Result<Option<i64>> {
    let folder = dir.join(device);
    let Ok(entries) = std::fs::read_dir(&folder) else { return Ok(None) };
    let mut last = None;
    for entry in entries {
        let name = entry?.file_name();
        if let Some((_, end)) = name.to_str().and_then(segment_range) {
            last = last.max(Some(end));
        }
    }
    Ok(last)
}

/// This device's own segments holding sequence numbers above `after` (normally none: they are
/// there only if a sync stopped between writing a segment and recording it, or if another
/// database writes under the same device id).
pub fn own_segments_after(dir: &Path, device: &str, after: i64) -> std::io::Result<Vec<Segment>> {
    let Ok(entries) = std::fs::read_dir(dir.join(device)) else { return Ok(Vec::new()) };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry?;
        let Some(name) = entry.file_name().into_string().ok() else { continue };
        if segment_range(&name).is_some_and(|(_, last)| last > after)
            && let Ok(segment) = read::<Segment>(&entry.path())
        {
            found.push(segment);
        }
    }
    Ok(found)
}

/// Reads every device's files but `me`'s, except segments `done(device, name)` says were
/// merged already. A missing folder is an error (a typo must not look like "nothing to
/// merge"); unreadable files are skipped and listed.
pub fn read_others(dir: &Path, me: &str, done: &dyn Fn(&str, &str) -> bool) -> std::io::Result<OtherDevices> {
    let mut found = OtherDevices::default();
    let mut devices: Vec<(String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else { continue };
        if name != me && valid_device_id(&name) && entry.file_type()?.is_dir() {
            devices.push((name, entry.path()));
        }
    }
    devices.sort();
    for (device, folder) in devices {
        let mut names: Vec<String> =
            std::fs::read_dir(&folder)?.filter_map(|e| e.ok()?.file_name().into_string().ok()).collect();
        names.sort();
        for name in names {
            let path = folder.join(&name);
            if segment_range(&name).is_some() {
                if done(&device, &name) {
                    continue;
                }
                match read::<Segment>(&path).and_then(|s| same_device(s, &device, |s| &s.device)) {
                    Ok(segment) => found.segments.push((name, segment)),
                    Err(e) => found.skipped.push((path, e)),
                }
            } else if name == STATE {
                match read::<DeviceState>(&path).and_then(|s| same_device(s, &device, |s| &s.device)) {
                    Ok(state) => found.states.push(state),
                    Err(e) => found.skipped.push((path, e)),
                }
            }
        }
    }
    Ok(found)
}

fn read<T: for<'de> serde::Deserialize<'de>>(path: &Path) -> Result<T, FileError> {
    let bytes = std::fs::read(path).map_err(|e| FileError::Garbled(e.to_string()))?;
    decode(&bytes)
}

/// A file must say it is from the device whose folder holds it.
fn same_device<T>(value: T, device: &str, of: impl Fn(&T) -> &String) -> Result<T, FileError> {
    if of(&value) == device { Ok(value) } else { Err(FileError::NotOurs) }
}

/// Writes `bytes` to `folder/name` through a temp file in the same folder, flushed to disk
/// before the rename, so the name only ever shows a complete file.
fn write_atomically(folder: &Path, name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(folder)?;
    // A leading dot: sync tools and our reader ignore it; the pid keeps two grills apart.
    let temp = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut file = std::fs::File::create(&temp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    let target = folder.join(name);
    std::fs::rename(&temp, &target)?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::SyncedReview;

    fn segment(device: &str, seqs: &[i64]) -> Segment {
        let reviews = seqs
            .iter()
            .map(|&seq| SyncedReview { seq, card: "c".into(), at: seq * 1000, rating: 3, kind: 1, duration_ms: 0 })
            .collect();
        Segment { device: device.into(), reviews }
    }

    #[test]
    fn a_device_reads_the_others_but_not_itself() {
        let dir = tempfile::tempdir().unwrap();
        write_segment(dir.path(), &segment("a", &[1, 2])).unwrap();
        write_segment(dir.path(), &segment("b", &[1])).unwrap();
        let seen = read_others(dir.path(), "a", &|_, _| false).unwrap();
        let name = "reviews-000000000001-000000000001.grill".to_owned();
        assert_eq!(seen.segments, vec![(name.clone(), segment("b", &[1]))]);
        let seen = read_others(dir.path(), "a", &|device, file| device == "b" && file == name).unwrap();
        assert!(seen.segments.is_empty(), "a segment merged before is read again");
        assert_eq!(own_last_seq(dir.path(), "a").unwrap(), Some(2));
    }

    #[test]
    fn temp_files_are_ignored_and_a_cut_file_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_segment(dir.path(), &segment("b", &[1, 2, 3])).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(dir.path().join("b").join(".reviews-x.tmp"), &bytes[..10]).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 5]).unwrap();
        let seen = read_others(dir.path(), "a", &|_, _| false).unwrap();
        assert!(seen.segments.is_empty());
        assert_eq!(seen.skipped.len(), 1);
        assert_eq!(seen.skipped[0].1, FileError::Incomplete);
    }

    #[test]
    fn a_file_claiming_another_device_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_segment(dir.path(), &segment("b", &[1])).unwrap();
        std::fs::create_dir(dir.path().join("c")).unwrap();
        std::fs::rename(&path, dir.path().join("c").join(path.file_name().unwrap())).unwrap();
        let seen = read_others(dir.path(), "a", &|_, _| false).unwrap();
        assert!(seen.segments.is_empty());
        assert_eq!(seen.skipped[0].1, FileError::NotOurs);
    }
}
