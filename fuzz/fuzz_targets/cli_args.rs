//! Fuzz target: the command-line parser and validation (`resolve_args` of the binary's
//! `src/cli.rs`) through `giantstep_fuzz_contracts::cli_args`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| giantstep_fuzz_contracts::cli_args(data));
