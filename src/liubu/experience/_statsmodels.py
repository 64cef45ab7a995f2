"""The one place liubu calls statsmodels: a typed wrapper around ``statsmodels.api.GLM``.

statsmodels ships no type information, so everything it returns is converted here to numpy arrays
and Python floats; it is imported on the first fit, not at import. Its warnings (non-convergence,
perfect separation, a domain warning for a response outside the family's support) are caught and
returned, never left to escape: the caller turns them into typed errors or notes.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

Family = Literal["poisson", "gamma"]


@dataclass(frozen=True, slots=True)
class GlmOutcome:
    """What a fit returned: coefficients, their standard errors, and diagnostics."""

    params: NDArray[np.float64]
    bse: NDArray[np.float64]
    converged: bool
    iterations: int
    deviance: float
    scale: float
    df_resid: float
    n_observations: int
    warnings: tuple[str, ...]
    pearson_chi2: float


def fit_glm(
    family: Family,
    endog: NDArray[np.float64],
    design: NDArray[np.float64],
    *,
    offset: NDArray[np.float64] | None = None,
    var_weights: NDArray[np.float64] | None = None,
    max_iterations: int = 100,
) -> GlmOutcome:
    """Fit a GLM with log link by IRLS.

    ``poisson``: scale fixed at 1 (the caller may widen the standard errors by its own
    dispersion estimate from ``pearson_chi2``). ``gamma``: scale estimated by Pearson χ²/(n − p),
    the statsmodels default; ``var_weights`` w make Var(Y) = φ μ² / w (an average of w claims).
    """
    # Imported on first use: statsmodels (with pandas) takes about a second to import, and the
    # CLI and web import this package for reading files too.
    import statsmodels.api as sm  # type: ignore[import-untyped, unused-ignore]

    link = sm.families.links.Log()
    families = {"poisson": sm.families.Poisson(link), "gamma": sm.families.Gamma(link)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = sm.GLM(
            endog, design, family=families[family], offset=offset, var_weights=var_weights
        )
        result = model.fit(maxiter=max_iterations, method="IRLS")
        params = np.asarray(result.params, dtype=np.float64)
        bse = np.asarray(result.bse, dtype=np.float64)
        outcome = GlmOutcome(
            params=params,
            bse=bse,
            converged=bool(result.converged),
            iterations=int(result.fit_history["iteration"]),
            deviance=float(result.deviance),
            scale=float(result.scale),
            df_resid=float(result.df_resid),
            n_observations=int(result.nobs),
            warnings=tuple(f"{w.category.__name__}: {w.message}" for w in caught),
            pearson_chi2=float(result.pearson_chi2),
        )
    return outcome
