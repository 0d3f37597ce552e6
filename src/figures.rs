//! Figure builders: experiment data in, [`Figure`] (plain data) out. Rendering is in
//! [`crate::plot`].

use crate::experiments::simulation::SimulatedSpectrum;
use crate::experiments::spectrum::TheorySpectrum;
use crate::model::fmt_num;
use crate::plot::{Figure, Marker, Panel, Series, Style};

/// Colour indices used consistently across figures.
pub mod colors {
    /// Theory lines.
    pub const THEORY: usize = 0;
    /// Simulation points.
    pub const SIMULATION: usize = 1;
    /// Secondary theory (learned features, conditional theory).
    pub const SECOND: usize = 2;
    /// Outlier markers.
    pub const OUTLIER: usize = 3;
    /// Irreducible / reference lines.
    pub const REFERENCE: usize = 6;
}

/// y range that keeps the histogram readable when the density has an integrable spike
/// near 0: up to 1.3 × the largest histogram bar, or the largest theory value on the bulk
/// away from 0, whichever is larger (capped at 3× the bars).
fn spectrum_y_range(sim: &SimulatedSpectrum) -> (f64, f64) {
    let bars = sim.histogram.density.iter().copied().fold(0.0, f64::max);
    let th = &sim.theory;
    let lo = 0.05 * th.right_edge;
    let theory_max =
        th.x.iter()
            .zip(&th.density)
            .filter(|(x, _)| **x > lo)
            .map(|(_, r)| *r)
            .fold(0.0, f64::max);
    (0.0, (1.3 * bars).max(theory_max.min(3.0 * bars)).max(1e-12))
}

/// One spectrum panel: histogram of the simulated eigenvalues, theory density over it,
/// the theory's right edge, and outliers (predicted and simulated) marked.
pub fn spectrum_panel(title: &str, sim: &SimulatedSpectrum) -> Panel {
    let th: &TheorySpectrum = &sim.theory;
    let mut markers = Vec::new();
    for o in &sim.predicted_outliers {
        markers.push(Marker {
            x: *o,
            label: "outliers predicted (theory)".into(),
            color: colors::OUTLIER,
        });
    }
    // Simulated eigenvalues clearly beyond the bulk (first seed), besides the predicted ones.
    if let Some(ev) = sim.eigenvalues.first() {
        let beyond: Vec<f64> = ev
            .iter()
            .rev()
            .copied()
            .filter(|&l| l > 1.03 * th.right_edge)
            .take(6)
            .collect();
        for l in beyond {
            markers.push(Marker {
                x: l,
                label: "simulated eigenvalues beyond the edge".into(),
                color: colors::SIMULATION,
            });
        }
    }
    Panel {
        title: title.to_string(),
        x_label: "eigenvalue of F Fᵀ/n".into(),
        y_label: "density".into(),
        histogram: Some((
            sim.histogram.clone(),
            format!("simulation (d = {}, {} seeds)", sim.d, sim.seeds.len()),
        )),
        series: vec![Series {
            label: "theory density".into(),
            points: th
                .x
                .iter()
                .copied()
                .zip(th.density.iter().copied())
                .collect(),
            style: Style::Line,
            color: colors::THEORY,
        }],
        markers,
        x_range: Some((0.0, th.x[th.x.len() - 1])),
        y_range: Some(spectrum_y_range(sim)),
    }
}

/// Spectrum before (random features) and after the step.
pub fn spectrum_before_after(
    before: &SimulatedSpectrum,
    after: &SimulatedSpectrum,
    eta: f64,
) -> Figure {
    Figure {
        name: "spectrum_before_after".into(),
        panels: vec![
            spectrum_panel("before the step (random features, u = 0)", before),
            spectrum_panel(
                &format!("after one giant step (η = {})", fmt_num(eta)),
                after,
            ),
        ],
    }
}

/// The tail moving out: theory densities for several `η̃` (zoom on the upper bulk), and the
/// mass beyond the random-features edge vs `η̃` (theory line, simulation points).
pub fn tail_vs_eta(
    theories: &[(f64, TheorySpectrum)],
    simulated_tail: &[(f64, f64)],
    d: usize,
) -> Figure {
    let rf_edge = theories.first().map(|(_, t)| t.rf_edge).unwrap_or(1.0);
    let hi = theories
        .iter()
        .map(|(_, t)| t.right_edge)
        .fold(rf_edge, f64::max)
        * 1.08;
    let lo = 0.45 * rf_edge;
    let series: Vec<Series> = theories
        .iter()
        .enumerate()
        .map(|(i, (eta, t))| Series {
            label: format!("η = {}", fmt_num(*eta)),
            points: t
                .x
                .iter()
                .copied()
                .zip(t.density.iter().copied())
                .filter(|(x, _)| *x >= lo && *x <= hi)
                .collect(),
            style: Style::Line,
            color: i + 1,
        })
        .collect();
    let ymax = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1))
        .fold(0.0, f64::max)
        * 1.15;
    let density_panel = Panel {
        title: "theory density: the right tail moves out as η grows".into(),
        x_label: "eigenvalue of F Fᵀ/n".into(),
        y_label: "density".into(),
        series,
        markers: vec![Marker {
            x: rf_edge,
            label: "random-features edge".into(),
            color: colors::REFERENCE,
        }],
        x_range: Some((lo, hi)),
        y_range: Some((0.0, ymax.max(1e-12))),
        ..Panel::default()
    };
    let mass_panel = Panel {
        title: "spectral mass beyond the random-features edge".into(),
        x_label: "learning rate η of the step".into(),
        y_label: "mass beyond the edge".into(),
        series: vec![
            Series {
                label: "theory".into(),
                points: theories.iter().map(|(e, t)| (*e, t.tail_mass)).collect(),
                style: Style::Line,
                color: colors::THEORY,
            },
            Series {
                label: format!("simulation (d = {d})"),
                points: simulated_tail.to_vec(),
                style: Style::Points,
                color: colors::SIMULATION,
            },
        ],
        ..Panel::default()
    };
    Figure {
        name: "tail_vs_eta".into(),
        panels: vec![density_panel, mass_panel],
    }
}

/// Learning curves `E_gen(α)`: theory lines over simulation points for random features and
/// learned features, with the unlearnable part (plus `Δ`) of the learned features dashed.
pub fn learning_curves(
    rf: &crate::experiments::learning::LearningCurve,
    learned: &crate::experiments::learning::LearningCurve,
    noise: f64,
) -> Panel {
    let mut series = Vec::new();
    for (curve, col) in [(rf, colors::THEORY), (learned, colors::SECOND)] {
        series.push(Series {
            label: format!("{} (theory)", curve.theory.label),
            points: curve.theory.points.iter().map(|p| (p.x, p.e_gen)).collect(),
            style: Style::Line,
            color: col,
        });
        series.push(Series {
            label: format!("{} (simulation, d = {})", curve.theory.label, curve.d),
            points: curve.simulation.iter().map(|&(a, g, _)| (a, g)).collect(),
            style: Style::Points,
            color: col,
        });
    }
    series.push(Series {
        label: "unlearnable part + Δ (learned features)".into(),
        points: learned
            .theory
            .points
            .iter()
            .map(|p| (p.x, p.irreducible + noise))
            .collect(),
        style: Style::Dashed,
        color: colors::REFERENCE,
    });
    Panel {
        title: "test error vs samples per dimension".into(),
        x_label: "α = n/d".into(),
        y_label: "test error E_gen".into(),
        series,
        ..Panel::default()
    }
}

/// `E_gen(η)` of the θ-rescaled spiked model: theory line, simulation points, and the
/// unlearnable part.
pub fn error_vs_eta(
    theory: &crate::experiments::risk::Curve,
    sim: &[(f64, f64, f64)],
    d: usize,
    noise: f64,
) -> Panel {
    Panel {
        title: "test error vs learning rate of the step".into(),
        x_label: "learning rate η".into(),
        y_label: "test error E_gen".into(),
        series: vec![
            Series {
                label: "theory (spiked model with θ-rescaling)".into(),
                points: theory.points.iter().map(|p| (p.x, p.e_gen)).collect(),
                style: Style::Line,
                color: colors::SECOND,
            },
            Series {
                label: format!("simulation (d = {d})"),
                points: sim.iter().map(|&(e, g, _)| (e, g)).collect(),
                style: Style::Points,
                color: colors::SIMULATION,
            },
            Series {
                label: "unlearnable part + Δ".into(),
                points: theory
                    .points
                    .iter()
                    .map(|p| (p.x, p.irreducible + noise))
                    .collect(),
                style: Style::Dashed,
                color: colors::REFERENCE,
            },
        ],
        ..Panel::default()
    }
}

/// The one-step network vs its spiked equivalent as `c = n0/d` grows: spike overlap vs
/// `cos_c²`, `m(z)` gap, and the test error vs the θ-rescaled and plain theories.
pub fn onestep_equivalence(os: &crate::experiments::learning::OneStepEquivalence) -> Figure {
    let cs: Vec<f64> = os.points.iter().map(|p| p.c).collect();
    let cmax = cs.iter().copied().fold(1.0, f64::max);
    let fine: Vec<(f64, f64)> = os
        .points
        .first()
        .map(|_| {
            (0..=200)
                .map(|i| {
                    let c = cmax * i as f64 / 200.0;
                    // cos_c^2 = c s/(c s + v): recover s/v from the first point's prediction.
                    let p0 = &os.points[0];
                    let ratio = p0.overlap_theory / (1.0 - p0.overlap_theory) / p0.c;
                    (c, c * ratio / (c * ratio + 1.0))
                })
                .collect()
        })
        .unwrap_or_default();
    let overlap = Panel {
        title: "learned direction: overlap with θ".into(),
        x_label: "batch size of the step c = n0/d".into(),
        y_label: "<v, θ>²".into(),
        series: vec![
            Series {
                label: "prediction cos_c²".into(),
                points: fine,
                style: Style::Line,
                color: colors::THEORY,
            },
            Series {
                label: format!("one-step network (d = {})", os.d),
                points: os
                    .points
                    .iter()
                    .flat_map(|p| p.overlap.iter().map(move |&o| (p.c, o)))
                    .collect(),
                style: Style::Points,
                color: colors::SIMULATION,
            },
        ],
        y_range: Some((0.0, 1.05)),
        ..Panel::default()
    };
    let gap = Panel {
        title: format!("spectrum: one-step vs spiked theory, z = {}", os.z[0][0]),
        x_label: "batch size of the step c = n0/d".into(),
        y_label: "relative gap of m(z)".into(),
        series: vec![Series {
            label: format!("|m_one-step − m_theory| / |m_theory| (d = {})", os.d),
            points: os.points.iter().map(|p| (p.c, p.m_gap[0])).collect(),
            style: Style::LinePoints,
            color: colors::SIMULATION,
        }],
        ..Panel::default()
    };
    let err = Panel {
        title: "test error after retraining".into(),
        x_label: "batch size of the step c = n0/d".into(),
        y_label: "test error E_gen".into(),
        series: vec![
            Series {
                label: format!("one-step network (d = {})", os.d),
                points: os.points.iter().map(|p| (p.c, p.e_gen.0)).collect(),
                style: Style::LinePoints,
                color: colors::SIMULATION,
            },
            Series {
                label: "theory, spiked model with θ-rescaling".into(),
                points: vec![(0.0, os.e_gen_theory), (cmax, os.e_gen_theory)],
                style: Style::Line,
                color: colors::SECOND,
            },
            Series {
                label: "theory, plain spiked model (γ = 1)".into(),
                points: vec![(0.0, os.e_gen_theory_plain), (cmax, os.e_gen_theory_plain)],
                style: Style::Dashed,
                color: colors::REFERENCE,
            },
        ],
        ..Panel::default()
    };
    Figure {
        name: "onestep_equivalence".into(),
        panels: vec![overlap, gap, err],
    }
}
