"""The semi-supervised assessor of Tang et al. (CVPR 2020) as a predictor plugin."""
