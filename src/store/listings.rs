//! Job listings kept for market reviews, verbatim.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Store, StoreError, from_ms, to_ms};

/// A stored listing.
#[derive(Debug, Clone, PartialEq)]
pub struct ListingRow {
    pub id: i64,
    pub added_at: DateTime<Utc>,
    /// The file it came from, or `stdin`.
    pub source: String,
    pub text: String,
}

/// What adding one listing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// Stored with this id.
    New(i64),
    /// The same text was already stored with this id.
    Known(i64),
}

impl Store {
    /// Stores listings given as (source, text, digest) in one transaction; a digest already
    /// stored is not added again.
    pub fn add_listings(
        &mut self,
        listings: &[(String, String, String)],
        now: DateTime<Utc>,
    ) -> Result<Vec<Added>, StoreError> {
        let tx = self.conn.transaction()?;
        let mut out = Vec::new();
        for (source, text, digest) in listings {
            let known: Option<i64> = {
                use rusqlite::OptionalExtension;
                tx.query_row("SELECT id FROM listings WHERE digest = ?1", [digest], |r| r.get(0)).optional()?
            };
            if let Some(id) = known {
                out.push(Added::Known(id));
                continue;
            }
            tx.execute(
                "INSERT INTO listings (added_at, source, text, digest) VALUES (?1, ?2, ?3, ?4)",
                params![to_ms(now), source, text, digest],
            )?;
            out.push(Added::New(tx.last_insert_rowid()));
        }
        tx.commit()?;
        Ok(out)
    }

    /// Listings added in `[from, to)` (from the beginning when `from` is `None`), oldest first.
    pub fn listings_between(
        &self,
        from: Option<DateTime<Utc>>,
        to: DateTime<Utc>,
    ) -> Result<Vec<ListingRow>, StoreError> {
        let mut stmt = self.conn().prepare(
            "SELECT id, added_at, source, text FROM listings WHERE added_at >= ?1 AND added_at < ?2 ORDER BY added_at, id",
        )?;
        let rows = stmt.query_map(params![from.map_or(i64::MIN, to_ms), to_ms(to)], |r| {
            Ok(ListingRow { id: r.get(0)?, added_at: from_ms(r.get(1)?), source: r.get(2)?, text: r.get(3)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
