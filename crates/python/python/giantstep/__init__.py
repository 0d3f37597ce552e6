"""giantstep: random-matrix theory of feature learning after one giant gradient step.

The same verified Rust kernels as the ``giantstep`` command line, with numpy arrays in and
out. Arguments use the CLI's notation (``activation="relu"``, ``groups=[(u, pi), ...]`` or
``eta=...``, ``psi``, ``alpha``, ``lam``, ``noise``); a config file gives the same numbers in
both worlds through :class:`Experiment`.

Theory: :func:`stieltjes`, :func:`density`, :func:`risk`. Simulation:
:func:`simulate_spectrum`, :func:`simulate_risk`. Hermite layer: :func:`hermite_coefficients`,
:func:`gauss_hermite`, :func:`shifted_coefficients`. Errors: :class:`GiantstepError` and its
subclasses :class:`InvalidParameter` (a ``ValueError``), :class:`NotConverged` (an
``ArithmeticError`` with ``.residual`` and ``.iterations``), :class:`ConfigFileError`
(an ``OSError``).
"""

from giantstep._native import (
    ConfigFileError,
    Density,
    Experiment,
    GiantstepError,
    InvalidParameter,
    NotConverged,
    Risk,
    ShiftedTable,
    SimulatedRisk,
    __version__,
    density,
    gauss_hermite,
    hermite_coefficients,
    risk,
    shifted_coefficients,
    simulate_risk,
    simulate_spectrum,
    stieltjes,
)

__all__ = [
    "ConfigFileError",
    "Density",
    "Experiment",
    "GiantstepError",
    "InvalidParameter",
    "NotConverged",
    "Risk",
    "ShiftedTable",
    "SimulatedRisk",
    "__version__",
    "density",
    "gauss_hermite",
    "hermite_coefficients",
    "risk",
    "shifted_coefficients",
    "simulate_risk",
    "simulate_spectrum",
    "stieltjes",
]
