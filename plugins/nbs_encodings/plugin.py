"""Entry point of the encodings plugin: White et al.'s model families on cell encodings, BANANAS'
predictor and the ensemble meta-predictor."""

from __future__ import annotations

from nasbench_suite import hookimpl
from nbs_encodings.bananas_predictor import BananasPredictor
from nbs_encodings.ensemble import EnsemblePredictor
from nbs_encodings.models import MODELS


@hookimpl
def register_predictors() -> list[type]:
    return [*MODELS, BananasPredictor, EnsemblePredictor]
