//! Shared config and credentials files (spec §6, §8, §9.2).

pub mod writer;
