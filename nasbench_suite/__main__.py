"""``python -m nasbench_suite`` runs the command line."""

import sys

from nasbench_suite.cli import main

sys.exit(main())
