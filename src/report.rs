//! `giantstep reproduce`: runs the experiments of THEORY.md §6, writes the figures (SVG and
//! PNG), the data (JSON and CSV) and `report.md` (figures embedded, theory vs simulation
//! tabulated with relative gaps) into an output directory.

use crate::checks::{spectrum_rows, stat_row};
use crate::config::{Experiment, Group};
use crate::error::{Error, Result};
use crate::experiments::learning::{self, LearningCurve, OneStepEquivalence};
use crate::experiments::risk::{self, Curve};
use crate::experiments::simulation::{self, SimulatedSpectrum};
use crate::experiments::spectrum::{TheorySpectrum, theory_spectrum};
use crate::figures;
use crate::model::{Model, fmt_num};
use crate::plot::Figure;
use crate::progress::Progress;
use crate::table::{Row, to_markdown};
use num_complex::Complex64;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What `reproduce` runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReproduceOptions {
    /// Base experiment (activation, target, second-layer law, ψ, α, λ, Δ).
    pub base: Experiment,
    /// Simulation dimension.
    pub d: usize,
    /// Seeds of the spectrum simulations.
    pub seeds: Vec<u64>,
    /// Learning rates of the tail figure.
    pub etas: Vec<f64>,
    /// Learning rate of the "after" spectrum.
    pub eta_after: f64,
    /// Points where `m(z)` is compared.
    pub zs: Vec<[f64; 2]>,
    /// Dimension of the ridge and one-step simulations.
    pub learn_d: usize,
    /// Seeds of the ridge and one-step simulations.
    pub learn_seeds: Vec<u64>,
    /// `α` of the simulated learning-curve points.
    pub alphas_sim: Vec<f64>,
    /// `η̃` of the simulated `E_gen(η̃)` points.
    pub etas_sim: Vec<f64>,
    /// Batch ratios `c = n0/d` of the one-step experiment.
    pub cs: Vec<f64>,
    /// Test samples per seed.
    pub n_test: usize,
}

impl ReproduceOptions {
    /// The fast default (about a minute on 2 cores, budget 3 minutes): spectra at d = 1200
    /// with 3 seeds, ridge and one-step simulations at d = 600 with 4 seeds.
    pub fn fast() -> Self {
        ReproduceOptions {
            base: Experiment {
                activation: "relu".into(),
                target: "hermite:0,1,0.7071067811865476".into(),
                psi: 1.0,
                alpha: 2.0,
                lambda: 0.1,
                noise: 0.1,
                a_values: vec![1.0, -1.0],
                a_probs: Some(vec![0.5, 0.5]),
                ..Experiment::default()
            },
            d: 1200,
            seeds: vec![1, 2, 3],
            etas: vec![0.0, 2.0, 4.0, 6.0, 8.0],
            eta_after: 6.0,
            zs: vec![[-0.5, 0.0], [0.5, 0.5], [2.0, 1.0]],
            learn_d: 600,
            learn_seeds: vec![1, 2, 3, 4],
            alphas_sim: vec![0.5, 1.0, 2.0, 3.0, 4.0],
            etas_sim: vec![0.0, 2.0, 4.0, 6.0, 8.0],
            cs: vec![1.0, 4.0, 16.0],
            n_test: 6000,
        }
    }

    /// Paper-size runs: d = 2000, 4 seeds, finer η̃ sweep.
    pub fn full() -> Self {
        ReproduceOptions {
            d: 2000,
            seeds: vec![1, 2, 3, 4],
            etas: vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0],
            learn_d: 1000,
            learn_seeds: vec![1, 2, 3, 4, 5, 6],
            cs: vec![1.0, 4.0, 16.0, 64.0],
            n_test: 10_000,
            ..Self::fast()
        }
    }

    fn model_at(&self, eta: f64) -> Result<Model> {
        let mut e = self.base.clone();
        if eta == 0.0 {
            e.eta = None;
            e.groups = Some(vec![Group {
                u: 0.0,
                pi: 1.0,
                gamma: 1.0,
            }]);
        } else {
            e.groups = None;
            e.eta = Some(eta);
        }
        Model::new(&e)
    }
}

/// Everything `reproduce` computed (written as `data.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReproduceData {
    /// Options used.
    pub options: ReproduceOptions,
    /// Spectrum before the step.
    pub before: SimulatedSpectrum,
    /// Spectrum after the step.
    pub after: SimulatedSpectrum,
    /// Theory spectra per `η̃`.
    pub theories: Vec<(f64, TheorySpectrum)>,
    /// Simulated mass beyond the random-features edge per `η̃` (one seed).
    pub simulated_tail: Vec<(f64, f64)>,
    /// Learning curve, random features.
    pub curve_rf: LearningCurve,
    /// Learning curve, learned features.
    pub curve_learned: LearningCurve,
    /// `E_gen(η̃)` theory.
    pub eta_curve: Curve,
    /// `E_gen(η̃)` simulation points `(η̃, mean, stderr)`.
    pub eta_sim: Vec<(f64, f64, f64)>,
    /// One-step vs spiked model.
    pub onestep: OneStepEquivalence,
    /// Theory vs simulation rows.
    pub rows: Vec<Row>,
}

/// Summary returned to the caller.
#[derive(Debug, Clone)]
pub struct ReproduceOutput {
    /// Files written.
    pub files: Vec<PathBuf>,
    /// Theory vs simulation rows.
    pub rows: Vec<Row>,
    /// Wall time in seconds.
    pub seconds: f64,
}

fn write(path: &Path, text: &str, files: &mut Vec<PathBuf>) -> Result<()> {
    std::fs::write(path, text).map_err(|e| Error::io("could not write", path, e))?;
    files.push(path.to_path_buf());
    Ok(())
}

/// Runs everything and writes it to `out`.
pub fn reproduce(
    opts: &ReproduceOptions,
    out: &Path,
    progress: &dyn Progress,
) -> Result<ReproduceOutput> {
    let start = Instant::now();
    std::fs::create_dir_all(out).map_err(|e| Error::io("could not create directory", out, e))?;
    let zs: Vec<Complex64> = opts.zs.iter().map(|z| Complex64::new(z[0], z[1])).collect();
    let before_model = opts.model_at(0.0)?;
    let after_model = opts.model_at(opts.eta_after)?;
    let before = simulation::simulate_spectrum(&before_model, opts.d, &opts.seeds, &zs, progress)?;
    let after = simulation::simulate_spectrum(&after_model, opts.d, &opts.seeds, &zs, progress)?;

    let mut theories = Vec::new();
    let mut simulated_tail = Vec::new();
    for &eta in &opts.etas {
        let model = opts.model_at(eta)?;
        let th = theory_spectrum(&model, None, progress)?;
        progress.start(&format!("simulation: tail at eta = {}", fmt_num(eta)), 1);
        let draw = simulation::draw(&model, opts.d, opts.seeds[0])?;
        let r_out = th.outliers_over_p.len();
        let ev = &draw.eigenvalues;
        let beyond = ev[..ev.len() - r_out.min(ev.len())]
            .iter()
            .filter(|&&l| l > th.rf_edge)
            .count() as f64
            / ev.len() as f64;
        progress.inc(1);
        simulated_tail.push((eta, beyond));
        theories.push((eta, th));
    }

    let mut rows = spectrum_rows(&before, &format!("{} (before)", before_model.short()));
    rows.extend(spectrum_rows(
        &after,
        &format!(
            "{} (after, eta={})",
            after_model.short(),
            fmt_num(opts.eta_after)
        ),
    ));

    // Learning curves: random features vs learned features (theta-rescaled spiked model).
    let alphas_theory: Vec<f64> = (1..=60).map(|i| 5.0 * i as f64 / 60.0).collect();
    let ld = opts.learn_d;
    let curve_rf = learning::learning_curve(
        &before_model,
        "random features",
        &alphas_theory,
        &opts.alphas_sim,
        ld,
        &opts.learn_seeds,
        opts.n_test,
        progress,
    )?;
    let curve_learned = learning::learning_curve(
        &after_model,
        &format!("learned features (η = {})", fmt_num(opts.eta_after)),
        &alphas_theory,
        &opts.alphas_sim,
        ld,
        &opts.learn_seeds,
        opts.n_test,
        progress,
    )?;
    for (curve, model) in [(&curve_rf, &before_model), (&curve_learned, &after_model)] {
        for &(alpha, g, se) in &curve.simulation {
            let mut m = model.clone();
            m.alpha = alpha;
            let th = risk::risk(&m)?;
            rows.push(stat_row(
                "E_gen",
                &format!("{}, alpha={}", curve.theory.label, fmt_num(alpha)),
                ld,
                th.r#gen,
                (g, se),
                crate::verify::TOL_RISK,
            ));
        }
    }
    // E_gen(eta): theory and spiked-model simulation.
    let a_values = o_a_values(opts);
    let a_probs = opts.base.a_probs();
    let etas_theory: Vec<f64> = (0..=40).map(|i| 8.0 * i as f64 / 40.0).collect();
    let eta_curve = risk::curve_eta(
        &before_model,
        "E_gen(eta)",
        &etas_theory,
        &a_values,
        &a_probs,
        progress,
    )?;
    progress.start(
        "simulation: E_gen(eta)",
        (opts.etas_sim.len() * opts.learn_seeds.len()) as u64,
    );
    let mut eta_sim = Vec::new();
    for &eta in &opts.etas_sim {
        let model = opts.model_at(eta)?;
        let mut gens = Vec::new();
        for &s in &opts.learn_seeds {
            gens.push(learning::simulate_risk(&model, ld, &[s], opts.n_test)?[0].e_gen);
            progress.inc(1);
        }
        let (g, se) = crate::stats::mean_and_stderr(&gens);
        eta_sim.push((eta, g, se));
        let th = risk::risk(&model)?;
        rows.push(stat_row(
            "E_gen",
            &format!("{}, lambda={}", model.short(), fmt_num(model.lambda)),
            ld,
            th.r#gen,
            (g, se),
            crate::verify::TOL_RISK,
        ));
    }
    // One-step network vs the spiked model.
    let onestep = learning::one_step_equivalence(
        &after_model,
        opts.eta_after,
        &a_values,
        &opts.cs,
        ld,
        &opts.learn_seeds,
        &[Complex64::new(-0.5, 0.0)],
        opts.n_test,
        progress,
    )?;
    for pt in &onestep.points {
        let (ov, _) = crate::stats::mean_and_stderr(&pt.overlap);
        rows.push(Row::absolute(
            format!("overlap <v,theta>^2 vs cos_c^2, c={}", fmt_num(pt.c)),
            format!("one step, eta={}", fmt_num(opts.eta_after)),
            ld,
            pt.overlap_theory,
            ov,
            (ov - pt.overlap_theory).abs(),
            crate::verify::TOL_OVERLAP,
        ));
    }

    let mut files = Vec::new();
    let figs: Vec<Figure> = vec![
        figures::spectrum_before_after(&before, &after, opts.eta_after),
        figures::tail_vs_eta(&theories, &simulated_tail, opts.d),
        Figure {
            name: "learning_curves".into(),
            panels: vec![
                figures::learning_curves(&curve_rf, &curve_learned, opts.base.noise),
                figures::error_vs_eta(&eta_curve, &eta_sim, ld, opts.base.noise),
            ],
        },
        figures::onestep_equivalence(&onestep),
    ];
    progress.start("figures", figs.len() as u64);
    for f in &figs {
        files.extend(f.render(out)?);
        progress.inc(1);
    }
    progress.finish();

    // Data: densities as CSV, everything as JSON.
    let mut csv = String::from("eta,x,density\n");
    for (eta, th) in &theories {
        for (x, r) in th.x.iter().zip(&th.density) {
            let _ = writeln!(csv, "{eta},{x},{r}");
        }
    }
    write(&out.join("theory_densities.csv"), &csv, &mut files)?;
    let mut csv = String::from("eta,theory_tail_mass,simulated_tail_mass,right_edge,rf_edge\n");
    for ((eta, th), (_, sim)) in theories.iter().zip(&simulated_tail) {
        let _ = writeln!(
            csv,
            "{eta},{},{sim},{},{}",
            th.tail_mass, th.right_edge, th.rf_edge
        );
    }
    write(&out.join("tail_vs_eta.csv"), &csv, &mut files)?;
    let mut csv = String::from("quantity,configuration,d,theory,simulation,gap,tolerance,pass\n");
    for r in &rows {
        let _ = writeln!(
            csv,
            "\"{}\",\"{}\",{},{},{},{},{},{}",
            r.quantity, r.configuration, r.d, r.theory, r.simulation, r.gap, r.tolerance, r.pass
        );
    }
    write(&out.join("theory_vs_simulation.csv"), &csv, &mut files)?;
    let data = ReproduceData {
        options: opts.clone(),
        before,
        after,
        theories,
        simulated_tail,
        curve_rf,
        curve_learned,
        eta_curve,
        eta_sim,
        onestep,
        rows: rows.clone(),
    };
    let json = serde_json::to_string(&data).map_err(|e| Error::field("json", e.to_string()))?;
    write(&out.join("data.json"), &json, &mut files)?;

    let seconds = start.elapsed().as_secs_f64();
    let md = report_markdown(&data, seconds);
    write(&out.join("report.md"), &md, &mut files)?;
    Ok(ReproduceOutput {
        files,
        rows,
        seconds,
    })
}

fn o_a_values(opts: &ReproduceOptions) -> Vec<f64> {
    opts.base.a_values.clone()
}

fn report_markdown(data: &ReproduceData, seconds: f64) -> String {
    let o = &data.options;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# giantstep: the spectrum of learned features after one giant step\n"
    );
    let _ = writeln!(
        s,
        "Student `σ = {}`, target `σ* = {}`, second layer `a ∈ {:?}` with probabilities {:?}, \
         `ψ = p/d = {}`, `α = n/d = {}`; simulations at `d = {}` with seeds {:?}. \
         Generated by `giantstep reproduce` in {:.0} s.\n",
        o.base.activation,
        o.base.target,
        o.base.a_values,
        o.base.a_probs(),
        fmt_num(o.base.psi),
        fmt_num(o.base.alpha),
        o.d,
        o.seeds,
        seconds
    );
    let _ = writeln!(s, "## Spectrum before and after the step\n");
    let _ = writeln!(
        s,
        "Histogram: eigenvalues of `F Fᵀ/n` of the simulated spiked features; red line: the \
         density of the deterministic equivalent (THEORY.md §4). The `r` outliers of order `p` \
         created by the feature means are far to the right; their predicted and simulated \
         positions are listed on the figure.\n"
    );
    let _ = writeln!(
        s,
        "![spectrum before and after](spectrum_before_after.png)\n"
    );
    let _ = writeln!(s, "## The tail moves out as η̃ grows\n");
    let _ = writeln!(s, "![tail vs eta](tail_vs_eta.png)\n");
    let _ = writeln!(
        s,
        "| η̃ | right edge | mass beyond RF edge (theory) | (simulation, d = {}) |\n|---:|---:|---:|---:|",
        o.d
    );
    for ((eta, th), (_, sim)) in data.theories.iter().zip(&data.simulated_tail) {
        let _ = writeln!(
            s,
            "| {} | {:.4} | {:.5} | {:.5} |",
            fmt_num(*eta),
            th.right_edge,
            th.tail_mass,
            sim
        );
    }
    let _ = writeln!(
        s,
        "\n## Learning curves: random features vs learned features\n"
    );
    let _ = writeln!(
        s,
        "Ridge on the second layer (λ = {}, Δ = {}) over random features (`u = 0`) and over the \
         features after the step (spiked model with θ-rescaling, THEORY.md §2, §5). Lines: \
         theory; points: simulations at d = {} ({} seeds); dashed: the part of the target \
         outside the span the learned features can express, plus the noise.\n",
        fmt_num(o.base.lambda),
        fmt_num(o.base.noise),
        o.learn_d,
        o.learn_seeds.len()
    );
    let _ = writeln!(s, "![learning curves](learning_curves.png)\n");
    let _ = writeln!(s, "## One-step network vs the spiked model\n");
    let _ = writeln!(
        s,
        "The actual network after one giant step with a batch of `n0 = c d` samples, compared \
         with its spiked equivalent: the learned direction's overlap with θ against `cos_c²`, \
         the gap between the Stieltjes transforms, and the test error after retraining against \
         the θ-rescaled and plain spiked theories (THEORY.md §2).\n"
    );
    let _ = writeln!(s, "![one-step equivalence](onestep_equivalence.png)\n");
    let _ = writeln!(
        s,
        "| c = n0/d | overlap (simulation) | cos_c² | m(z) gap | E_gen one-step | E_gen theory (θ-rescaled) | E_gen theory (γ = 1) |\n|---:|---:|---:|---:|---:|---:|---:|"
    );
    for p in &data.onestep.points {
        let (ov, _) = crate::stats::mean_and_stderr(&p.overlap);
        let _ = writeln!(
            s,
            "| {} | {:.4} | {:.4} | {:.4} | {:.4} ± {:.4} | {:.4} | {:.4} |",
            fmt_num(p.c),
            ov,
            p.overlap_theory,
            p.m_gap[0],
            p.e_gen.0,
            p.e_gen.1,
            data.onestep.e_gen_theory,
            data.onestep.e_gen_theory_plain
        );
    }
    let _ = writeln!(s, "\n## Theory vs simulation\n");
    let _ = writeln!(
        s,
        "`gap` is the relative gap `|simulation − theory| / |theory|` (for `m(z)`: of the complex \
         values), or an absolute distance where marked `abs`. \"conditional\" rows compare each \
         seed with the theory evaluated on that seed's own `κ_ν`.\n"
    );
    s.push_str(&to_markdown(&data.rows));
    let passed = data.rows.iter().filter(|r| r.pass).count();
    let _ = writeln!(
        s,
        "\n{passed} of {} rows within tolerance.",
        data.rows.len()
    );
    s
}
