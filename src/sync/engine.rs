//! One sync: write this device's new reviews and state into the folder, then merge every other
//! device's files. Shared by `grill sync` and the drill (with `sync_dir` set).

use std::path::{Path, PathBuf};

use chrono::TimeZone;

use super::folder::{self, OtherDevices};
use super::{FileError, Segment};
use crate::scheduler::{DayClock, Scheduler};
use crate::store::{MergeReport, SavedParameters, Store, StoreError};

/// What a sync did.
#[derive(Debug, Default)]
pub struct SyncOutcome {
    /// This device's id (its folder's name).
    pub device: String,
    /// Other devices whose files were read.
    pub devices: usize,
    /// This device's reviews written to the folder now.
    pub published: usize,
    pub merged: MergeReport,
    /// Files skipped this time (being copied, damaged, from a newer grill).
    pub skipped: Vec<(PathBuf, FileError)>,
    /// Newer FSRS parameters taken from another device: every state was replayed with them,
    /// and this is the scheduler the rest of the process must use.
    pub new_scheduler: Option<Scheduler>,
    /// Set by the caller once it adopted `new_scheduler`.
    pub parameters_taken: bool,
}

/// Why a sync stopped.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{0}: not a folder (create it, or point your sync tool's folder here)")]
    NoFolder(PathBuf),
    #[error(
        "{0}: holds reviews numbered as this database's but different: another database uses this device's id (a copied database file, or a backup restored after syncing). Give this copy a folder of its own by syncing it from a new database"
    )]
    ForeignOwnFolder(PathBuf),
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Syncs `store` through `dir`: publish, write the state, read the others, merge and replay.
pub fn sync<Tz: TimeZone>(
    store: &mut Store,
    dir: &Path,
    scheduler: &Scheduler,
    clock: &DayClock<Tz>,
) -> Result<SyncOutcome, SyncError> {
    if !dir.is_dir() {
        return Err(SyncError::NoFolder(dir.to_owned()));
    }
    let io = |e| SyncError::Io(dir.to_owned(), e);
    let device = store.device_id()?;
    adopt_own_segments(store, dir, &device)?;
    let published = store.publish(|reviews| {
        let segment = Segment { device: device.clone(), reviews: reviews.to_vec() };
        folder::write_segment(dir, &segment).map(|_| ()).map_err(io)
    })?;
    folder::write_state(dir, &store.device_state()?).map_err(io)?;
    let merged_before = store.merged_segments()?;
    let done = |device: &str, name: &str| merged_before.contains(&(device.to_owned(), name.to_owned()));
    let OtherDevices { segments, states, skipped } = folder::read_others(dir, &device, &done).map_err(io)?;
    let (names, segments): (Vec<String>, Vec<Segment>) = segments.into_iter().unzip();
    let mut devices: Vec<&str> = segments.iter().map(|s| s.device.as_str()).collect();
    devices.extend(states.iter().map(|s| s.device.as_str()));
    devices.sort_unstable();
    devices.dedup();
    let devices = devices.len();
    let new_scheduler = take_newer_parameters(store, &states, scheduler.desired_retention(), clock)?;
    let scheduler = new_scheduler.as_ref().unwrap_or(scheduler);
    let mine: Vec<String> = published.iter().map(|r| r.card.clone()).collect();
    let merged = store.merge_devices(&states, &segments, &mine, scheduler, clock)?;
    store.record_merged_segments(&segments, &names)?;
    Ok(SyncOutcome {
        device,
        devices,
        published: published.len(),
        merged,
        skipped,
        new_scheduler,
        parameters_taken: false,
    })
}

/// FSRS parameters saved later on another device than any here are saved here too (with every
/// state replayed by them, as `grill optimize` does), so all devices schedule alike. Ties on
/// the instant go to the greater list of numbers, the same on every device.
fn take_newer_parameters<Tz: TimeZone>(
    store: &mut Store,
    states: &[super::DeviceState],
    desired_retention: f32,
    clock: &DayClock<Tz>,
) -> Result<Option<Scheduler>, SyncError> {
    let key = |p: &super::SyncedParameters| (p.saved_at, format!("{:?}", p.parameters));
    let local = store.fsrs_parameters()?.map(|p| (p.saved_at.timestamp_millis(), format!("{:?}", p.parameters)));
    let Some(newest) = states.iter().filter_map(|s| s.parameters.as_ref()).max_by_key(|p| key(p)) else {
        return Ok(None);
    };
    if local.is_some_and(|l| l >= key(newest)) {
        return Ok(None);
    }
    let scheduler = Scheduler::new(&newest.parameters, desired_retention).map_err(StoreError::from)?;
    let saved = SavedParameters {
        parameters: newest.parameters.clone(),
        saved_at: crate::store::from_ms(newest.saved_at),
        reviews: newest.reviews,
        log_loss: newest.log_loss,
        rmse_bins: newest.rmse_bins,
        // Fitted on another device (its own origin is not carried over).
        origin: Some("another device (grill sync)".to_owned()),
    };
    store.save_parameters(&saved, &scheduler, clock)?;
    Ok(Some(scheduler))
}

/// Segments in this device's folder beyond what the database remembers writing: a sync that
/// stopped between writing one and recording it (the same reviews: recorded now), or another
/// database writing under this id (refused, before it writes anything).
fn adopt_own_segments(store: &Store, dir: &Path, device: &str) -> Result<(), SyncError> {
    let through = store.published_through()?;
    let own = folder::own_segments_after(dir, device, through).map_err(|e| SyncError::Io(dir.to_owned(), e))?;
    if own.is_empty() {
        return Ok(());
    }
    let local: std::collections::HashMap<i64, _> =
        store.unpublished_reviews()?.into_iter().map(|r| (r.seq, r)).collect();
    let mut last = through;
    for review in own.iter().flat_map(|s| &s.reviews).filter(|r| r.seq > through) {
        if local.get(&review.seq) != Some(review) {
            return Err(SyncError::ForeignOwnFolder(dir.join(device)));
        }
        last = last.max(review.seq);
    }
    store.mark_published(last)?;
    Ok(())
}
