"""Data support for plugins: the user's images, trained checkpoints, the cache folder, per-cell
columns from files, and how files identify runs. Plugins import these from ``nasbench_suite``."""
