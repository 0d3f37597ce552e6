"""The package against independent computations: Marchenko-Pastur closed forms, the
Mei-Montanari formula at u = 0, Hermite closed forms and numpy quadrature."""

import math

import numpy as np
import pytest

import giantstep as gs
from mei_montanari import generalization_error

# sigma = He2: mu0 = mu1 = 0, mu*^2 = E[He2^2] = 2, so with u = 0 the spectrum of F F^T/n is
# Marchenko-Pastur with ratio gamma = p/n = psi/alpha and variance 2 (THEORY.md §4).
HE2 = "hermite:0,0,1"
SIGMA2 = 2.0


def mp_stieltjes(z, gamma, s2):
    """Root of gamma s2 z m^2 + (z - s2 (1 - gamma)) m + 1 = 0 with the Herglotz sign."""
    b = z - s2 * (1 - gamma)
    disc = np.sqrt(complex(b * b - 4 * gamma * s2 * z))
    roots = [(-b + disc) / (2 * gamma * s2 * z), (-b - disc) / (2 * gamma * s2 * z)]
    if z.imag > 0:
        return max(roots, key=lambda m: m.imag)
    # real z < 0: the root in (0, 1/|z|]
    return min((m for m in roots if m.real > 0), key=lambda m: m.real)


@pytest.mark.parametrize("psi,alpha", [(1.0, 2.0), (1.5, 2.0), (2.0, 1.0), (0.5, 3.0)])
def test_marchenko_pastur_stieltjes(psi, alpha):
    zs = np.array([-2.0, -0.5, -0.01, 0.5 + 0.5j, 2 + 1j, 4 + 0.01j, -1 + 3j])
    m = gs.stieltjes(zs, activation=HE2, psi=psi, alpha=alpha)
    expected = np.array([mp_stieltjes(complex(z), psi / alpha, SIGMA2) for z in zs])
    # stated accuracy of the solver: 1e-10 relative (fixed-point tolerance 1e-12)
    np.testing.assert_allclose(m, expected, rtol=1e-10, atol=0)


def test_marchenko_pastur_density_atom_and_edge():
    psi, alpha = 2.0, 1.0  # gamma = 2: an atom of mass 1 - 1/gamma = 1/2 at 0
    gamma = psi / alpha
    lo, hi = SIGMA2 * (1 - math.sqrt(gamma)) ** 2, SIGMA2 * (1 + math.sqrt(gamma)) ** 2
    x = np.linspace(lo + 0.05, hi - 0.05, 200)
    d = gs.density(x, activation=HE2, psi=psi, alpha=alpha)
    # density of the nonzero eigenvalues, normalized to total mass 1/gamma (the atom apart)
    expected = np.sqrt((hi - x) * (x - lo)) / (2 * math.pi * gamma * SIGMA2 * x)
    np.testing.assert_allclose(d.density, expected, rtol=1e-7, atol=0)
    assert d.atom == pytest.approx(0.5, abs=1e-15)
    assert d.right_edge == pytest.approx(hi, rel=1e-6)


def test_u0_risk_is_mei_montanari():
    # relu: mu0 = 1/sqrt(2 pi), mu1 = 1/2, mu*^2 = 1/4 - 1/(2 pi);
    # target He1 + c He2: F0 = 0, F1 = 1, E sigma*^2 = 1 + 2 c^2.
    c = 0.7071067811865476
    target = f"hermite:0,1,{c!r}"
    mu0, mu1, mustar2 = 1 / math.sqrt(2 * math.pi), 0.5, 0.25 - 1 / (2 * math.pi)
    worst = 0.0
    for psi in [0.5, 1.5, 3.0]:
        for alpha in [0.7, 2.0, 5.0]:
            for lam in [0.01, 0.3]:
                for noise in [0.0, 0.25]:
                    r = gs.risk(activation="relu", target=target, psi=psi, alpha=alpha, lam=lam,
                                noise=noise)
                    mm = generalization_error(mu0, mu1, mustar2, 0.0, 1.0, 1 + 2 * c * c, noise,
                                              psi, alpha, lam)
                    worst = max(worst, abs(r.gen - mm) / mm)
    # the Rust tests hold the same comparison to 1e-9 relative
    assert worst < 1e-9, worst


def test_hermite_coefficients_parseval_tanh():
    mu = gs.hermite_coefficients("tanh", 120)
    parseval = sum(m * m / math.factorial(k) for k, m in enumerate(mu))
    z = np.linspace(-14, 14, 200_001)
    phi = np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    second_moment = np.trapezoid(np.tanh(z) ** 2 * phi, z)
    assert parseval == pytest.approx(second_moment, rel=1e-9)


def test_relu_closed_forms():
    mu = gs.hermite_coefficients("relu", 4)
    phi0 = 1 / math.sqrt(2 * math.pi)
    np.testing.assert_allclose(mu, [phi0, 0.5, phi0, 0.0, -phi0], rtol=0, atol=1e-15)
    c = np.array([-2.0, -0.3, 0.0, 1.0, 4.0])
    t = gs.shifted_coefficients("relu", c, 4)
    pdf = np.exp(-c * c / 2) / math.sqrt(2 * math.pi)
    cdf = np.array([0.5 * (1 + math.erf(v / math.sqrt(2))) for v in c])
    he = [np.ones_like(c), c, c * c - 1]  # He_{k-2}(c) for k = 2, 3, 4
    expected = np.column_stack(
        [c * cdf + pdf, cdf] + [(-1) ** k * he[k - 2] * pdf for k in range(2, 5)]
    )
    np.testing.assert_allclose(t.mu, expected, rtol=1e-13, atol=1e-15)
    second = (1 + c * c) * cdf + c * pdf
    np.testing.assert_allclose(t.second_moment, second, rtol=1e-13)
    # mu*^2 is a difference of O(c^2) terms (and so is the reference's E[relu(Z+c)^2] for
    # c < 0): the reference itself carries a round-off of a few eps times the terms' sizes
    terms = (1 + c * c) * cdf + np.abs(c) * pdf + (np.abs(c) * cdf + pdf) ** 2 + cdf**2
    cancel = 16 * np.finfo(float).eps * terms
    diff = np.abs(t.mu_star_sq - (second - expected[:, 0] ** 2 - expected[:, 1] ** 2))
    assert np.all(diff <= cancel), diff / cancel


def test_shifted_tanh_against_numpy_quadrature():
    c = np.array([-1.5, 0.0, 0.7, 3.0])
    t = gs.shifted_coefficients("tanh", c, 3)
    z = np.linspace(-14, 14, 200_001)
    phi = np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    he = [np.ones_like(z), z, z * z - 1, z**3 - 3 * z]
    for i, ci in enumerate(c):
        for k in range(4):
            expected = np.trapezoid(np.tanh(z + ci) * he[k] * phi, z)
            assert t.mu[i, k] == pytest.approx(expected, abs=1e-11)


@pytest.mark.parametrize("k", [1, 2, 5, 20, 60])
def test_gauss_hermite_exact_on_polynomials(k):
    nodes, weights = gs.gauss_hermite(k)
    assert nodes.shape == weights.shape == (k,)
    assert weights.sum() == pytest.approx(1.0, abs=1e-14)
    assert np.all(np.diff(nodes) > 0) and np.all(weights > 0)
    for j in range(0, min(2 * k - 1, 30) + 1):
        # E[Z^j] = (j-1)!! for even j, 0 for odd j
        exact = 0.0 if j % 2 else float(np.prod(np.arange(j - 1, 0, -2))) if j else 1.0
        terms = weights * nodes**j
        # the sum of terms of both signs is exact up to round-off of sum |terms|
        scale = float(np.sum(np.abs(terms)))
        assert abs(float(np.sum(terms)) - exact) <= 1e-13 * scale + 1e-11 * exact
