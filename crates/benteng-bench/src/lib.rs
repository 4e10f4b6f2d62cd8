//! Data generators shared by the benchmark binaries.

pub mod screen_gen;
