"""The 13 zero-cost proxies of NAS-Bench-Suite-Zero, computed on real images or served as recorded."""
