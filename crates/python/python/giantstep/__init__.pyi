"""Type stubs of the giantstep package (the extension module giantstep._native)."""

import os
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union, overload

import numpy as np
import numpy.typing as npt

__version__: str

Real = Union[float, int, np.floating, np.integer]
Complexish = Union[complex, Real, np.complexfloating]
RealArray = npt.ArrayLike
Group = Union[Tuple[float, float], Tuple[float, float, float]]
FloatArray = npt.NDArray[np.float64]
ComplexArray = npt.NDArray[np.complex128]

class GiantstepError(Exception):
    """Base class of every error raised by giantstep."""

class InvalidParameter(GiantstepError, ValueError):
    """Bad input: ratios, NaN/inf, weights not summing to 1, unknown activation, array dtype
    or shape, z on [0, inf)."""

class NotConverged(GiantstepError, ArithmeticError):
    """A solver stopped before its tolerance was met."""

    residual: float
    iterations: int

class ConfigFileError(GiantstepError, OSError):
    """An experiment file could not be read."""

class Density:
    """The limiting spectrum on a grid (THEORY.md §4)."""

    x: FloatArray
    density: FloatArray
    atom: float
    right_edge: float
    rf_edge: float
    tail_mass: float
    mass_below_grid: float
    outliers: FloatArray
    def outliers_at(self, p: int) -> FloatArray: ...
    def to_dict(self) -> Dict[str, Any]: ...

class Risk:
    """Asymptotic errors (THEORY.md §5): floats at one point, arrays over a curve."""

    gen: Union[float, FloatArray]
    train: Union[float, FloatArray]
    irreducible: Union[float, FloatArray]
    spectral_radius: Union[float, FloatArray]
    decomposition: Dict[str, Union[float, FloatArray]]
    alpha: Union[float, FloatArray]
    lam: Union[float, FloatArray]
    def to_dict(self) -> Union[Dict[str, Any], List[Dict[str, Any]]]: ...
    def __len__(self) -> int: ...

class SimulatedRisk:
    """Ridge on simulated spiked features, per seed, with the theory alongside."""

    seeds: List[int]
    d: int
    gen: FloatArray
    train: FloatArray
    gen_mean: float
    gen_stderr: float
    train_mean: float
    train_stderr: float
    theory_gen: float
    theory_train: float
    def to_dict(self) -> Dict[str, Any]: ...

class ShiftedTable:
    """mu_k(c), E[sigma(sZ+c)^2] and mu*(c)^2 at the shifts c."""

    c: Union[float, FloatArray]
    mu: FloatArray
    second_moment: Union[float, FloatArray]
    mu_star_sq: Union[float, FloatArray]

class Experiment:
    """An experiment description in the schema of the CLI's --config files."""

    def __init__(
        self,
        *,
        activation: Optional[str] = ...,
        target: Optional[str] = ...,
        noise: Optional[Real] = ...,
        groups: Optional[Sequence[Group]] = ...,
        eta: Optional[Real] = ...,
        a_values: Optional[RealArray] = ...,
        a_probs: Optional[RealArray] = ...,
        psi: Optional[Real] = ...,
        alpha: Optional[Real] = ...,
        lam: Optional[Real] = ...,
        d: Optional[int] = ...,
        seeds: Optional[Union[int, Sequence[int]]] = ...,
    ) -> None: ...
    @staticmethod
    def from_file(path: Union[str, os.PathLike[str]]) -> "Experiment": ...
    @staticmethod
    def from_dict(fields: Dict[str, Any]) -> "Experiment": ...
    def replace(
        self,
        *,
        activation: Optional[str] = ...,
        target: Optional[str] = ...,
        noise: Optional[Real] = ...,
        groups: Optional[Sequence[Group]] = ...,
        eta: Optional[Real] = ...,
        a_values: Optional[RealArray] = ...,
        a_probs: Optional[RealArray] = ...,
        psi: Optional[Real] = ...,
        alpha: Optional[Real] = ...,
        lam: Optional[Real] = ...,
        d: Optional[int] = ...,
        seeds: Optional[Union[int, Sequence[int]]] = ...,
    ) -> "Experiment": ...
    def to_dict(self) -> Dict[str, Any]: ...
    @overload
    def stieltjes(self, z: Complexish) -> complex: ...
    @overload
    def stieltjes(self, z: npt.ArrayLike) -> ComplexArray: ...
    def density(self, x: Optional[RealArray] = None) -> Density: ...
    def risk(self) -> Risk: ...
    def simulate_spectrum(self, seed: Optional[int] = None) -> FloatArray: ...
    def simulate_risk(self, n_test: int = 10000) -> SimulatedRisk: ...
    activation: str
    target: str
    noise: float
    groups: Optional[List[Tuple[float, float, float]]]
    eta: Optional[float]
    a_values: List[float]
    a_probs: List[float]
    psi: float
    alpha: float
    lam: float
    d: int
    seeds: List[int]

@overload
def stieltjes(
    z: Complexish,
    *,
    activation: str,
    psi: Real,
    alpha: Real,
    groups: Optional[Sequence[Group]] = None,
    eta: Optional[Real] = None,
    a_values: Optional[RealArray] = None,
    a_probs: Optional[RealArray] = None,
    target: Optional[str] = None,
) -> complex: ...
@overload
def stieltjes(
    z: npt.ArrayLike,
    *,
    activation: str,
    psi: Real,
    alpha: Real,
    groups: Optional[Sequence[Group]] = None,
    eta: Optional[Real] = None,
    a_values: Optional[RealArray] = None,
    a_probs: Optional[RealArray] = None,
    target: Optional[str] = None,
) -> ComplexArray: ...
def density(
    x: Optional[RealArray] = None,
    *,
    activation: str,
    psi: Real,
    alpha: Real,
    groups: Optional[Sequence[Group]] = None,
    eta: Optional[Real] = None,
    a_values: Optional[RealArray] = None,
    a_probs: Optional[RealArray] = None,
    target: Optional[str] = None,
) -> Density: ...
def risk(
    *,
    activation: str,
    target: str,
    psi: Real,
    alpha: Union[Real, RealArray],
    lam: Union[Real, RealArray],
    noise: Real,
    groups: Optional[Sequence[Group]] = None,
    eta: Optional[Real] = None,
    a_values: Optional[RealArray] = None,
    a_probs: Optional[RealArray] = None,
) -> Risk: ...
def simulate_spectrum(
    *,
    activation: str,
    psi: Real,
    alpha: Real,
    d: int,
    seed: int,
    groups: Optional[Sequence[Group]] = None,
    eta: Optional[Real] = None,
    a_values: Optional[RealArray] = None,
    a_probs: Optional[RealArray] = None,
    target: Optional[str] = None,
) -> FloatArray: ...
def simulate_risk(
    *,
    activation: str,
    target: str,
    psi: Real,
    alpha: Real,
    lam: Real,
    noise: Real,
    d: int,
    seeds: Union[int, Sequence[int]],
    groups: Optional[Sequence[Group]] = None,
    eta: Optional[Real] = None,
    a_values: Optional[RealArray] = None,
    a_probs: Optional[RealArray] = None,
    n_test: int = 10000,
) -> SimulatedRisk: ...
def hermite_coefficients(activation: str, k: int) -> FloatArray: ...
def gauss_hermite(k: int) -> Tuple[FloatArray, FloatArray]: ...
def shifted_coefficients(
    activation: str, c: Union[Real, RealArray], k: int, scale: float = 1.0
) -> ShiftedTable: ...
