//! Fuzz target: `giantstep::fuzzing::config_bytes` (contract: typed error or correct answer).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| giantstep::fuzzing::config_bytes(data));
