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
        x_label: "learning rate η (η̃ of THEORY.md §2)".into(),
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
