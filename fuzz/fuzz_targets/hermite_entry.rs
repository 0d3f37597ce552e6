//! Fuzz target: `giantstep_fuzz_contracts::hermite_entry` (contract: typed error or correct answer).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| giantstep_fuzz_contracts::hermite_entry(data));
