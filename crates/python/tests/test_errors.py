"""Every bad input raises the documented exception type with a readable message naming what
is wrong; solver failures raise NotConverged with residual and iterations; the interpreter
survives all of it."""

import math
import subprocess
import sys

import numpy as np
import pytest

import giantstep as gs

BASE = dict(activation="relu", psi=1.5, alpha=2.0)
RISK = dict(activation="relu", target="tanh", psi=1.0, alpha=2.0, lam=0.1, noise=0.1)
NAN, INF = math.nan, math.inf


def test_hierarchy():
    assert issubclass(gs.InvalidParameter, gs.GiantstepError)
    assert issubclass(gs.InvalidParameter, ValueError)
    assert issubclass(gs.NotConverged, gs.GiantstepError)
    assert issubclass(gs.NotConverged, ArithmeticError)
    assert issubclass(gs.ConfigFileError, OSError)
    assert issubclass(gs.GiantstepError, Exception)
    assert gs.InvalidParameter.__module__ == "giantstep"


STIELTJES_BAD = [
    (dict(psi=-1.0), "psi"),
    (dict(psi=0.0), "psi"),
    (dict(alpha=0.0), "alpha"),
    (dict(psi=NAN), "psi"),
    (dict(alpha=INF), "alpha"),
    (dict(activation="swish"), "unknown activation"),
    (dict(activation="hermite:1,nan"), "activation"),
    (dict(groups=[(1, 0.5), (2, 0.6)]), "sum to"),
    (dict(groups=[(NAN, 1.0)]), "groups"),
    (dict(groups=[(1, -0.5), (2, 1.5)]), "groups"),
    (dict(groups=[(1,)]), r"groups\[0\]"),
    (dict(groups=[(1, 0.5, 1, 4)]), r"groups\[0\]"),
    (dict(groups="3:1"), "groups"),
    (dict(groups=[(1, 1.0)], eta=2.0), "not both"),
    (dict(eta=NAN), "eta"),
    (dict(eta=1.0, a_values=[1, -1], a_probs=[0.3, 0.3]), "a_probs"),
    (dict(eta=1.0, a_values=[1, INF]), "a_values"),
    (dict(eta=1.0, a_values=[[1, -1]]), "a_values"),
]


@pytest.mark.parametrize("bad,needle", STIELTJES_BAD)
def test_bad_model_inputs(bad, needle):
    with pytest.raises(gs.InvalidParameter, match=needle):
        gs.stieltjes(-0.5, **{**BASE, **bad})
    with pytest.raises(gs.InvalidParameter):
        gs.density(np.linspace(0.1, 2, 5), **{**BASE, **bad})


@pytest.mark.parametrize(
    "z,needle",
    [(1.0, "not in C"), (0.0, "not in C"), (NAN, "not in C"), (complex(INF, 1), "not in C"),
     ("abc", "numbers"), (np.array(["a"]), "numbers"), ([[1, 2], [3]], "z"),
     (np.array([-1.0, 2.0]), "not in C")],
)
def test_bad_z(z, needle):
    with pytest.raises(gs.InvalidParameter, match=needle):
        gs.stieltjes(z, **BASE)


@pytest.mark.parametrize(
    "x,needle",
    [(np.array([0.1, NAN]), "not finite"), (np.array([2.0, 1.0]), "non-decreasing"),
     (np.zeros((2, 2)), "1-D"), (np.array([1 + 1j]), "real"), (np.array([]), "grid"),
     (np.array([0.5, INF]), "not finite")],
)
def test_bad_density_grid(x, needle):
    with pytest.raises(gs.InvalidParameter, match=needle):
        gs.density(x, **BASE)


@pytest.mark.parametrize(
    "bad,needle",
    [(dict(lam=-0.1), "lambda"), (dict(lam=0.0), "lambda"), (dict(noise=-1.0), "noise"),
     (dict(noise=NAN), "noise"), (dict(target="nope"), "target"),
     (dict(alpha=np.array([1.0, -2.0])), "curve point 1"), (dict(alpha=np.zeros((2, 2))), "alpha"),
     (dict(alpha=np.array([1.0, 2.0]), lam=np.array([0.1, 0.2])), "at most one"),
     (dict(alpha=np.array([])), "alpha"), (dict(lam=np.array([0.1, NAN])), "lambda"),
     (dict(alpha=np.array([1 + 0j])), "real")],
)
def test_bad_risk_inputs(bad, needle):
    with pytest.raises(gs.InvalidParameter, match=needle):
        gs.risk(**{**RISK, **bad})


def test_bad_hermite_inputs():
    with pytest.raises(gs.InvalidParameter, match="activation"):
        gs.hermite_coefficients("nope", 3)
    with pytest.raises(gs.InvalidParameter):
        gs.hermite_coefficients("tanh", 151)
    with pytest.raises(gs.InvalidParameter):
        gs.gauss_hermite(0)
    with pytest.raises(gs.InvalidParameter):
        gs.gauss_hermite(10**7)
    with pytest.raises(gs.InvalidParameter):
        gs.shifted_coefficients("tanh", np.array([0.0, NAN]), 2)
    with pytest.raises(gs.InvalidParameter, match="1-D"):
        gs.shifted_coefficients("tanh", np.zeros((2, 2)), 2)
    with pytest.raises(gs.InvalidParameter):
        gs.shifted_coefficients("tanh", 0.0, 2, scale=-1.0)


def test_bad_simulation_inputs():
    kw = dict(activation="relu", psi=1, alpha=2)
    with pytest.raises(gs.InvalidParameter, match="d"):
        gs.simulate_spectrum(d=10**6, seed=1, **kw)
    with pytest.raises(gs.InvalidParameter, match="seed"):
        gs.simulate_spectrum(d=50, seed=-1, **kw)
    with pytest.raises(gs.InvalidParameter, match="d"):
        gs.simulate_spectrum(d=-3, seed=1, **kw)
    with pytest.raises(gs.InvalidParameter, match="n_test"):
        gs.simulate_risk(d=50, seeds=[1], n_test=0, **{**RISK})


def test_bad_experiments(tmp_path):
    with pytest.raises(gs.InvalidParameter, match="unknown experiment field `beta`"):
        gs.Experiment(beta=1.0)
    with pytest.raises(gs.InvalidParameter, match="unknown field"):
        gs.Experiment.from_dict({"activation": "relu", "beta": 1})
    with pytest.raises(gs.InvalidParameter, match="psi"):
        gs.Experiment.from_dict({"psi": -1.0})
    with pytest.raises(gs.InvalidParameter, match="JSON"):
        gs.Experiment.from_dict({"psi": object()})
    with pytest.raises(gs.ConfigFileError, match="could not read"):
        gs.Experiment.from_file(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("psi = [1, 2]\n")
    with pytest.raises(gs.InvalidParameter, match="bad.toml"):
        gs.Experiment.from_file(bad)
    with pytest.raises(gs.InvalidParameter, match="psi"):
        gs.Experiment().replace(psi=0)


def test_not_converged_carries_residual_and_iterations():
    # the interpolation point psi = alpha at a vanishing ridge: the spectral fixed point at
    # z = -lambda does not meet its tolerance within the solver's budget
    with pytest.raises(gs.NotConverged) as info:
        gs.risk(activation="relu", target="relu", psi=1.0, alpha=1.0, lam=1e-15, noise=0.0)
    err = info.value
    assert isinstance(err, ArithmeticError) and isinstance(err, gs.GiantstepError)
    assert isinstance(err.residual, float) and err.residual >= 0
    assert isinstance(err.iterations, int) and err.iterations > 0
    assert "did not converge" in str(err)


def test_interpreter_survives_bad_inputs():
    script = """
import math, numpy as np, giantstep as gs
bad = [lambda: gs.stieltjes(1.0, activation="relu", psi=1, alpha=1),
       lambda: gs.stieltjes(math.nan, activation="relu", psi=math.inf, alpha=1),
       lambda: gs.density(np.array([math.nan]), activation="relu", psi=1, alpha=1),
       lambda: gs.risk(activation="relu", target="relu", psi=1, alpha=1, lam=1e-15, noise=0),
       lambda: gs.gauss_hermite(10**9),
       lambda: gs.simulate_spectrum(activation="relu", psi=1e9, alpha=1, d=10, seed=1)]
for f in bad:
    try:
        f()
    except gs.GiantstepError:
        pass
print("alive", gs.stieltjes(-1.0, activation="relu", psi=1, alpha=1).real > 0)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "alive True"
