"""Runs on a real ``dask.distributed`` LocalCluster with worker processes on loopback: the same
results as a local run, nothing lost when a worker is killed mid-run, plugin versions checked,
GPU runs annotated with a GPU resource."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import threading
import time
from dataclasses import replace

import pytest
from dask.distributed import Client

from nasbench_suite import ConfigError, PluginError, __version__
from nasbench_suite.cli import main
from nasbench_suite.execution import Limits, dask_cluster
from nasbench_suite.execution.dask_cluster import DaskExecutor, run_on_dask_worker, start_local_cluster
from nasbench_suite.execution.worker import run_job
from nasbench_suite.registry import Suite, load_registry
from nasbench_suite.specs import Spec, parse_spec
from nasbench_suite.study.experiment import Experiment
from nasbench_suite.study.planning import plan_ranking
from nasbench_suite.study.records import load_records

GRID = ["--benchmark", "nb201-cifar10", "--train-sizes", "10,30", "--seeds", "2", "--test-size", "200"]
GRID += ["--device", "cpu"]
PREDICTORS = ["--predictor", "param-count", "--predictor", "onehot-xgb:n_estimators=20,n_jobs=1"]
PREDICTORS += ["--predictor", "fault-raises-in-fit"]


def _experiment(*predictors: str) -> Experiment:
    specs = tuple(parse_spec(p, "predictor") for p in predictors)
    return Experiment("ranking", (Spec("nb201-cifar10"),), specs, seeds=1, train_sizes=(10,), test_size=50)


def _results(out):
    return {
        r["key"]: (r["status"], r.get("kendall_tau"), r.get("spearman"), r.get("error")) for r in load_records([out])
    }


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        tests_dir = os.path.dirname(__file__)
        patch.setenv("NASBENCH_SUITE_PLUGIN_MODULES", "fault_plugins")
        patch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [tests_dir, os.environ.get("PYTHONPATH")])))
        with start_local_cluster(2, silence_logs=logging.ERROR) as local:
            yield local


@pytest.fixture(scope="module")
def local_results(tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NASBENCH_SUITE_PLUGIN_MODULES", "fault_plugins")
        assert main(["run", *GRID, *PREDICTORS, "--out", str(out)]) == 1  # the faulty predictor's runs failed
    return _results(out)


def test_a_local_cluster_gives_the_same_results_as_a_local_run(tmp_path, capsys, fault_plugins, local_results):
    assert main(["run", *GRID, *PREDICTORS, "--scheduler", "local", "--jobs", "2", "--out", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert _results(tmp_path) == local_results
    assert "8 runs finished, 4 failed" in err and "fault-raises-in-fit on nb201-cifar10 (train 10): 2 of 2" in out


def test_a_scheduler_address_or_file_gives_the_same_results(tmp_path, fault_plugins, cluster, local_results):
    assert (
        main(["run", *GRID, *PREDICTORS, "--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "a")]) == 1
    )
    assert _results(tmp_path / "a") == local_results
    scheduler_file = tmp_path / "scheduler.json"
    scheduler_file.write_text(json.dumps({"address": cluster.scheduler_address}))
    assert main(["run", *GRID, *PREDICTORS, "--scheduler", str(scheduler_file), "--out", str(tmp_path / "f")]) == 1
    assert _results(tmp_path / "f") == local_results


def test_searches_run_on_the_cluster_too(tmp_path, fault_plugins, cluster):
    args = ["search", "--benchmark", "nb201-cifar10", "--strategy", "random", "--strategy", "evolution"]
    args += ["--budget", "100", "--seeds", "2", "--device", "cpu"]
    assert main([*args, "--out", str(tmp_path / "local")]) == 0
    assert main([*args, "--out", str(tmp_path / "dask"), "--scheduler", cluster.scheduler_address]) == 0

    def searches(out):
        return {r["key"]: (r["status"], r["lookups_to_target"], r["curve"]) for r in load_records([out])}

    assert searches(tmp_path / "dask") == searches(tmp_path / "local") and len(searches(tmp_path / "local")) == 4


def test_plugin_versions_are_checked_on_every_worker(cluster, fault_plugins, monkeypatch):
    registry = load_registry()
    real = dask_cluster.plugin_versions
    monkeypatch.setattr(dask_cluster, "plugin_versions", lambda reg: {**real(reg), "graf": "9.9", "extra-plugin": "1"})
    version = re.escape(__version__)
    expected = rf"Dask worker tcp://127\.0\.0\.1:\d+: plugins differ .*graf is {version} \(expected 9\.9\)"
    with pytest.raises(ConfigError, match=expected + "; plugin extra-plugin is not installed"):
        DaskExecutor(registry, address=cluster.scheduler_address)
    # a worker that joins later is checked again by every task
    suite = Suite(registry)
    [run] = plan_ranking(_experiment("param-count"), suite, "cpu")
    with Client(cluster.scheduler_address) as client:
        future = client.submit(run_on_dask_worker, run_job, run, {"nasbench-suite": "0.0.1"}, Limits())
        with pytest.raises(
            PluginError, match=r"plugins differ from the client's: nasbench-suite is .* \(expected 0\.0\.1\)"
        ):
            future.result()


def test_gpu_runs_ask_for_a_gpu_resource(cluster, fault_plugins):
    registry = load_registry()
    with DaskExecutor(registry, address=cluster.scheduler_address) as executor:
        assert executor.resolve_device("auto") == "cpu"  # no worker declares a GPU
        with pytest.raises(ConfigError, match="no worker of .* declares a GPU resource .*--resources GPU=1"):
            executor.resolve_device("cuda")
    with (
        start_local_cluster(
            1, processes=False, host=None, resources={"GPU": 1}, silence_logs=logging.ERROR
        ) as gpu_cluster,
        DaskExecutor(registry, address=gpu_cluster.scheduler_address) as executor,
    ):
        assert executor.resolve_device("auto") == "cuda"
        suite = Suite(registry)
        runs = plan_ranking(_experiment("gcn", "param-count"), suite, "cuda")
        assert [run.uses_gpu for run in runs] == [True, False]  # gcn declares a device; param-count does not
        submitted = []
        submit = executor.client.submit
        executor.client.submit = lambda *args, **kwargs: (
            submitted.append(kwargs["resources"]) or submit(*args, **kwargs)
        )
        # the runs themselves execute on this machine's CPU; only their annotation is checked
        cpu_runs = [replace(run, device="cpu") for run in runs]
        results = list(executor.map(cpu_runs))
        assert submitted == [{"GPU": 1}, None]
        assert [record["status"] for _, record in results] == ["ok", "ok"]


def test_bad_scheduler_addresses_are_config_errors(tmp_path):
    registry = load_registry()
    with pytest.raises(ConfigError, match=r"--scheduler tcp://127\.0\.0\.1:9: cannot connect to the Dask scheduler"):
        DaskExecutor(registry, address="tcp://127.0.0.1:9", connect_timeout=1)
    garbage = tmp_path / "scheduler.json"
    garbage.write_text("not json")
    with pytest.raises(ConfigError, match=f"--scheduler {garbage}: not a Dask scheduler file"):
        DaskExecutor(registry, scheduler_file=str(garbage), connect_timeout=1)
    garbage.write_text('{"id": "Scheduler-1"}')
    with pytest.raises(ConfigError, match='not a Dask scheduler file \\(no "address" entry\\)'):
        DaskExecutor(registry, scheduler_file=str(garbage), connect_timeout=1)


def test_killing_a_worker_mid_run_loses_nothing(tmp_path, capsys, fault_plugins, cluster):
    """Last in this module: it kills one of the shared cluster's workers (its nanny restarts it)."""
    with Client(cluster.scheduler_address) as client:
        pids = client.run(os.getpid)

        def kill_one_worker_once_busy() -> None:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                busy = [worker for worker, tasks in client.processing().items() if tasks]
                if busy and (tmp_path / "records.jsonl").exists():
                    time.sleep(0.5)  # inside a run's one-second fit
                    os.kill(pids[busy[0]], signal.SIGKILL)
                    return
                time.sleep(0.05)

        killer = threading.Thread(target=kill_one_worker_once_busy)
        killer.start()
        args = ["run", "--benchmark", "nb201-cifar10", "--train-sizes", "10", "--seeds", "6", "--test-size", "100"]
        args += ["--predictor", "fault-slow:seconds=1", "--device", "cpu", "--scheduler", cluster.scheduler_address]
        assert main([*args, "--out", str(tmp_path)]) == 0
        killer.join()
        assert set(client.run(os.getpid).values()) != set(pids.values())  # a worker really was replaced
    records = load_records([tmp_path])
    assert len(records) == 6 and all(record["status"] == "ok" for record in records)
    assert "6 runs finished, 0 failed" in capsys.readouterr().err
