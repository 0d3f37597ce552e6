//! Command-line definitions (clap) and dispatch. Each subcommand turns its flags into an
//! [`Experiment`], calls a library experiment and prints the result (text or `--json`).

use clap::{Args, Parser, Subcommand};
use giantstep::config::Experiment;
use giantstep::experiments::{learning, risk, simulation, spectrum};
use giantstep::model::Model;
use giantstep::parse;
use giantstep::progress::Bar;
use giantstep::report::{self, ReproduceOptions};
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
    /// Stieltjes transform m(z) of the spiked deterministic equivalent (THEORY.md §4).
    Stieltjes(StieltjesArgs),
    /// Limiting density of the feature covariance on a grid (CSV, or JSON with --json).
    Density(DensityArgs),
    /// Asymptotic test and training error of the retrained second layer (THEORY.md §5).
    Risk(CommonArgs),
    /// Run the experiments of THEORY.md §6 and write figures, data and report.md to --out.
    Reproduce(ReproduceArgs),
    /// Theory-vs-simulation table of every formula (part of `cargo xtask verify`); exits
    /// non-zero if any row fails.
    Verify(VerifyArgs),
    /// Simulations at finite d, with the theory alongside.
    #[command(subcommand)]
    Simulate(SimulateCommand),
    /// Sweeps: plan a grid of experiments as jobs, run them (locally, GNU parallel, Slurm),
    /// status, merge.
    #[command(subcommand)]
    Sweep(super::sweep_cli::SweepCommand),
}

#[derive(Debug, Subcommand)]
enum SimulateCommand {
    /// Empirical spectrum of F F^T/n: histogram, m(z), Kolmogorov distance, outliers.
    Spectrum(SimulateSpectrumArgs),
    /// Ridge on simulated spiked features: E_gen and E_train vs the theory.
    Risk(SimulateRiskArgs),
}

#[derive(Debug, Args)]
struct ReproduceArgs {
    /// Output directory (created if missing).
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Paper-size runs (d = 2000, 4 seeds, finer sweeps; tens of minutes).
    #[arg(long)]
    full: bool,
    /// Override the simulation dimension d (also caps the ridge and one-step simulations).
    #[arg(long)]
    d: Option<String>,
    /// No progress bars.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct SimulateRiskArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Fresh test samples per seed for E_gen.
    #[arg(long, default_value = "10000")]
    n_test: String,
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// Also write the table as JSON to this file.
    #[arg(long, value_name = "FILE")]
    json_out: Option<PathBuf>,
    /// No progress bars.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct StieltjesArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Spectral argument: x (real) or x,y for x + iy (e.g. --z=-0.5, --z 1,0.3).
    #[arg(long, allow_hyphen_values = true)]
    z: String,
}

#[derive(Debug, Args)]
struct DensityArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Grid start:end:count (default: 600 points up to 1.15 x the right edge).
    #[arg(long, allow_hyphen_values = true)]
    grid: Option<String>,
}

#[derive(Debug, Args)]
struct SimulateSpectrumArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Points where m(z) is compared, separated by ';' (each x or x,y).
    #[arg(long, allow_hyphen_values = true, default_value = "-0.5;0.5,0.5;2,1")]
    z: String,
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
        Command::Stieltjes(args) => cmd_stieltjes(&args),
        Command::Risk(args) => cmd_risk(&args),
        Command::Reproduce(args) => cmd_reproduce(&args),
        Command::Verify(args) => cmd_verify(&args),
        Command::Density(args) => cmd_density(&args),
        Command::Simulate(SimulateCommand::Spectrum(args)) => cmd_simulate_spectrum(&args),
        Command::Simulate(SimulateCommand::Risk(args)) => cmd_simulate_risk(&args),
        Command::Sweep(cmd) => cmd.run(),
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

fn cmd_stieltjes(args: &StieltjesArgs) -> Result<()> {
    let model = Model::new(&args.common.experiment()?)?;
    let z = parse::parse_complex("z", &args.z)?;
    let point = spectrum::stieltjes(&model, z)?;
    if args.common.json {
        return print_json(&point);
    }
    println!(
        "m({}) = {:.9} {} {:.9}i   ({} iterations, residual {:.1e})",
        fmt_c(point.z),
        point.m[0],
        if point.m[1] < 0.0 { '-' } else { '+' },
        point.m[1].abs(),
        point.iterations,
        point.residual
    );
    Ok(())
}

fn fmt_c(z: [f64; 2]) -> String {
    if z[1] == 0.0 {
        format!("{}", z[0])
    } else {
        format!("{}{:+}i", z[0], z[1])
    }
}

fn cmd_density(args: &DensityArgs) -> Result<()> {
    let model = Model::new(&args.common.experiment()?)?;
    let grid = args
        .grid
        .as_deref()
        .map(|g| parse::parse_grid("grid", g))
        .transpose()?;
    let bar = Bar::new(args.common.quiet);
    let th = spectrum::theory_spectrum(&model, grid.as_deref(), &bar)?;
    drop(bar);
    if args.common.json {
        return print_json(&th);
    }
    println!("# {}", model.short());
    println!(
        "# atom at 0: {:.6}, right edge: {:.6}, random-features edge: {:.6}, mass beyond it: {:.6}",
        th.atom, th.right_edge, th.rf_edge, th.tail_mass
    );
    println!("# mean outliers / p: {:?}", th.outliers_over_p);
    println!("x,density");
    for (x, r) in th.x.iter().zip(&th.density) {
        println!("{x},{r}");
    }
    Ok(())
}

fn cmd_simulate_spectrum(args: &SimulateSpectrumArgs) -> Result<()> {
    let e = args.common.experiment()?;
    let model = Model::new(&e)?;
    let zs = args
        .z
        .split(';')
        .map(|t| parse::parse_complex("z", t))
        .collect::<Result<Vec<_>>>()?;
    let bar = Bar::new(args.common.quiet);
    let sim = simulation::simulate_spectrum(&model, e.d, &e.seeds, &zs, &bar)?;
    drop(bar);
    if args.common.json {
        return print_json(&sim);
    }
    println!(
        "{} | d = {}, p = {}, n = {}, seeds {:?}",
        model.short(),
        sim.d,
        sim.p,
        sim.n,
        sim.seeds
    );
    println!(
        "theory: atom {:.4}, right edge {:.4}, mass beyond the random-features edge {:.4}",
        sim.theory.atom, sim.theory.right_edge, sim.theory.tail_mass
    );
    println!(
        "{:<14} {:>24} {:>24} {:>24}",
        "z", "theory m(z)", "simulation (mean)", "conditional theory"
    );
    for zc in &sim.z {
        let cond_re =
            zc.conditional.iter().map(|v| v[0]).sum::<f64>() / zc.conditional.len() as f64;
        let cond_im =
            zc.conditional.iter().map(|v| v[1]).sum::<f64>() / zc.conditional.len() as f64;
        println!(
            "{:<14} {:>24} {:>24} {:>24}",
            fmt_c(zc.z),
            format!("{:.6}{:+.6}i", zc.theory[0], zc.theory[1]),
            format!("{:.6}{:+.6}i", zc.simulation[0], zc.simulation[1]),
            format!("{:.6}{:+.6}i", cond_re, cond_im)
        );
    }
    println!(
        "Kolmogorov distance (bulk vs theory CDF) per seed: {:?}",
        sim.kolmogorov
            .iter()
            .map(|k| format!("{k:.4}"))
            .collect::<Vec<_>>()
    );
    println!(
        "largest eigenvalues per seed: {:?}; predicted mean outliers: {:?}",
        sim.top, sim.predicted_outliers
    );
    Ok(())
}

fn cmd_risk(args: &CommonArgs) -> Result<()> {
    let model = Model::new(&args.experiment()?)?;
    let point = risk::risk(&model)?;
    if args.json {
        return print_json(&point);
    }
    println!(
        "{} | lambda = {}, noise = {}",
        model.short(),
        model.lambda,
        model.noise
    );
    println!("E_gen   = {:.9}", point.r#gen);
    println!("E_train = {:.9}", point.train);
    let dcp = &point.decomposition;
    println!(
        "E_gen = bias {:.6} + g-price {:.6} + variance {:.6} + noise {:.6}; unlearnable part {:.6}",
        dcp.bias, dcp.g_price, dcp.variance, dcp.noise, point.irreducible
    );
    Ok(())
}

/// What the command-line front end resolved from its arguments without running anything
/// (returned by `resolve_args`, for the fuzz contracts of `crates/fuzz-contracts`).
#[allow(dead_code)]
#[derive(Debug, Clone, Default)]
pub struct ResolvedArgs {
    /// The validated experiment description (`None` for `--help`-like outcomes).
    pub experiment: Option<Experiment>,
    /// Spectral arguments `z` given on the command line.
    pub z: Vec<num_complex::Complex64>,
    /// `--grid` points, if given.
    pub grid: Option<Vec<f64>>,
}

/// Parses `args` (program name first) with the clap definitions above and resolves what the
/// subcommand would use, without running it: the validated experiment, the resolved model,
/// `--z` points and the `--grid`. Errors (clap's, `--help`, `--version` included) are
/// returned as their message. Used by the fuzz contract `cli_args` of
/// `crates/fuzz-contracts` (which includes this file).
#[allow(dead_code)]
pub fn resolve_args(args: Vec<String>) -> std::result::Result<ResolvedArgs, String> {
    let cli = Cli::try_parse_from(args).map_err(|e| e.to_string())?;
    let resolve = |common: &CommonArgs| -> Result<Experiment> {
        let e = common.experiment()?;
        Model::new(&e)?;
        Ok(e)
    };
    let mut out = ResolvedArgs::default();
    let s = |e: Error| e.to_string();
    match &cli.command {
        Command::Reproduce(_) | Command::Verify(_) | Command::Sweep(_) => {}
        Command::Simulate(SimulateCommand::Risk(a)) => {
            out.experiment = Some(resolve(&a.common).map_err(s)?);
        }
        Command::ShowConfig(c) | Command::Risk(c) => out.experiment = Some(resolve(c).map_err(s)?),
        Command::Stieltjes(a) => {
            out.experiment = Some(resolve(&a.common).map_err(s)?);
            out.z = vec![parse::parse_complex("z", &a.z).map_err(s)?];
        }
        Command::Density(a) => {
            out.experiment = Some(resolve(&a.common).map_err(s)?);
            out.grid = a
                .grid
                .as_deref()
                .map(|g| parse::parse_grid("grid", g))
                .transpose()
                .map_err(s)?;
        }
        Command::Simulate(SimulateCommand::Spectrum(a)) => {
            out.experiment = Some(resolve(&a.common).map_err(s)?);
            out.z =
                a.z.split(';')
                    .map(|t| parse::parse_complex("z", t))
                    .collect::<Result<Vec<_>>>()
                    .map_err(s)?;
        }
    }
    Ok(out)
}

fn cmd_reproduce(args: &ReproduceArgs) -> Result<()> {
    let mut opts = if args.full {
        ReproduceOptions::full()
    } else {
        ReproduceOptions::fast()
    };
    if let Some(d) = &args.d {
        opts.d = parse_count("d", d)?;
        opts.base.d = opts.d;
        opts.base.validate()?;
        // --d also caps the ridge and one-step simulations (quick runs).
        opts.learn_d = opts.learn_d.min(opts.d);
    }
    let bar = Bar::new(args.quiet);
    let out = report::reproduce(&opts, &args.out, &bar)?;
    drop(bar);
    let passed = out.rows.iter().filter(|r| r.pass).count();
    println!(
        "wrote {} files to {} in {:.1} s; theory vs simulation: {passed} of {} rows within tolerance",
        out.files.len(),
        args.out.display(),
        out.seconds,
        out.rows.len()
    );
    println!("report: {}", args.out.join("report.md").display());
    Ok(())
}

fn cmd_verify(args: &VerifyArgs) -> Result<()> {
    let start = std::time::Instant::now();
    let bar = Bar::new(args.quiet);
    let rows = giantstep::verify::verification_rows(&bar)?;
    drop(bar);
    println!(
        "\ntheory vs simulation ({:.0} s)",
        start.elapsed().as_secs_f64()
    );
    print!("{}", giantstep::table::to_text(&rows));
    if let Some(path) = &args.json_out {
        let s =
            serde_json::to_string_pretty(&rows).map_err(|e| Error::field("json", e.to_string()))?;
        std::fs::write(path, s).map_err(|e| Error::io("could not write", path, e))?;
    }
    let failed = rows.iter().filter(|r| !r.pass).count();
    if failed > 0 {
        return Err(Error::Kernel {
            kernel: "verify",
            message: format!(
                "{failed} of {} theory-vs-simulation rows out of tolerance",
                rows.len()
            ),
        });
    }
    Ok(())
}

fn cmd_simulate_risk(args: &SimulateRiskArgs) -> Result<()> {
    let e = args.common.experiment()?;
    let model = Model::new(&e)?;
    let n_test = parse_count("n_test", &args.n_test)?;
    let bar = Bar::new(args.common.quiet);
    let cmp = learning::compare_risk(&model, e.d, &e.seeds, n_test, &bar)?;
    drop(bar);
    if args.common.json {
        return print_json(&cmp);
    }
    println!(
        "{} | lambda = {}, noise = {}, d = {}, seeds {:?}",
        model.short(),
        model.lambda,
        model.noise,
        e.d,
        e.seeds
    );
    println!(
        "{:<8} {:>12} {:>12} {:>10} {:>9}",
        "", "theory", "simulation", "stderr", "gap"
    );
    for (name, th, (sim, se)) in [
        ("E_gen", cmp.theory_gen, cmp.sim_gen),
        ("E_train", cmp.theory_train, cmp.sim_train),
    ] {
        println!(
            "{name:<8} {th:>12.6} {sim:>12.6} {se:>10.6} {:>8.3}%",
            100.0 * (sim - th) / th
        );
    }
    Ok(())
}
