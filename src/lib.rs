//! # giantstep
//!
//! Integration of the giantstep kernels: one experiment description ([`config`]), experiments
//! returning plain serde data, figures ([`plot`]), the report and the theory-vs-simulation
//! verification table. The `giantstep` binary is the command-line front end.
//!
//! Modules:
//! - [`config`]: the experiment description and its validation;
//! - [`parse`]: compact command-line notations (groups, complex points, grids);
//! - [`stats`]: histograms, Kolmogorov distance, relative gaps;
//! - [`plot`]: figures as data, rendered to SVG and PNG;
//! - [`progress`]: progress reporting;
//! - [`table`]: the theory-vs-simulation table;
//! - [`sweep`]: grids of experiments as resumable jobs for local, GNU parallel and Slurm runs;
//! - [`error`]: the error type.

pub mod checks;
pub mod config;
pub mod error;
pub mod experiments;
pub mod figures;
pub mod model;
pub mod parse;
pub mod plot;
pub mod progress;
pub mod report;
pub mod stats;
pub mod sweep;
pub mod table;
pub mod verify;

pub use error::{Error, Result};
