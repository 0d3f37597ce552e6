"""Python and the CLI give the same numbers for the same inputs: both call the same Rust
function on the same arguments, so the comparison is exact (bit for bit; JSON floats
round-trip exactly)."""

import numpy as np
import pytest

import giantstep as gs

SPIKES = [
    (["--groups", "0.5:0.3,3:0.7"], dict(groups=[(0.5, 0.3), (3, 0.7)])),
    (["--eta", "3"], dict(eta=3.0)),
    (["--groups=-2:0.5,2:0.5:1.4"], dict(groups=[(-2, 0.5), (2, 0.5, 1.4)])),
]


@pytest.mark.parametrize("flags,kwargs", SPIKES)
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_stieltjes_matches_cli(cli, flags, kwargs, activation):
    for z_flag, z in [("--z=-0.5", -0.5), ("--z=0.5,0.5", 0.5 + 0.5j), ("--z=2,1", 2 + 1j)]:
        out = cli("stieltjes", "--activation", activation, *flags, "--psi", "1.5",
                  "--alpha", "2", z_flag)
        m = gs.stieltjes(z, activation=activation, psi=1.5, alpha=2, **kwargs)
        assert m == complex(*out["m"])
    zs = np.array([-0.5, 0.5 + 0.5j, 2 + 1j])
    many = gs.stieltjes(zs, activation=activation, psi=1.5, alpha=2, **kwargs)
    one_by_one = [gs.stieltjes(z, activation=activation, psi=1.5, alpha=2, **kwargs) for z in zs]
    assert list(many) == one_by_one


@pytest.mark.parametrize("flags,kwargs", SPIKES[:2])
def test_density_matches_cli(cli, flags, kwargs):
    out = cli("density", "--activation", "relu", *flags, "--psi", "1", "--alpha", "2",
              "--grid", "0:5:300")
    x = np.array(out["x"])
    d = gs.density(x, activation="relu", psi=1, alpha=2, **kwargs)
    assert np.array_equal(d.x, x)
    assert np.array_equal(d.density, np.array(out["density"]))
    for key in ["atom", "right_edge", "rf_edge", "tail_mass", "mass_below_grid"]:
        assert getattr(d, key) == out[key], key
    assert list(d.outliers) == out["outliers_over_p"]
    assert d.to_dict() == out


def test_default_density_grid_matches_cli(cli):
    out = cli("density", "--activation", "tanh", "--eta", "2", "--psi", "1.5", "--alpha", "2")
    d = gs.density(activation="tanh", eta=2, psi=1.5, alpha=2)
    assert d.to_dict() == out


RISK_FLAGS = ["--activation", "relu", "--target", "hermite:0,1,0.7071067811865476",
              "--psi", "0.5", "--lambda", "0.1", "--noise", "0.25"]
RISK_KW = dict(activation="relu", target="hermite:0,1,0.7071067811865476", psi=0.5, lam=0.1,
               noise=0.25)


@pytest.mark.parametrize("flags,kwargs", [(["--groups", "3:1"], dict(groups=[(3, 1)])),
                                          (["--eta", "2"], dict(eta=2))])
def test_risk_matches_cli(cli, flags, kwargs):
    out = cli("risk", *RISK_FLAGS, *flags, "--alpha", "3")
    r = gs.risk(alpha=3, **RISK_KW, **kwargs)
    assert (r.gen, r.train, r.irreducible) == (out["gen"], out["train"], out["irreducible"])
    assert r.decomposition == out["decomposition"]
    assert r.to_dict() == out


def test_risk_curve_points_match_cli(cli):
    alphas = np.array([0.5, 1.7, 3.0])
    curve = gs.risk(alpha=alphas, groups=[(3, 1)], **RISK_KW)
    assert curve.gen.shape == (3,) and curve.gen.dtype == np.float64
    for i, a in enumerate(alphas):
        out = cli("risk", *RISK_FLAGS, "--groups", "3:1", "--alpha", repr(float(a)))
        assert curve.gen[i] == out["gen"] and curve.train[i] == out["train"]
        assert curve.decomposition["variance"][i] == out["decomposition"]["variance"]
    lams = np.array([0.01, 0.1, 1.0])
    kw = {k: v for k, v in RISK_KW.items() if k != "lam"}
    over_lam = gs.risk(alpha=3, lam=lams, groups=[(3, 1)], **kw)
    for i, lam in enumerate(lams):
        assert over_lam.gen[i] == gs.risk(alpha=3, lam=lam, groups=[(3, 1)], **kw).gen


def test_simulate_spectrum_matches_cli(cli):
    out = cli("simulate", "spectrum", "--activation", "relu", "--groups", "0.5:0.3,3:0.7",
              "--psi", "1.5", "--alpha", "2", "--d", "80", "--seeds", "3,4")
    for i, seed in enumerate([3, 4]):
        ev = gs.simulate_spectrum(activation="relu", groups=[(0.5, 0.3), (3, 0.7)], psi=1.5,
                                  alpha=2, d=80, seed=seed)
        assert ev.dtype == np.float64 and ev.shape == (120,)
        assert list(ev) == out["eigenvalues"][i]


def test_simulate_risk_matches_cli(cli):
    out = cli("simulate", "risk", "--eta", "3", "--psi", "1", "--alpha", "2", "--d", "60",
              "--seeds", "1,2,3", "--n-test", "2000")
    e = gs.Experiment(eta=3, psi=1, alpha=2, d=60, seeds=[1, 2, 3])
    sim = e.simulate_risk(n_test=2000)
    assert sim.to_dict() == out
    assert (sim.gen_mean, sim.gen_stderr) == tuple(out["sim_gen"])
    assert list(sim.gen) == out["seed_gen"]
    same = gs.simulate_risk(activation=e.activation, target=e.target, eta=3, psi=1, alpha=2,
                            lam=e.lam, noise=e.noise, d=60, seeds=[1, 2, 3], n_test=2000)
    assert same.to_dict() == out


def test_config_file_gives_the_same_numbers(cli, tmp_path):
    toml = tmp_path / "exp.toml"
    toml.write_text(
        'activation = "tanh"\ntarget = "relu"\npsi = 1.5\nalpha = 3.0\nlambda = 0.05\n'
        "noise = 0.1\ngroups = [{ u = -2.0, pi = 0.5 }, { u = 2.0, pi = 0.5, gamma = 1.5 }]\n"
    )
    e = gs.Experiment.from_file(str(toml))
    assert e.to_dict() == cli("show-config", "--config", str(toml))
    assert e.risk().to_dict() == cli("risk", "--config", str(toml))
    assert e.stieltjes(-0.3) == complex(*cli("stieltjes", "--config", str(toml), "--z=-0.3")["m"])
    assert gs.Experiment.from_dict(e.to_dict()) == e
    json_file = tmp_path / "exp.json"
    json_file.write_text('{"activation": "tanh", "eta": 1.5, "psi": 2.0, "alpha": 1.0}')
    ej = gs.Experiment.from_file(json_file)
    assert ej.density().to_dict() == cli("density", "--config", str(json_file))
