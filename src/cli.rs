//! Command-line definitions (clap) and dispatch. Each subcommand turns its flags into an
//! [`Experiment`], calls a library experiment and prints the result (text or `--json`).

use clap::{Args, Parser, Subcommand};
use giantstep::config::Experiment;
use giantstep::parse;
use giantstep::{Error, Result};
use std::path::PathBuf;
use std::process::ExitCode;

/// Random-matrix theory of feature learning after one giant gradient step.
#[derive(Debug, Parser)]
#[command(name = "giantstep", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the resolved experiment description (after --config and flags), validated.
    ShowConfig(CommonArgs),
}

/// Flags shared by every experiment subcommand; each overrides the field of the same name
/// in `--config`.
#[derive(Debug, Args, Clone, Default)]
pub struct CommonArgs {
    /// Experiment description file (TOML if it ends in .toml, JSON otherwise).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Student activation σ: relu, tanh, erf, sigmoid, softplus, gelu, silu, abs, linear, or
    /// hermite:c0,c1,... (Σ c_k He_k).
    #[arg(long)]
    activation: Option<String>,
    /// Target σ* (same notation as --activation).
    #[arg(long)]
    target: Option<String>,
    /// Label noise variance Δ.
    #[arg(long, allow_hyphen_values = true)]
    noise: Option<String>,
    /// Spike groups u:pi[:gamma],... (e.g. 0.5:0.3,3:0.7).
    #[arg(long, allow_hyphen_values = true, conflicts_with = "eta")]
    groups: Option<String>,
    /// Learning rate η̃ of the giant step (spike derived from THEORY.md §2).
    #[arg(long, allow_hyphen_values = true)]
    eta: Option<String>,
    /// Support of the second-layer law, comma separated (default 1,-1).
    #[arg(long, allow_hyphen_values = true)]
    a_values: Option<String>,
    /// Probabilities of --a-values (default uniform).
    #[arg(long)]
    a_probs: Option<String>,
    /// Width ratio ψ = p/d.
    #[arg(long, allow_hyphen_values = true)]
    psi: Option<String>,
    /// Sample ratio α = n/d.
    #[arg(long, allow_hyphen_values = true)]
    alpha: Option<String>,
    /// Ridge λ.
    #[arg(long, allow_hyphen_values = true)]
    lambda: Option<String>,
    /// Simulation dimension d.
    #[arg(long)]
    d: Option<String>,
    /// Seed (one run).
    #[arg(long, conflicts_with = "seeds")]
    seed: Option<String>,
    /// Seeds, comma separated (one run each).
    #[arg(long)]
    seeds: Option<String>,
    /// Machine-readable JSON output on stdout.
    #[arg(long)]
    json: bool,
    /// No progress bars.
    #[arg(long)]
    quiet: bool,
}

impl CommonArgs {
    /// The experiment: defaults, then `--config`, then the flags; validated.
    pub fn experiment(&self) -> Result<Experiment> {
        let mut e = match &self.config {
            Some(path) => Experiment::from_file(path)?,
            None => Experiment::default(),
        };
        if let Some(s) = &self.activation {
            e.activation = s.clone();
        }
        if let Some(s) = &self.target {
            e.target = s.clone();
        }
        if let Some(s) = &self.noise {
            e.noise = parse::parse_number("noise", s)?;
        }
        if let Some(s) = &self.groups {
            e.groups = Some(parse::parse_groups("groups", s)?);
            e.eta = None;
        }
        if let Some(s) = &self.eta {
            e.eta = Some(parse::parse_number("eta", s)?);
            e.groups = None;
        }
        if let Some(s) = &self.a_values {
            e.a_values = parse::parse_list("a_values", s)?;
            if self.a_probs.is_none() {
                e.a_probs = None;
            }
        }
        if let Some(s) = &self.a_probs {
            e.a_probs = Some(parse::parse_list("a_probs", s)?);
        }
        if let Some(s) = &self.psi {
            e.psi = parse::parse_number("psi", s)?;
        }
        if let Some(s) = &self.alpha {
            e.alpha = parse::parse_number("alpha", s)?;
        }
        if let Some(s) = &self.lambda {
            e.lambda = parse::parse_number("lambda", s)?;
        }
        if let Some(s) = &self.d {
            e.d = parse_count("d", s)?;
        }
        if let Some(s) = &self.seed {
            e.seeds = vec![parse_seed("seed", s)?];
        }
        if let Some(s) = &self.seeds {
            e.seeds = s
                .split(',')
                .map(|t| parse_seed("seeds", t))
                .collect::<Result<_>>()?;
        }
        e.validate()?;
        Ok(e)
    }
}

fn parse_count(field: &str, s: &str) -> Result<usize> {
    s.trim()
        .parse()
        .map_err(|_| Error::field(field, format!("`{}` is not a whole number", s.trim())))
}

fn parse_seed(field: &str, s: &str) -> Result<u64> {
    s.trim().parse().map_err(|_| {
        Error::field(
            field,
            format!("`{}` is not a seed (whole number)", s.trim()),
        )
    })
}

/// Prints a serializable value as pretty JSON on stdout.
fn print_json<T: serde::Serialize>(v: &T) -> Result<()> {
    let s = serde_json::to_string_pretty(v).map_err(|e| Error::field("json", e.to_string()))?;
    println!("{s}");
    Ok(())
}

/// Parses the command line, runs the subcommand, maps errors to a one-line message.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            match e {
                Error::InvalidField { .. } | Error::ConfigParse { .. } => ExitCode::from(2),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::ShowConfig(args) => {
            let e = args.experiment()?;
            if args.json {
                print_json(&e)
            } else {
                let s =
                    toml::to_string(&e).map_err(|err| Error::field("config", err.to_string()))?;
                print!("{s}");
                Ok(())
            }
        }
    }
}
