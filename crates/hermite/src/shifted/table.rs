//! The values `μ_0(c)..μ_{k_max}(c)`, `E σ(sZ+c)²` and `μ*(c)²` (THEORY.md §3) that
//! [`ShiftedCoefficients`](super::ShiftedCoefficients) returns, at one shift or as a table
//! over many.

/// `μ_0(c)..μ_{k_max}(c)`, `E σ(sZ+c)²` and `μ*(c)²` at one shift.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftedValues {
    /// The shift `c`.
    pub shift: f64,
    /// `μ_k(c)` for `k = 0..=k_max`.
    pub mu: Vec<f64>,
    /// `E[σ(sZ + c)²]`.
    pub second_moment: f64,
    /// `μ*(c)² = E σ² - μ0² - μ1²` (clamped at 0 within the round-off bound).
    pub mu_star_sq: f64,
}

/// Values at many shifts, stored row-major (`shift`, then `k`).
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftedTable {
    pub(super) shifts: Vec<f64>,
    pub(super) k_max: usize,
    pub(super) mu: Vec<f64>,
    pub(super) second_moment: Vec<f64>,
    pub(super) mu_star_sq: Vec<f64>,
}

impl ShiftedTable {
    /// The shifts `c_i`, in the order given.
    pub fn shifts(&self) -> &[f64] {
        &self.shifts
    }
    /// `k_max`.
    pub fn k_max(&self) -> usize {
        self.k_max
    }
    /// `μ_k(c_i)`.
    ///
    /// # Panics
    /// If `i` or `k` is out of range.
    pub fn mu(&self, i: usize, k: usize) -> f64 {
        assert!(k <= self.k_max, "k = {k} > k_max = {}", self.k_max);
        self.mu[i * (self.k_max + 1) + k]
    }
    /// `[μ_0(c_i), ..., μ_{k_max}(c_i)]`.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.mu[i * (self.k_max + 1)..(i + 1) * (self.k_max + 1)]
    }
    /// `μ_k(c_i)` for all `i` (a column).
    pub fn mu_k(&self, k: usize) -> Vec<f64> {
        (0..self.shifts.len()).map(|i| self.mu(i, k)).collect()
    }
    /// `E σ(sZ + c_i)²` for all `i`.
    pub fn second_moment(&self) -> &[f64] {
        &self.second_moment
    }
    /// `μ*(c_i)²` for all `i`.
    pub fn mu_star_sq(&self) -> &[f64] {
        &self.mu_star_sq
    }
    /// Number of shifts.
    pub fn len(&self) -> usize {
        self.shifts.len()
    }
    /// Whether there are no shifts.
    pub fn is_empty(&self) -> bool {
        self.shifts.is_empty()
    }

    /// The values at shifts that are all `±0`: `pos` where the shift is `+0`, `neg` where it
    /// is `-0` (the two differ at most in the sign of zero entries).
    pub(super) fn at_zeros(shifts: Vec<f64>, pos: &ShiftedValues, neg: &ShiftedValues) -> Self {
        let pick = |c: &f64| if c.is_sign_negative() { neg } else { pos };
        Self {
            k_max: pos.mu.len() - 1,
            mu: shifts
                .iter()
                .flat_map(|c| pick(c).mu.iter().copied())
                .collect(),
            second_moment: shifts.iter().map(|c| pick(c).second_moment).collect(),
            mu_star_sq: shifts.iter().map(|c| pick(c).mu_star_sq).collect(),
            shifts,
        }
    }

    /// The same values with the shifts in reverse order.
    pub(super) fn reversed(&self) -> Self {
        let w = self.k_max + 1;
        let rev = |v: &[f64]| v.iter().rev().copied().collect::<Vec<_>>();
        Self {
            shifts: rev(&self.shifts),
            k_max: self.k_max,
            mu: self.mu.chunks_exact(w).rev().flatten().copied().collect(),
            second_moment: rev(&self.second_moment),
            mu_star_sq: rev(&self.mu_star_sq),
        }
    }
}
