//! # giantstep-spiked
//!
//! Finite-size simulation of the model of THEORY.md §§1-2, 4-5: the ground truth every
//! formula of the project is checked against. Everything is seeded (`rand_chacha`, one
//! stream per sample column / neuron row, see [`seed`]) and bit-identical whatever the
//! number of rayon threads.
//!
//! Modules:
//! - [`seed`]: seed derivation, per-stream generators;
//! - [`sampling`]: Gaussian data, sphere rows, target direction, second-layer laws,
//!   labels, empirical `κ_ν = <θ, x_ν>`;
//! - [`spike`]: spiked weights `W0 + u θ^T (+ diag(γ−1) W0 θ θ^T)`, spike groups;
//! - [`features`]: `F = σ(W X)`, group means;
//! - [`covariance`]: `F F^T / n`, `F^T F / n`;
//! - [`spectrum`]: eigenvalues, empirical Stieltjes transform, histograms, outliers;
//! - [`error`]: the typed error [`SpikedError`].
//!
//! ```
//! use giantstep_spiked::{sampling, features, spectrum::Spectrum};
//! use num_complex::Complex64;
//! let (d, p, n) = (100, 150, 200);
//! let w = sampling::sphere_rows(p, d, 1).unwrap();
//! let x = sampling::gaussian_data(d, n, 2).unwrap();
//! let f = features::features(w.as_ref(), x.as_ref(), f64::tanh).unwrap();
//! let s = Spectrum::of_features(f.as_ref()).unwrap();
//! let m = s.stieltjes(Complex64::new(-0.5, 0.0));
//! assert!(m.re > 0.0 && m.re < 2.0);
//! ```

pub mod covariance;
pub mod error;
pub mod features;
pub mod network;
pub mod onestep;
pub mod par;
pub mod ridge;
pub mod sampling;
pub mod seed;
pub mod simulation;
pub mod spectrum;
pub mod spike;

pub use error::SpikedError;
