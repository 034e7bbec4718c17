"""Graph hypernetwork predictor (Zhang, Ren & Urtasun, ICLR 2019) and its early-stopping baseline."""
