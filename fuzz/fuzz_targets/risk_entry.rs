//! Fuzz target: `giantstep::fuzzing::risk_entry` (contract: typed error or a finite result
//! with non-negative errors).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| giantstep::fuzzing::risk_entry(data));
