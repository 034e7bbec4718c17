"""The commands that run studies (``run``, ``search``, ``study``) and render them (``leaderboard``):
one path for all three, from options to an :class:`Experiment` to the study mechanism."""

from __future__ import annotations

import argparse
import shlex
import sys
from dataclasses import replace
from pathlib import Path

from nasbench_suite.cli.config_file import read_study_file
from nasbench_suite.cli.parser import DEFAULT_OUT, subcommand
from nasbench_suite.errors import ConfigError
from nasbench_suite.execution import Limits, make_executor
from nasbench_suite.registry.suite import Suite
from nasbench_suite.report.figures import plot_all
from nasbench_suite.report.quotes import check_files
from nasbench_suite.report.render import ReportContext, check_format, render, report_context
from nasbench_suite.report.summaries import distinct_labels
from nasbench_suite.specs import Spec, parse_spec
from nasbench_suite.study.experiment import DEFAULT_BENCHMARK, Experiment, Study
from nasbench_suite.study.planning import display_labels, plan
from nasbench_suite.study.records import ResultsStore, load_records, read_study_settings, write_study_settings
from nasbench_suite.study.runner import execute, pending


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
            train_pool=args.train_pool,
            train_target=args.train_target or "",
            unlabelled_factor=args.unlabelled_factor,
            score_train=args.score_train,
        )
    return Experiment(
        "search",
        **common,
        strategies=_specs(args.strategy, "search strategy"),
        budget=args.budget,
        top_fraction=args.top,
        constraint=args.constraint,
        objectives=tuple(args.objective or ()),
        hv_target=args.hv_target,
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
    labels = tuple(settings.get("labels", ()))
    study = Study(tuple(experiments), settings.get("title", ""), tuple(settings.get("notes", [])), labels)
    return run_study(study, args, suite)


def run_study(study: Study, args: argparse.Namespace, suite: Suite) -> int:
    """Plan the study (every check before any work), execute what is not done yet, append every
    record, print the study's report and write the directory's. Interrupted at any point (Ctrl-C),
    it keeps every finished record and exits with 130."""
    args.format = check_format(args.format)
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
    labels = display_labels(study, suite, f"study file {getattr(args, 'file', '')}".strip())  # checked first
    if args.dry_run:
        return _dry_run(study, args, suite, store)
    with make_executor(suite, args.jobs, Limits(args.timeout, args.memory_limit), args.scheduler) as executor:
        jobs = plan(study, suite, executor.resolve_device)
        outcome = execute(jobs, store, executor, force=args.force)
    records = distinct_labels(load_records([args.out]))  # the latest record of each job, labelled once for all
    keys = {job.key() for job in jobs}
    context = report_context(suite, {"title": study.title, "notes": study.notes, "labels": labels})
    print(render([r for r in records if r["key"] in keys], args.format, context=context), end="")
    board = Path(args.out) / "leaderboard.md"
    produced = f"Produced by `nasbench-suite {shlex.join(args.argv)}`; every record is in `{store.path.name}`."
    if study.title or study.notes or labels:  # kept beside the records, for re-rendering the directory later
        write_study_settings(args.out, study.title, list(study.notes), labels)
    write_reports(records, Path(args.out), context, produced, html=args.command == "study")
    if args.plot:
        for figure in plot_all(records, args.plot, context.show):
            print(f"wrote {', '.join(map(str, figure.paths))}", file=sys.stderr)
    print(f"{outcome.summary()}; results in {store.path}, report in {board}", file=sys.stderr)
    for error in outcome.errors[:10]:
        print(f"  failed: {error}", file=sys.stderr)
    if outcome.failed and not args.allow_failures:
        print(
            f"nasbench-suite: {outcome.failed} of {len(jobs)} planned jobs failed (exit status 1; "
            "--allow-failures exits 0); re-run the same command to retry them",
            file=sys.stderr,
        )
        return 1
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


def write_reports(records: list, out: Path, context: ReportContext, produced: str, html: bool) -> None:
    """``leaderboard.md`` (the title, how it was produced, the notes, then the report) and, with
    ``html``, ``report.html`` of a results directory."""
    notes = (produced, *context.notes)
    heading = f"# {context.title or 'Leaderboard'}\n\n" + "".join(f"{note}\n\n" for note in notes)
    (out / "leaderboard.md").write_text(heading + render(records, "markdown", context=context))
    if html:
        page = replace(context, title=context.title or "Leaderboard", notes=notes)
        (out / "report.html").write_text(render(records, "html", context=page))


def cmd_figures(args: argparse.Namespace, suite: Suite, parser: argparse.ArgumentParser) -> int:
    """Check (or, with --fix, update) quoted figures; exit 1 when any is wrong or unreferenced."""
    missing = [name for name in args.files if not Path(name).is_file()]
    if missing:
        raise ConfigError(f"figures: {missing[0]}: no such file")
    problems = check_files([Path(name) for name in args.files], list(report_context(suite).claims), args.fix)
    for problem in problems:
        print(problem)
    checked = "fixed where the records tell" if args.fix else "checked"
    print(f"{len(args.files)} files {checked}; {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


def cmd_leaderboard(args: argparse.Namespace, suite: Suite, parser: argparse.ArgumentParser) -> int:
    args.format = check_format(args.format)
    records = load_records(args.results)
    settings = read_study_settings(args.results[0]) if len(args.results) == 1 else {}
    context = report_context(suite, settings)
    text = render(records, args.format, context=context)
    if args.output:
        Path(args.output).write_text(text)
    else:
        print(text, end="")
    if args.plot:
        for figure in plot_all(records, args.plot, context.show):
            print(f"wrote {', '.join(map(str, figure.paths))}", file=sys.stderr)
    return 0
