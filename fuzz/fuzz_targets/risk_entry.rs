//! Fuzz target: `giantstep_fuzz_contracts::risk_entry` (contract: typed error or a finite result
//! with non-negative errors).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| giantstep_fuzz_contracts::risk_entry(data));
