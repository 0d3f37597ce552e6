//! Fuzz target: the command-line parser and validation (`resolve_args` of the binary's
//! `src/cli.rs`, included here) through `giantstep::fuzzing::cli_args`.
#![no_main]

#[allow(dead_code)]
#[path = "../../src/cli.rs"]
mod cli;

libfuzzer_sys::fuzz_target!(|data: &[u8]| giantstep::fuzzing::cli_args(data, cli::resolve_args));
