//! One point of a sweep: the library call the CLI subcommand of the same name makes, on the
//! same resolved experiment, so a point's output is the subcommand's `--json` output bit for
//! bit.

use super::spec::{Computation, PointConfig};
use crate::error::{Error, Result};
use crate::experiments::{learning, risk, simulation, spectrum};
use crate::model::Model;
use crate::parse;
use crate::progress::Silent;
use serde_json::Value;

/// The CLI's default number of fresh test samples (`simulate risk --n-test`).
pub const DEFAULT_N_TEST: usize = 10_000;

/// Computes one point; the output is the JSON the CLI subcommand prints with `--json`.
pub fn compute(config: &PointConfig) -> Result<Value> {
    config.check_options()?;
    let e = &config.experiment;
    let model = Model::new(e)?;
    let o = &config.options;
    match config.computation {
        Computation::Risk => to_json(&risk::risk(&model)?),
        Computation::Stieltjes => {
            let z = parse::parse_complex("z", o.z.as_deref().unwrap_or_default())?;
            to_json(&spectrum::stieltjes(&model, z)?)
        }
        Computation::Density => {
            let grid = o
                .grid
                .as_deref()
                .map(|g| parse::parse_grid("grid", g))
                .transpose()?;
            to_json(&spectrum::theory_spectrum(
                &model,
                grid.as_deref(),
                &Silent,
            )?)
        }
        Computation::SimulateSpectrum => {
            let zs = config
                .z_list()
                .split(';')
                .map(|t| parse::parse_complex("z", t))
                .collect::<Result<Vec<_>>>()?;
            to_json(&simulation::simulate_spectrum(
                &model, e.d, &e.seeds, &zs, &Silent,
            )?)
        }
        Computation::SimulateRisk => {
            let n_test = o.n_test.unwrap_or(DEFAULT_N_TEST);
            to_json(&learning::compare_risk(
                &model, e.d, &e.seeds, n_test, &Silent,
            )?)
        }
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::field("json", e.to_string()))
}
