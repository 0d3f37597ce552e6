//! Memory reuse between draws (`features_into`, `CovarianceWorkspace`): results are
//! bit-identical to the allocating functions, whatever the buffers held before.

use faer::Mat;
use giantstep_spiked::SpikedError;
use giantstep_spiked::features::{features, features_into};
use giantstep_spiked::sampling::{gaussian_data, sphere_rows};
use giantstep_spiked::spectrum::{CovarianceWorkspace, covariance_eigenvalues};

/// Features of a fresh draw: `p` neurons, `n` samples, `d = 25`.
fn draw(p: usize, n: usize, seed: u64) -> (Mat<f64>, Mat<f64>) {
    let d = 25;
    (
        sphere_rows(p, d, seed).unwrap(),
        gaussian_data(d, n, seed + 1000).unwrap(),
    )
}

#[test]
fn features_into_overwrites_whatever_the_matrix_held() {
    let (w, x) = draw(40, 70, 1);
    let expected = features(w.as_ref(), x.as_ref(), f64::tanh).unwrap();
    // Right shape, filled with NaN: a product that read its destination would propagate it.
    let mut f = Mat::<f64>::from_fn(40, 70, |_, _| f64::NAN);
    features_into(w.as_ref(), x.as_ref(), f64::tanh, &mut f).unwrap();
    assert_eq!(f, expected);
    // Wrong shapes (smaller, larger, transposed) are replaced.
    for (r, c) in [(3, 3), (100, 100), (70, 40)] {
        let mut f = Mat::<f64>::from_fn(r, c, |_, _| f64::NAN);
        features_into(w.as_ref(), x.as_ref(), f64::tanh, &mut f).unwrap();
        assert_eq!(f, expected, "previous shape {r}x{c}");
    }
}

#[test]
fn features_into_rejects_what_features_rejects() {
    let (w, _) = draw(10, 5, 2);
    let x = gaussian_data(24, 5, 3).unwrap();
    let mut f = Mat::new();
    assert!(matches!(
        features_into(w.as_ref(), x.as_ref(), f64::tanh, &mut f),
        Err(SpikedError::DimensionMismatch { .. })
    ));
    let (w, x) = draw(10, 5, 4);
    assert!(matches!(
        features_into(w.as_ref(), x.as_ref(), |z| z / 0.0, &mut f),
        Err(SpikedError::NonFinite { .. })
    ));
    // After an error the matrix is still usable.
    features_into(w.as_ref(), x.as_ref(), f64::tanh, &mut f).unwrap();
    assert_eq!(f, features(w.as_ref(), x.as_ref(), f64::tanh).unwrap());
}

#[test]
fn workspace_spectra_are_bit_identical_to_fresh_ones_across_shapes() {
    // Same size twice (the buffer is reused and holds the previous reduction's leftovers),
    // then the Gram side (p > n) at the same size, a smaller and a larger size, and back.
    let shapes = [(60, 90), (60, 90), (90, 60), (30, 45), (120, 130), (60, 90)];
    let mut workspace = CovarianceWorkspace::new();
    for (k, &(p, n)) in shapes.iter().enumerate() {
        let (w, x) = draw(p, n, 10 + k as u64);
        let f = features(w.as_ref(), x.as_ref(), |z| z.max(0.0)).unwrap();
        let reused = workspace.covariance_eigenvalues(f.as_ref()).unwrap();
        let fresh = covariance_eigenvalues(f.as_ref()).unwrap();
        assert_eq!(reused.len(), p);
        assert_eq!(
            reused.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            fresh.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            "shape {p}x{n} (call {k})"
        );
    }
}

#[test]
fn workspace_reports_errors_and_stays_usable() {
    let mut workspace = CovarianceWorkspace::new();
    let empty = Mat::<f64>::zeros(0, 5);
    assert!(matches!(
        workspace.covariance_eigenvalues(empty.as_ref()),
        Err(SpikedError::ZeroSize { .. })
    ));
    let (w, x) = draw(20, 30, 5);
    let f = features(w.as_ref(), x.as_ref(), f64::tanh).unwrap();
    assert_eq!(
        workspace.covariance_eigenvalues(f.as_ref()).unwrap(),
        covariance_eigenvalues(f.as_ref()).unwrap()
    );
}
