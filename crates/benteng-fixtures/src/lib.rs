//! Data that does not come from users, kept out of the storage crate:
//! - [`demo`]: the Kabupaten Malang demo set (`benteng demo`, `serve --demo`, the tests'
//!   signed-in users), loaded through the same validated functions as real input, and
//!   [`demo_history`], its last twelve months (dated back with SQL after being made);
//! - [`generate`] and [`generate_migrants`]: the benchmark populations (a million reports,
//!   200,000 calon PMI), written as multi-row statements straight into the tables, which is
//!   why this crate, unlike every other but `benteng-db`, holds SQL.

pub mod demo;
pub mod demo_history;
pub mod generate;
pub mod generate_migrants;
