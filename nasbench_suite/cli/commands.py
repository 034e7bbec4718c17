"""The commands that run studies (``run``, ``search``, ``study``) and render them (``leaderboard``):
one path for all three, from options to an :class:`Experiment` to the study mechanism."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from nasbench_suite.cli.config_file import read_study_file
from nasbench_suite.cli.parser import DEFAULT_OUT, subcommand
from nasbench_suite.errors import ConfigError
from nasbench_suite.execution import Limits, make_executor
from nasbench_suite.registry.suite import Suite
from nasbench_suite.report.figures import plot_all
from nasbench_suite.report.render import check_format, render
from nasbench_suite.specs import Spec, parse_spec
from nasbench_suite.study.experiment import DEFAULT_BENCHMARK, Experiment, Study
from nasbench_suite.study.planning import plan
from nasbench_suite.study.records import ResultsStore, load_records
from nasbench_suite.study.runner import execute, pending

#: A study's title and notes, written beside its records so that the directory re-renders as it was.
STUDY_FILE = "study.json"


def _specs(texts: list[str] | None, what: str) -> tuple[Spec, ...]:
    return tuple(parse_spec(text, what) for text in texts or [])


def experiment_from_args(kind: str, args: argparse.Namespace) -> Experiment:
    """The experiment that ``run`` (``ranking``) or ``search`` options describe."""
    benchmarks = _specs(args.benchmark or [DEFAULT_BENCHMARK], "benchmark")
    common = {"benchmarks": benchmarks, "predictors": _specs(args.predictor, "predictor"), "seeds": args.seeds}
    common["first_seed"] = args.first_seed
    common["device"] = args.device or "auto"
    if kind == "ranking":
        return Experiment(
            "ranking",
            **common,
            train_sizes=tuple(args.train_sizes),
            test_size=args.test_size,
            unlabelled_factor=args.unlabelled_factor,
            score_train=args.score_train,
        )
    return Experiment(
        "search",
        **common,
        strategies=_specs(args.strategy, "search strategy"),
        budget=args.budget,
        top_fraction=args.top,
    )


def cmd_run(args: argparse.Namespace, suite: Suite, parser: argparse.ArgumentParser) -> int:
    return run_study(Study((experiment_from_args("ranking", args),)), args, suite)


def cmd_search(args: argparse.Namespace, suite: Suite, parser: argparse.ArgumentParser) -> int:
    return run_study(Study((experiment_from_args("search", args),)), args, suite)


def cmd_study(args: argparse.Namespace, suite: Suite, parser: argparse.ArgumentParser) -> int:
    parsers = {"ranking": subcommand(parser, "run"), "search": subcommand(parser, "search")}
    settings, blocks = read_study_file(args.file, parsers)
    if settings["options"]:  # the file's study-wide options, below the command line's
        subcommand(parser, "study").set_defaults(**settings["options"])
        argv = args.argv
        args = parser.parse_args(argv)
        args.argv = argv
    experiments = []
    for kind, values, number in blocks:
        command = "run" if kind == "ranking" else "search"
        block = parsers[kind].parse_args([])  # the command's defaults
        for dest, value in values.items():
            setattr(block, dest, value)
        if args.device:
            block.device = args.device
        try:
            experiments.append(experiment_from_args(kind, block))
        except ConfigError as exc:
            raise ConfigError(f"study file {args.file}: [[{kind}]] block {number} ({command} options): {exc}") from None
    args.out = args.out or str(Path(DEFAULT_OUT) / Path(args.file).stem)
    study = Study(tuple(experiments), settings.get("title", ""), tuple(settings.get("notes", [])))
    return run_study(study, args, suite)


def run_study(study: Study, args: argparse.Namespace, suite: Suite) -> int:
    """Plan the study (every check before any work), execute what is not done yet, append every
    record, print the study's report and write the directory's. Interrupted at any point (Ctrl-C),
    it keeps every finished record and exits with 130."""
    check_format(args.format)
    store = ResultsStore(args.out)
    try:
        return _run_study(study, args, suite, store)
    except KeyboardInterrupt:
        print(
            f"nasbench-suite: interrupted; finished jobs are saved in {store.path}; re-run the same command to resume",
            file=sys.stderr,
        )
        return 130


def _run_study(study: Study, args: argparse.Namespace, suite: Suite, store: ResultsStore) -> int:
    if args.dry_run:
        return _dry_run(study, args, suite, store)
    with make_executor(suite, args.jobs, Limits(args.timeout, args.memory_limit), args.scheduler) as executor:
        jobs = plan(study, suite, executor.resolve_device)
        outcome = execute(jobs, store, executor, force=args.force)
    records = load_records([args.out])  # the latest record of each job
    keys = {job.key() for job in jobs}
    claims = [claim for claim, _ in suite.registry.claims]
    print(render([r for r in records if r["key"] in keys], args.format, claims), end="")
    board = Path(args.out) / "leaderboard.md"
    produced = f"Produced by `nasbench-suite {shlex.join(args.argv)}`; every record is in `{store.path.name}`."
    if study.title or study.notes:  # kept beside the records, for re-rendering the directory later
        (Path(args.out) / STUDY_FILE).write_text(
            json.dumps({"title": study.title, "notes": list(study.notes)}, indent=2)
        )
    title = study.title or "Leaderboard"
    notes = "".join(f"{note}\n\n" for note in study.notes)
    board.write_text(f"# {title}\n\n{produced}\n\n{notes}" + render(records, "markdown", claims))
    if args.command == "study":
        page = render(records, "html", claims, title, (produced, *study.notes))
        (Path(args.out) / "report.html").write_text(page)
    if args.plot:
        for path in plot_all(records, args.plot):
            print(f"wrote {path}", file=sys.stderr)
    print(f"{outcome.summary()}; results in {store.path}, report in {board}", file=sys.stderr)
    for error in outcome.errors[:10]:
        print(f"  failed: {error}", file=sys.stderr)
    return 0


def _dry_run(study: Study, args: argparse.Namespace, suite: Suite, store: ResultsStore) -> int:
    """Plan the study as a run would (every check included) and list what a run would do."""
    with make_executor(suite, 1, Limits(args.timeout, args.memory_limit), None) as executor:
        jobs = plan(study, suite, executor.resolve_device)
    todo = pending(jobs, store, args.force)
    for job in todo:
        print(f"{job.key()}\t{job.describe()}")
    print(f"{len(jobs)} jobs planned: {len(jobs) - len(todo)} already done, {len(todo)} to do", file=sys.stderr)
    return 0


def cmd_leaderboard(args: argparse.Namespace, suite: Suite, parser: argparse.ArgumentParser) -> int:
    check_format(args.format)
    records = load_records(args.results)
    title, notes = "", ()
    study_file = Path(args.results[0]) / STUDY_FILE
    if len(args.results) == 1 and study_file.is_file():
        study = json.loads(study_file.read_text())
        title, notes = study.get("title", ""), tuple(study.get("notes", ()))
    text = render(records, args.format, [claim for claim, _ in suite.registry.claims], title, notes)
    if args.output:
        Path(args.output).write_text(text)
    else:
        print(text, end="")
    if args.plot:
        for path in plot_all(records, args.plot):
            print(f"wrote {path}", file=sys.stderr)
    return 0
