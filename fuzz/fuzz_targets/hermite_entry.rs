//! Fuzz target: `giantstep::fuzzing::hermite_entry` (contract: typed error or correct answer).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| giantstep::fuzzing::hermite_entry(data));
