import numpy as np

from nasbench_suite import leaderboard


def _rec(predictor, seed, tau, status="ok", train=10):
    return {
        "key": f"{predictor}-{seed}-{train}",
        "benchmark": "b",
        "target": "t",
        "train_size": train,
        "predictor": predictor,
        "seed": seed,
        "status": status,
        "kendall_tau": tau,
        "spearman": tau,
        "pearson": tau,
        "precision_at_10": 0.1,
        "precision_at_100": None,
        "fit_seconds": 0.1,
        "predict_seconds": 0.1,
        "peak_rss_mb": 10.0,
        "error": None if status == "ok" else "boom",
        "suite_version": "9.9",
        "plugins": {"predictor": {"distribution": "dist-x", "version": "1.0"}},
    }


def test_summary_ranks_by_mean_tau_and_counts_failures():
    records = [_rec("good", s, 0.6 + 0.01 * s) for s in range(3)] + [_rec("bad", s, 0.1) for s in range(3)]
    records += [_rec("broken", 0, None, status="error"), _rec("flat", 0, None)]
    summary = leaderboard.summarise(records).set_index("predictor")
    assert summary.loc["good", "rank"] == 1 and summary.loc["bad", "rank"] == 2
    assert summary.loc["good", "kendall_tau_mean"] == np.float64(0.61)
    assert summary.loc["good", "kendall_tau_ci_low"] <= 0.61 <= summary.loc["good", "kendall_tau_ci_high"]
    assert summary.loc["broken", "failed"] == 1 and summary.loc["broken", "seeds"] == 0
    assert summary.loc["flat", "undefined"] == 1


def test_rendered_board_shows_failed_and_undefined_and_versions():
    records = [_rec("good", 0, 0.5), _rec("broken", 0, None, status="error"), _rec("flat", 0, None)]
    text = leaderboard.render(records, "markdown")
    lines = {line.split("|")[5].strip(): line for line in text.splitlines() if line.startswith("| b ")}
    assert "failed" in lines["broken"] and "undefined" in lines["flat"] and "0.500" in lines["good"]
    assert "nasbench-suite 9.9" in text and "dist-x 1.0" in text
