"""First-party plugin: a live weight-sharing supernet for NAS-Bench-201 whose one-shot estimates
feed ``supernet`` / ``gcn-fit`` (Chen et al., AAAI 2021) through a benchmark table."""
