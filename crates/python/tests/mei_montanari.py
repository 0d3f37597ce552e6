"""Mei & Montanari (2019), Definition 1 / Theorem 2, written out independently for the tests
(their conventions: psi1 = p/d, psi2 = n/d, lambda_MM = lambda/psi, zeta = mu1/mu*,
lambda_bar = lambda_MM/mu*^2). Not part of the package: the package computes nothing itself.
"""

import math


def _nu_imaginary_axis(y, zeta, psi1, psi2):
    # nu1 = i a, nu2 = i b with a, b > 0 solving
    #   a y + ab + z2 ab / (1 + z2 ab) = psi1,  b y + ab + z2 ab / (1 + z2 ab) = psi2,
    # so y (a - b) = psi1 - psi2: one increasing scalar equation in the smaller unknown.
    z2 = zeta * zeta
    small, c = (psi2, (psi1 - psi2) / y) if psi1 >= psi2 else (psi1, (psi2 - psi1) / y)

    def f(x):
        t = x * (x + c)
        return x * y + t + z2 * t / (1 + z2 * t) - small

    lo, hi = 0.0, small / y
    for _ in range(300):
        mid = 0.5 * (lo + hi)
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
    x = 0.5 * (lo + hi)
    return (x + c, x) if psi1 >= psi2 else (x, x + c)


def generalization_error(mu0, mu1, mustar2, f0, f1, second_moment, noise, psi, alpha, lam):
    """E_gen of ridge on random features (u = 0) for target moments F0, F1, E sigma*^2."""
    zeta = mu1 / math.sqrt(mustar2)
    psi1, psi2 = psi, alpha
    lam_bar = lam / psi / mustar2
    a, b = _nu_imaginary_axis(math.sqrt(psi1 * psi2 * lam_bar), zeta, psi1, psi2)
    chi = -a * b
    z2 = zeta**2
    z4, z6 = z2**2, z2**3
    pp = psi1 * psi2
    e0 = (
        -(chi**5) * z6
        + 3 * chi**4 * z4
        + (pp - psi2 - psi1 + 1) * chi**3 * z6
        - 2 * chi**3 * z4
        - 3 * chi**3 * z2
        + (psi1 + psi2 - 3 * pp + 1) * chi**2 * z4
        + 2 * chi**2 * z2
        + chi**2
        + 3 * pp * chi * z2
        - pp
    )
    e1 = psi2 * chi**3 * z4 - psi2 * chi**2 * z2 + pp * chi * z2 - pp
    e2 = (
        chi**5 * z6
        - 3 * chi**4 * z4
        + (psi1 - 1) * chi**3 * z6
        + 2 * chi**3 * z4
        + 3 * chi**3 * z2
        + (-psi1 - 1) * chi**2 * z4
        - 2 * chi**2 * z2
        - chi**2
    )
    bias, var = e1 / e0, e2 / e0
    fstar2 = second_moment - f0**2 - f1**2
    if mu0 == 0:
        fstar2 += f0**2  # the mean is not learnable without mu0: it joins the noise
    return f1**2 * bias + (noise + fstar2) * var + fstar2 + noise
