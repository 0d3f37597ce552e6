//! Small statistics on simulated spectra: normalized histograms, empirical CDF against a
//! theoretical one (Kolmogorov distance), relative gaps, seed means and standard errors.

use serde::{Deserialize, Serialize};

/// A histogram normalized as a probability density (`Σ density_i · width_i` = fraction of the
/// samples inside `[edges[0], edges[last]]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// Bin edges (`bins + 1` increasing values).
    pub edges: Vec<f64>,
    /// Density in each bin (count / (total · width)).
    pub density: Vec<f64>,
    /// Samples that fell outside the range.
    pub outside: usize,
    /// Total number of samples.
    pub total: usize,
}

impl Histogram {
    /// Bins `samples` on `bins` equal bins of `[lo, hi]`. Samples outside are counted in
    /// `outside` (they still count in the normalization).
    pub fn new(samples: &[f64], lo: f64, hi: f64, bins: usize) -> Self {
        let bins = bins.max(1);
        let width = (hi - lo) / bins as f64;
        let mut counts = vec![0usize; bins];
        let mut outside = 0;
        for &x in samples {
            if x < lo || x > hi || !x.is_finite() {
                outside += 1;
                continue;
            }
            let i = (((x - lo) / width) as usize).min(bins - 1);
            counts[i] += 1;
        }
        let total = samples.len().max(1);
        Histogram {
            edges: (0..=bins).map(|i| lo + width * i as f64).collect(),
            density: counts
                .iter()
                .map(|&c| c as f64 / (total as f64 * width))
                .collect(),
            outside,
            total: samples.len(),
        }
    }

    /// Bin centres.
    pub fn centres(&self) -> Vec<f64> {
        self.edges.windows(2).map(|w| 0.5 * (w[0] + w[1])).collect()
    }
}

/// Kolmogorov distance `sup_x |F_emp(x) - F(x)|` between the empirical CDF of `samples` and a
/// CDF given on an increasing grid `(x_i, F(x_i))` (linear interpolation between grid points,
/// `F = F(x_0)` below and `F(x_last)` above).
pub fn kolmogorov_distance(samples: &[f64], cdf: &[(f64, f64)]) -> f64 {
    if samples.is_empty() || cdf.is_empty() {
        return f64::NAN;
    }
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len() as f64;
    let f = |x: f64| interpolate(cdf, x);
    let mut worst: f64 = 0.0;
    for (i, &x) in s.iter().enumerate() {
        let fx = f(x);
        worst = worst
            .max((fx - i as f64 / n).abs())
            .max(((i + 1) as f64 / n - fx).abs());
    }
    worst
}

/// Kolmogorov distance for a sample with `zeros` exact zeros (an atom at 0) besides the
/// `positive` values: the empirical CDF is `(zeros + #{x_i ≤ x}) / (zeros + positive.len())`,
/// compared with `cdf` (which must include the theory's atom) on the positive values and at
/// the atom itself (`|zeros/total − F(0)|`).
pub fn kolmogorov_distance_with_atom(positive: &[f64], zeros: usize, cdf: &[(f64, f64)]) -> f64 {
    let total = (positive.len() + zeros) as f64;
    if total == 0.0 || cdf.is_empty() {
        return f64::NAN;
    }
    let mut s = positive.to_vec();
    s.sort_by(f64::total_cmp);
    let f = |x: f64| interpolate(cdf, x);
    let mut worst = (zeros as f64 / total - f(0.0)).abs();
    for (i, &x) in s.iter().enumerate() {
        let fx = f(x);
        let below = (zeros + i) as f64 / total;
        let above = (zeros + i + 1) as f64 / total;
        worst = worst.max((fx - below).abs()).max((above - fx).abs());
    }
    worst
}

/// Linear interpolation in an increasing table `(x_i, y_i)`, constant outside.
pub fn interpolate(table: &[(f64, f64)], x: f64) -> f64 {
    let first = table[0];
    let last = table[table.len() - 1];
    if x <= first.0 {
        return first.1;
    }
    if x >= last.0 {
        return last.1;
    }
    let j = table.partition_point(|&(t, _)| t <= x);
    let (x0, y0) = table[j - 1];
    let (x1, y1) = table[j];
    if x1 == x0 {
        return y1;
    }
    y0 + (y1 - y0) * (x - x0) / (x1 - x0)
}

/// Cumulative trapezoid integral of a density on a grid, plus a point mass `atom` at 0 added
/// where the grid crosses 0: the CDF table for [`kolmogorov_distance`].
pub fn cdf_from_density(x: &[f64], density: &[f64], atom_at_zero: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(x.len());
    let mut acc = if x.first().is_some_and(|&x0| x0 >= 0.0) {
        atom_at_zero
    } else {
        0.0
    };
    let mut atom_added = acc > 0.0 || atom_at_zero == 0.0;
    for i in 0..x.len() {
        if i > 0 {
            acc += 0.5 * (density[i] + density[i - 1]) * (x[i] - x[i - 1]);
            if !atom_added && x[i] >= 0.0 {
                acc += atom_at_zero;
                atom_added = true;
            }
        }
        out.push((x[i], acc));
    }
    out
}

/// Relative gap `|simulation - theory| / |theory|` (absolute gap when `theory = 0`).
pub fn relative_gap(theory: f64, simulation: f64) -> f64 {
    let diff = (simulation - theory).abs();
    if theory == 0.0 {
        diff
    } else {
        diff / theory.abs()
    }
}

/// Mean and standard error of the mean (0 for a single value).
pub fn mean_and_stderr(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_integrates_to_inside_fraction() {
        let s: Vec<f64> = (0..1000).map(|i| i as f64 / 1000.0).collect();
        let h = Histogram::new(&s, 0.0, 0.5, 10);
        let mass: f64 = h.density.iter().map(|d| d * 0.05).sum();
        assert!((mass - 0.5).abs() < 2e-3, "{mass}");
        assert_eq!(h.outside, 499);
    }

    #[test]
    fn kolmogorov_of_uniform_grid_is_small() {
        // samples i/n on [0,1] against the uniform CDF: distance exactly 1/n.
        let n = 200;
        let s: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
        let cdf = vec![(0.0, 0.0), (1.0, 1.0)];
        let k = kolmogorov_distance(&s, &cdf);
        assert!((k - 0.5 / n as f64).abs() < 1e-12, "{k}");
    }

    #[test]
    fn atom_is_matched_separately() {
        // 1/3 zeros, the rest uniform on (0, 1]: theory atom 1/3 + (2/3) x.
        let n = 300;
        let pos: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
        let cdf = vec![(0.0, 1.0 / 3.0), (1.0, 1.0)];
        let k = kolmogorov_distance_with_atom(&pos, n / 2, &cdf);
        assert!(k < 1.0 / n as f64, "{k}");
    }

    #[test]
    fn cdf_adds_atom_at_zero() {
        let x = [-1.0, 0.5, 1.0];
        let c = cdf_from_density(&x, &[0.0, 0.0, 0.0], 0.25);
        assert_eq!(c[0].1, 0.0);
        assert_eq!(c[1].1, 0.25);
    }

    #[test]
    fn stderr_of_constant_is_zero() {
        assert_eq!(mean_and_stderr(&[2.0, 2.0, 2.0]), (2.0, 0.0));
        assert!((relative_gap(2.0, 2.2) - 0.1).abs() < 1e-12);
    }
}
