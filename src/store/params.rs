//! The user's own FSRS parameters (`grill optimize`). Saving them replays every card's state
//! with them in the same transaction: the stored states always follow the parameters in use.

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::reviews::write_state;
use super::{Store, StoreError, from_ms, to_ms};
use crate::scheduler::optimize::Fit;
use crate::scheduler::{DayClock, Scheduler};

/// Parameters in use, as saved.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedParameters {
    /// 21 numbers; empty means the defaults (after `grill optimize --reset`).
    pub parameters: Vec<f32>,
    pub saved_at: DateTime<Utc>,
    /// Reviews the fit learned from (0 for the defaults).
    pub reviews: usize,
    /// Log-loss of the defaults and of these parameters on that history.
    pub log_loss: Option<(f32, f32)>,
    /// RMSE (bins) of the defaults and of these parameters on that history.
    pub rmse_bins: Option<(f32, f32)>,
    /// Where they came from when not from `grill optimize` (an Anki package's preset).
    pub origin: Option<String>,
}

impl SavedParameters {
    /// What a kept fit saves.
    pub fn fitted(fit: &Fit, now: DateTime<Utc>) -> SavedParameters {
        SavedParameters {
            parameters: fit.parameters.clone(),
            saved_at: now,
            reviews: fit.reviews,
            log_loss: Some((fit.default.log_loss, fit.fitted.log_loss)),
            rmse_bins: Some((fit.default.rmse_bins, fit.fitted.rmse_bins)),
            origin: None,
        }
    }

    /// A return to the defaults.
    pub fn defaults(now: DateTime<Utc>) -> SavedParameters {
        SavedParameters {
            parameters: Vec::new(),
            saved_at: now,
            reviews: 0,
            log_loss: None,
            rmse_bins: None,
            origin: None,
        }
    }

    /// Parameters adopted from elsewhere (`origin` says where), with no fit of grill's own.
    pub fn adopted(parameters: Vec<f32>, origin: String, now: DateTime<Utc>) -> SavedParameters {
        SavedParameters { parameters, origin: Some(origin), ..SavedParameters::defaults(now) }
    }
}

impl Store {
    /// The parameters in use: the newest saved, or `None` when never optimised.
    pub fn fsrs_parameters(&self) -> Result<Option<SavedParameters>, StoreError> {
        let row = self
            .conn()
            .query_row(
                "SELECT parameters, saved_at, reviews, log_loss_default, log_loss, rmse_default, rmse, origin
                 FROM fsrs_parameters ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        SavedParameters {
                            parameters: Vec::new(),
                            saved_at: from_ms(r.get(1)?),
                            reviews: r.get::<_, i64>(2)? as usize,
                            log_loss: pair(r.get(3)?, r.get(4)?),
                            rmse_bins: pair(r.get(5)?, r.get(6)?),
                            origin: r.get(7)?,
                        },
                    ))
                },
            )
            .optional()?;
        let Some((json, saved)) = row else { return Ok(None) };
        let parameters: Vec<f32> = serde_json::from_str(&json).map_err(|e| {
            StoreError::Corrupt(self.path.clone(), format!("fsrs_parameters: not a list of numbers: {e}"))
        })?;
        Ok(Some(SavedParameters { parameters, ..saved }))
    }

    /// Saves `saved` as the parameters in use and replays every card's state with `scheduler`
    /// (built from them), in one transaction; returns how many cards have a state. Either
    /// both change or neither does.
    pub fn save_parameters<Tz: TimeZone>(
        &mut self,
        saved: &SavedParameters,
        scheduler: &Scheduler,
        clock: &DayClock<Tz>,
    ) -> Result<usize, StoreError> {
        // IMMEDIATE: take the write lock before reading the log, so no rating can slip in
        // between the replay and the write.
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let states = self.replayed_states(scheduler, clock)?;
        insert_parameters(&tx, saved)?;
        tx.execute("DELETE FROM card_state", [])?;
        for (card_id, state) in &states {
            write_state(&tx, *card_id, Some(state))?;
        }
        tx.commit()?;
        Ok(states.len())
    }
}

/// Adds `saved` as the newest row, the parameters in use; the caller replays the states.
pub(super) fn insert_parameters(tx: &rusqlite::Transaction, saved: &SavedParameters) -> Result<(), StoreError> {
    let json = serde_json::to_string(&saved.parameters).expect("numbers serialise");
    tx.execute(
        "INSERT INTO fsrs_parameters
             (saved_at, parameters, reviews, log_loss_default, log_loss, rmse_default, rmse, origin)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            to_ms(saved.saved_at),
            json,
            saved.reviews as i64,
            saved.log_loss.map(|p| p.0),
            saved.log_loss.map(|p| p.1),
            saved.rmse_bins.map(|p| p.0),
            saved.rmse_bins.map(|p| p.1),
            saved.origin,
        ],
    )?;
    Ok(())
}

fn pair(a: Option<f32>, b: Option<f32>) -> Option<(f32, f32)> {
    Some((a?, b?))
}
