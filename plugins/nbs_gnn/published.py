"""Published Kendall tau figures of the graph-transformer family and its baselines on the splits of
TNASP (Lu et al., NeurIPS 2021), used since by NAR-Former, NN-Former and PINAT: labels drawn at random,
tau over every cell of the space, the training cells included.

Every PINAT, TNASP and GATES figure below was read from PINAT's Table 1 (Lu et al., AAAI 2024; the
GATES and TNASP rows are PINAT's runs of them on the same splits). The NN-Former and NAR-Former V2
figures are those of NN-Former's Table 2 (Xu et al., CVPR 2025) as quoted by secondary summaries that
agree with each other; they were not read from the paper itself, and the source says so.

The NB101 rows were measured on all 423,624 cells; the suite's shipped NB101 table holds 151,644 of
them (``space_cells`` tells a report to show both).
"""

from __future__ import annotations

from nasbench_suite import PublishedResult

PINAT = "Lu et al., AAAI 2024 (PINAT), Table 1"
NN_FORMER = "Xu et al., CVPR 2025 (NN-Former), Table 2, as quoted by secondary summaries (not read from the paper)"
PROTOCOL = "TNASP splits (random labels; tau over every cell, training cells included)"

NB201 = {  # train size -> method -> Kendall tau
    78: {"PINAT": 0.549, "TNASP": 0.539},
    156: {"PINAT": 0.631, "TNASP": 0.589},
    469: {"PINAT": 0.706, "TNASP": 0.640},
    781: {"PINAT": 0.761, "TNASP": 0.689},
    1563: {"PINAT": 0.784, "TNASP": 0.724},
}
NB201_NN_FORMER = {
    156: {"NN-Former": 0.804, "NAR-Former V2": 0.752},
    1563: {"NN-Former": 0.890, "NAR-Former V2": 0.888},
}
NB101 = {
    100: {"PINAT": 0.679, "TNASP": 0.600, "GATES": 0.605},
    172: {"PINAT": 0.715, "TNASP": 0.669, "GATES": 0.659},
    424: {"PINAT": 0.772, "TNASP": 0.705, "GATES": 0.691},
    4236: {"PINAT": 0.846, "TNASP": 0.820, "GATES": 0.822},
}
NB101_NN_FORMER = {
    100: {"NN-Former": 0.709, "NAR-Former V2": 0.663},
    4236: {"NN-Former": 0.877, "NAR-Former V2": 0.861},
}


def _rows(table: dict[int, dict[str, float]], source: str, benchmark: str, cells: int) -> list[PublishedResult]:
    return [
        PublishedResult(
            method, source, PROTOCOL, benchmark, "test_accuracy", size, tau, test_cells="every", space_cells=cells
        )
        for size, methods in table.items()
        for method, tau in methods.items()
    ]


def published_results() -> list[PublishedResult]:
    return [
        *_rows(NB201, PINAT, "nb201-cifar10", 15_625),
        *_rows(NB201_NN_FORMER, NN_FORMER, "nb201-cifar10", 15_625),
        *_rows(NB101, PINAT, "nb101", 423_624),
        *_rows(NB101_NN_FORMER, NN_FORMER, "nb101", 423_624),
    ]
