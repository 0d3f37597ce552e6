//! The theory-vs-simulation table: one [`Row`] per checked quantity and configuration, with
//! the relative gap and the tolerance it is held to, rendered as text or Markdown.

use serde::{Deserialize, Serialize};

/// One line of the verification table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// What is compared (e.g. `Re m(z)`, `Kolmogorov(density, eigenvalues)`).
    pub quantity: String,
    /// Configuration in short form.
    pub configuration: String,
    /// Simulation dimension.
    pub d: usize,
    /// Theory value.
    pub theory: f64,
    /// Simulation value (seed mean).
    pub simulation: f64,
    /// The gap the tolerance applies to (relative gap unless `absolute`).
    pub gap: f64,
    /// Tolerance on `gap`.
    pub tolerance: f64,
    /// Whether `gap` is an absolute distance (Kolmogorov distance, overlaps near 0).
    pub absolute: bool,
    /// `gap <= tolerance` (and everything finite).
    pub pass: bool,
}

impl Row {
    /// A row comparing `theory` and `simulation` by relative gap.
    pub fn relative(
        quantity: impl Into<String>,
        configuration: impl Into<String>,
        d: usize,
        theory: f64,
        simulation: f64,
        tolerance: f64,
    ) -> Self {
        let gap = crate::stats::relative_gap(theory, simulation);
        Row {
            quantity: quantity.into(),
            configuration: configuration.into(),
            d,
            theory,
            simulation,
            gap,
            tolerance,
            absolute: false,
            pass: gap.is_finite() && gap <= tolerance,
        }
    }

    /// A row whose `gap` is an absolute distance computed by the caller (e.g. a Kolmogorov
    /// distance, where `theory = 0` and `simulation = gap`).
    pub fn absolute(
        quantity: impl Into<String>,
        configuration: impl Into<String>,
        d: usize,
        theory: f64,
        simulation: f64,
        gap: f64,
        tolerance: f64,
    ) -> Self {
        Row {
            quantity: quantity.into(),
            configuration: configuration.into(),
            d,
            theory,
            simulation,
            gap,
            tolerance,
            absolute: true,
            pass: gap.is_finite() && gap <= tolerance,
        }
    }
}

/// Plain-text table (fixed-width columns), with a count line at the end.
pub fn to_text(rows: &[Row]) -> String {
    let qw = rows
        .iter()
        .map(|r| r.quantity.len())
        .max()
        .unwrap_or(8)
        .max(8);
    let cw = rows
        .iter()
        .map(|r| r.configuration.len())
        .max()
        .unwrap_or(13)
        .max(13);
    let mut s = format!(
        "{:<qw$}  {:<cw$}  {:>5}  {:>12}  {:>12}  {:>10}  {:>9}  {}\n",
        "quantity", "configuration", "d", "theory", "simulation", "gap", "tolerance", "result"
    );
    s.push_str(&"-".repeat(qw + cw + 5 + 12 + 12 + 10 + 9 + 6 + 16));
    s.push('\n');
    for r in rows {
        s.push_str(&format!(
            "{:<qw$}  {:<cw$}  {:>5}  {:>12.6}  {:>12.6}  {:>10}  {:>9}  {}\n",
            r.quantity,
            r.configuration,
            r.d,
            r.theory,
            r.simulation,
            gap_text(r),
            tol_text(r),
            if r.pass { "pass" } else { "FAIL" }
        ));
    }
    let passed = rows.iter().filter(|r| r.pass).count();
    s.push_str(&format!("{passed} of {} rows pass\n", rows.len()));
    s
}

/// Markdown table (for report.md).
pub fn to_markdown(rows: &[Row]) -> String {
    let mut s = String::from(
        "| quantity | configuration | d | theory | simulation | gap | tolerance | result |\n|---|---|---:|---:|---:|---:|---:|---|\n",
    );
    for r in rows {
        s.push_str(&format!(
            "| {} | {} | {} | {:.6} | {:.6} | {} | {} | {} |\n",
            r.quantity.replace('|', "\\|"),
            r.configuration.replace('|', "\\|"),
            r.d,
            r.theory,
            r.simulation,
            gap_text(r),
            tol_text(r),
            if r.pass { "pass" } else { "**FAIL**" }
        ));
    }
    s
}

fn gap_text(r: &Row) -> String {
    if r.absolute {
        format!("{:.2e} abs", r.gap)
    } else {
        format!("{:.3}%", 100.0 * r.gap)
    }
}

fn tol_text(r: &Row) -> String {
    if r.absolute {
        format!("{:.1e}", r.tolerance)
    } else {
        format!("{:.2}%", 100.0 * r.tolerance)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pass_and_fail_are_decided_by_gap() {
        let ok = Row::relative("m", "c", 100, 1.0, 1.01, 0.02);
        let bad = Row::relative("m", "c", 100, 1.0, 1.05, 0.02);
        let nan = Row::relative("m", "c", 100, 1.0, f64::NAN, 0.02);
        assert!(ok.pass && !bad.pass && !nan.pass);
        let t = to_text(&[ok, bad]);
        assert!(t.contains("FAIL") && t.contains("1 of 2 rows pass"), "{t}");
    }
}
