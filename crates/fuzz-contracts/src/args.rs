//! Fuzz entry of the command line: bytes split into arguments and resolved by the binary's
//! own clap parser and validation (`src/cli.rs`, included here as a module).

use crate::MAX_FUZZ_ARGS;

#[allow(dead_code)]
#[path = "../../../src/cli.rs"]
mod cli;

#[allow(dead_code)]
#[path = "../../../src/sweep_cli.rs"]
mod sweep_cli;

pub use cli::ResolvedArgs;

/// Splits bytes into command-line arguments: a subcommand chosen from the first byte, then
/// NUL-separated (lossy UTF-8) tokens; `--config` and its value are dropped (the fuzzer
/// must not read arbitrary files such as `/dev/zero`).
pub fn split_args(data: &[u8]) -> Vec<String> {
    const SUB: [&[&str]; 6] = [
        &["show-config"],
        &["stieltjes"],
        &["density"],
        &["risk"],
        &["simulate", "spectrum"],
        &[],
    ];
    let mut args = vec!["giantstep".to_string()];
    let Some((&first, rest)) = data.split_first() else {
        return args;
    };
    args.extend(
        SUB[first as usize % SUB.len()]
            .iter()
            .map(|s| s.to_string()),
    );
    let mut skip_next = false;
    for tok in rest.split(|&c| c == 0).take(MAX_FUZZ_ARGS) {
        let t = String::from_utf8_lossy(tok).into_owned();
        if skip_next {
            skip_next = false;
            continue;
        }
        if t.starts_with("--config") || t.starts_with("--con") {
            skip_next = !t.contains('=');
            continue;
        }
        args.push(t);
    }
    args
}

/// Fuzz entry of the CLI: splits the bytes into arguments ([`split_args`]) and hands them
/// to `resolve` (the binary's clap parser plus validation, `resolve_args` in `src/cli.rs`,
/// included by the fuzz target and the replay test). `Ok` ⇒ a valid experiment, finite
/// `z`, and a finite increasing grid.
pub fn cli_args(data: &[u8]) {
    let args = split_args(data);
    match cli::resolve_args(args.clone()) {
        Ok(res) => {
            if let Some(e) = &res.experiment {
                e.validate()
                    .unwrap_or_else(|err| panic!("{args:?}: accepted invalid experiment: {err}"));
            }
            for z in &res.z {
                assert!(z.re.is_finite() && z.im.is_finite(), "{args:?}: z = {z}");
            }
            if let Some(g) = &res.grid {
                assert!(g.len() >= 2, "{args:?}: grid of {} points", g.len());
                assert!(
                    g.iter().all(|x| x.is_finite()) && g.windows(2).all(|w| w[0] <= w[1]),
                    "{args:?}: grid not finite and increasing: {:?}",
                    &g[..g.len().min(4)]
                );
            }
        }
        Err(msg) => assert!(!msg.is_empty(), "{args:?}: empty error"),
    }
}
