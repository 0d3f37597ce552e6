//! Eigenvalues of a symmetric tridiagonal matrix by the root-free rational QL iteration
//! (EISPACK `tqlrat`, Reinsch).

use crate::error::SymEigError;

/// Eigenvalues of the symmetric tridiagonal matrix with diagonal `d` and off-diagonal `e`
/// (`e.len() == d.len() − 1`), by the root-free (rational) QL iteration of EISPACK's
/// `tqlrat` (Reinsch): values only, no square root per rotation. Returns them unsorted.
pub(crate) fn tridiagonal_eigenvalues(mut d: Vec<f64>, e: &[f64]) -> Result<Vec<f64>, SymEigError> {
    let n = d.len();
    if n <= 1 {
        return Ok(d);
    }
    let mut e2: Vec<f64> = e
        .iter()
        .map(|v| v * v)
        .chain(std::iter::once(0.0))
        .collect();
    let (mut f, mut t, mut b, mut c) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for l in 0..n {
        let mut iterations = 0;
        let h = d[l].abs() + e2[l].sqrt();
        if t <= h {
            t = h;
            b = f64::EPSILON * t;
            c = b * b;
        }
        // Small squared sub-diagonal element (e2[n-1] = 0 ends the search).
        let m = (l..n).find(|&m| e2[m] <= c).unwrap_or(n - 1);
        if m != l {
            loop {
                if iterations == 60 {
                    return Err(SymEigError::NotConverged {
                        residual: e2[l].abs().sqrt(),
                        iterations,
                    });
                }
                iterations += 1;
                // Shift.
                let s = e2[l].sqrt();
                let g = d[l];
                let p = (d[l + 1] - g) / (2.0 * s);
                let r = p.hypot(1.0);
                d[l] = s / (p + r.copysign(p));
                let h = g - d[l];
                for di in d[l + 1..n].iter_mut() {
                    *di -= h;
                }
                f += h;
                // Rational QL transformation.
                let mut g = d[m];
                if g == 0.0 {
                    g = b;
                }
                let mut h = g;
                let mut s = 0.0;
                for i in (l..m).rev() {
                    let p = g * h;
                    let r = p + e2[i];
                    e2[i + 1] = s * r;
                    s = e2[i] / r;
                    d[i + 1] = h + s * (h + d[i]);
                    g = d[i] - e2[i] / g;
                    if g == 0.0 {
                        g = b;
                    }
                    h = g * p / r;
                }
                e2[l] = s * g;
                d[l] = h;
                // Convergence test, guarded against underflow.
                if h == 0.0 || e2[l].abs() <= (c / h).abs() {
                    break;
                }
                e2[l] *= h;
                if e2[l] == 0.0 {
                    break;
                }
            }
        }
        d[l] += f;
    }
    Ok(d)
}
