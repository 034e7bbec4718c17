"""GRAF (Kadlecova et al., ICML 2024): neural graph features and zero-cost proxies fed to tree models."""
