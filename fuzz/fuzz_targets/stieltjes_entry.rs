//! Fuzz target: `giantstep::fuzzing::stieltjes_entry` (contract: typed error or correct answer).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| giantstep::fuzzing::stieltjes_entry(data));
