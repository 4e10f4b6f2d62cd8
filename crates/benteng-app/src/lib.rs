//! Benteng's use cases: one function per thing a user does, between the HTTP layer
//! (`benteng-web`) and the storage (`benteng-db`). A use case takes the actor (a
//! [`benteng_db::Ctx`]) and the input as the user sent it, reads it into the domain's
//! types (answering a field's Fluent error code when it is wrong), asks the domain's rules,
//! and calls the repositories.
//!
//! See `ARCHITECTURE.md` at the repository root for where each piece of a feature goes and
//! which use cases still live in `benteng-db` (they move here area by area).

pub mod jobs;
pub mod offer;
pub mod reports;
pub mod screening;
