"""The cell encodings the model families read, by name: ``onehot`` (the adjacency matrix's upper
triangle + one-hot operations, White et al.'s "adjacency one-hot"), ``path`` (BANANAS' path
encoding, :mod:`nbs_encodings.path_encoding`) and ``graf`` (GRAF's neural graph features, from the
GRAF plugin). Each is computed once per cell and process, in the GRAF plugin's per-cell cache."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from nbs_graf.features import graf_features
from nbs_graf.tabular import ENCODINGS as CACHE

from nasbench_suite import Architectures, ConfigError
from nbs_encodings.path_encoding import path_encoding


def _onehot(archs: Architectures) -> np.ndarray:
    return archs.flat_encoding()


ENCODERS: dict[str, Callable[[Architectures], np.ndarray]] = {
    "onehot": _onehot,
    "path": path_encoding,
    "graf": graf_features,
}


def check_encoding(name: str) -> None:
    if name not in ENCODERS:
        raise ConfigError(f"encoding must be one of {', '.join(ENCODERS)} (got {name!r})")


def encode(archs: Architectures, name: str) -> np.ndarray:
    """``(n, d)`` float64 features of ``archs`` under the named encoding (NaN as 0)."""
    encoder = ENCODERS[name]
    features = CACHE.encode((encoder, archs.space), archs, encoder)
    return np.nan_to_num(np.asarray(features, dtype=np.float64))
