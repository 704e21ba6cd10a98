//! Planning, pure: the daily queue in `plan`, cram in `cram`, the month in `month`, with
//! `roles`, `forecast`, `pace` and `when` beneath them. The driver that records a session's
//! answers is `app::session`.

pub mod cram;
pub mod forecast;
pub mod month;
pub mod pace;
mod plan;
pub mod roles;
pub mod when;

pub use forecast::Readiness;
pub use plan::{Allowance, Candidate, PlanCard, mix, plan_queue, plan_queue_weighted};
pub use roles::{AreaWeights, RoleBook};
pub use when::InputError;
