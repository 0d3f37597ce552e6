//! Fuzz entry of the experiment description (TOML and JSON) and the contract of a valid
//! experiment.

use giantstep::config::Experiment;
use giantstep::model::Model;

/// Fuzz entry of the experiment description: the bytes as TOML and as JSON; whatever
/// deserializes must either fail [`Experiment::validate`] with a field name or resolve to a
/// [`Model`] with finite numbers (the model's Hermite coefficients included).
pub fn config_bytes(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = [
        toml::from_str::<Experiment>(text).ok(),
        serde_json::from_str::<Experiment>(text).ok(),
    ];
    for e in parsed.into_iter().flatten() {
        check_experiment(&e);
    }
}

/// Asserts the contract of a deserialized experiment: validation errors name a field; a
/// valid one resolves to a model with finite numbers or a typed error.
pub fn check_experiment(e: &Experiment) {
    match e.validate() {
        Ok(()) => {
            assert!(e.psi.is_finite() && e.psi > 0.0);
            assert!(e.alpha.is_finite() && e.alpha > 0.0);
            assert!(e.lambda.is_finite() && e.lambda > 0.0);
            assert!((1..=giantstep::config::MAX_SIDE).contains(&e.p()));
            assert!((1..=giantstep::config::MAX_SIDE).contains(&e.n()));
            match Model::new(e) {
                Ok(m) => {
                    assert!(
                        m.mu_sigma.iter().chain(&m.mu_target).all(|x| x.is_finite()),
                        "model with non-finite μ: {:?} {:?}",
                        m.mu_sigma,
                        m.mu_target
                    );
                    for g in &m.groups {
                        assert!(g.u.is_finite() && g.gamma.is_finite() && g.pi > 0.0);
                    }
                }
                Err(err) => assert!(!err.to_string().is_empty()),
            }
        }
        Err(err) => assert!(err.to_string().contains('`'), "unnamed field: {err}"),
    }
}
