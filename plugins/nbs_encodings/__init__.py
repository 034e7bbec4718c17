"""White et al. 2021's model families on cell encodings (Gaussian process, LightGBM, NGBoost, MLP, SVR),
BANANAS' path-encoding MLP ensemble, and an ensemble meta-predictor over any registered predictors."""
