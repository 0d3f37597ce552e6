//! `giantstep`: command-line front end of the giantstep experiments.
//!
//! Every subcommand accepts `--config FILE` (TOML or JSON experiment description), flags that
//! override single fields, `--json` for machine-readable output and `--quiet`. Errors are one
//! readable line on stderr and a non-zero exit status (2 for invalid input, 1 otherwise).

mod cli;
mod sweep_cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
