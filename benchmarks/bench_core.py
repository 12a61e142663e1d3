"""Benchmark transflow's extract/update/build against translate-toolkit and mdpo.

Usage: python benchmarks/bench_core.py [--articles 1000] [--runs 3] [--seed 1] [--style both]

Every tool gets a fresh copy of the same generated corpus per run and is driven through
its command line, so process start-up counts as it does for a user. transflow is
optional while its CLI is being written: without it only the peers are measured.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from generate import LANGUAGES, WRITERS, generate_project
from peers import (
    PEERS,
    WORK,
    PeerError,
    Stage,
    ToolRun,
    check_build,
    count_segments,
    ensure_peers,
    fill_catalog,
    markdown_files,
    peer_versions,
    run_stage,
)

TRANSFLOW = "transflow"
NO_CHANGE_TARGET = 1.0  # seconds, for 1,000 articles x 3 languages
WARM_UP_ARTICLES = 3


def transflow_command() -> str | None:
    """The transflow script beside this interpreter (no pyenv shim in the timing)."""
    local = Path(sys.executable).parent / "transflow"
    return str(local) if local.exists() else shutil.which("transflow")


def transflow_available() -> tuple[bool, str]:
    command = transflow_command()
    if command is None:
        return False, "no transflow command on PATH"
    try:
        probe = subprocess.run([command, "--help"], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["exit status " + str(probe.returncode)])[-1]
        return False, last
    return True, command


def transflow_version(command: str) -> str:
    probe = subprocess.run([command, "--version"], capture_output=True, text=True, check=False)
    if probe.returncode == 0 and probe.stdout.strip():
        return probe.stdout.strip()
    return version("transflow")


def run_transflow(project: Path, languages: list[str]) -> ToolRun:
    """extract, update, build, then `run` twice; the second `run` has nothing to do."""
    command = transflow_command()
    assert command is not None
    result = ToolRun(TRANSFLOW)

    def stage(name: str, kind: str, verb: str) -> None:
        timed = run_stage(
            name,
            kind,
            [[command, "--project", str(project), verb]],
            project,
            note=f"1 process: transflow --project DIR {verb}",
        )
        result.stages.append(timed)

    stage("extract", "extract", "extract")
    pots = sorted(project.rglob("*.pot"))
    result.segments = count_segments(pots) if pots else None
    stage("update", "update", "update")
    pos = sorted((project / "translations").rglob("*.po"))
    for po in pos:
        lang = next((part for part in po.parts if part in languages), "")
        fill_catalog(po, lang)
    if not pos:
        result.notes.append("no PO files under translations/ after update; build untranslated")
    stage("build", "build", "build")
    try:
        stage("run (1st)", "run", "run")
        stage("run (no change)", "no-change", "run")
    except PeerError as exc:
        # Keep the extract/update/build numbers even if `run` is not there yet.
        result.notes.append(f"run failed: {exc}")
    for lang in languages:
        result.build_dirs[lang] = project / "build" / lang
    return result


# --- reporting ------------------------------------------------------------------------


def median_stages(runs: list[ToolRun]) -> list[tuple[Stage, list[float]]]:
    """Per stage name: the run with the median time (ties to the lower) and all times."""
    by_name: dict[str, list[Stage]] = {}
    for run in runs:
        for stage in run.stages:
            by_name.setdefault(stage.name, []).append(stage)
    summary = []
    for stages in by_name.values():
        ordered = sorted(stages, key=lambda stage: stage.seconds)
        middle = ordered[(len(ordered) - 1) // 2]
        median = Stage(
            middle.name,
            middle.kind,
            statistics.median(stage.seconds for stage in stages),
            statistics.median(stage.cpu_seconds for stage in stages),
            middle.processes,
            max(stage.peak_rss_kb for stage in stages),
            middle.startup_seconds,
            middle.note,
        )
        summary.append((median, [stage.seconds for stage in stages]))
    return summary


def fastest(stages: list[Stage], kind: str) -> Stage | None:
    candidates = [stage for stage in stages if stage.kind == kind]
    return min(candidates, key=lambda stage: stage.seconds) if candidates else None


def print_table(results: dict[str, list[ToolRun]], languages: list[str]) -> None:
    header = (
        f"{'tool':<18} {'stage':<21} {'median s':>9} {'runs':<20} {'cpu s':>8} {'procs':>5} "
        f"{'s w/o start':>11} {'segments':>8} {'seg/s':>8} {'peak RSS':>9}"
    )
    print(header)
    print("-" * len(header))
    for tool, runs in results.items():
        if not runs:
            continue
        segments = runs[0].segments
        for stage, times in median_stages(runs):
            # Extraction handles each segment once; update and build once per language.
            handled = None
            if segments is not None:
                handled = segments if stage.kind == "extract" else segments * len(languages)
            rate = f"{handled / stage.seconds:8.0f}" if handled and stage.seconds else f"{'-':>8}"
            bare = stage.seconds_without_startup
            print(
                f"{tool:<18} {stage.name:<21} {stage.seconds:9.2f} "
                f"{' '.join(f'{t:.2f}' for t in times):<20} {stage.cpu_seconds:8.2f} {stage.processes:>5} "
                f"{f'{bare:.2f}' if bare is not None else '-':>11} "
                f"{segments if segments is not None else '?':>8} {rate} "
                f"{stage.peak_rss_kb / 1024:7.1f}Mi"
            )
    print()
    print("Wall times unless marked cpu (user + sys of the tool's processes, robust to other load).")
    print("s w/o start = wall time minus processes x the median start-up of that command on a")
    print("one-heading file, measured right after the stage. How each stage was invoked:")
    for tool, runs in results.items():
        if not runs:
            continue
        for stage, _ in median_stages(runs):
            startup = (
                f"; start-up {stage.startup_seconds * 1000:.0f} ms/process" if stage.startup_seconds is not None else ""
            )
            print(f"  {tool} {stage.name}: {stage.note}{startup}")
        for note in dict.fromkeys(note for run in runs for note in run.notes):
            print(f"  {tool}: {note}")


def print_checks(results: dict[str, list[ToolRun]]) -> None:
    """Whole-corpus check of the last run's output, plus one file to eyeball."""
    print("\nRebuilt output check (last run; HTML structure vs source, prose substituted):")
    for tool, runs in results.items():
        if not runs:
            continue
        run = runs[-1]
        for label, build_dir in run.build_dirs.items():
            project = build_dir.parents[1]
            check = check_build(project, build_dir)
            problems = {
                "missing": check.missing,
                "structure differs": check.structure_differs,
                "not substituted": check.untranslated,
                "front matter lost": check.front_matter_lost,
            }
            issues = ", ".join(f"{len(names)} {what} (e.g. {names[0]})" for what, names in problems.items() if names)
            print(f"  {tool} [{label}]: {check.files} files, {issues or 'all OK'}")
            if check.first_difference:
                print(f"      first difference: {check.first_difference}")
    for tool, runs in results.items():
        if not runs or not runs[-1].build_dirs:
            continue
        build_dir = next(iter(runs[-1].build_dirs.values()))
        sample = build_dir / markdown_files(build_dir.parents[1])[0].name
        if sample.exists():
            lines = sample.read_text(encoding="utf-8").splitlines()
            body = next((i for i, line in enumerate(lines) if line.startswith("# ")), 0)
            print(f"\n  sample {tool}: {sample}")
            for line in lines[body : body + 8]:
                print(f"    | {line}")


def stage_total(stages: list[Stage], kinds: list[str]) -> tuple[float, float] | None:
    """(wall, cpu) seconds of the fastest variant of each kind, or None if one is missing."""
    picked = [fastest(stages, kind) for kind in kinds]
    if any(stage is None for stage in picked):
        return None
    chosen = [stage for stage in picked if stage is not None]
    return sum(stage.seconds for stage in chosen), sum(stage.cpu_seconds for stage in chosen)


def print_ratios(results: dict[str, list[ToolRun]], articles: int, languages: list[str]) -> None:
    """transflow vs each peer (and the faster one) on extract+build, plus the full pipeline."""
    medians = {tool: [stage for stage, _ in median_stages(runs)] for tool, runs in results.items() if runs}
    peers = {tool: stages for tool, stages in medians.items() if tool != TRANSFLOW}
    print("\nRatios (medians; each tool's fastest variant per stage; < 1 = transflow faster)")
    pipelines = {"extract+build": ["extract", "build"], "extract+update+build": ["extract", "update", "build"]}
    for label, kinds in pipelines.items():
        totals = {tool: stage_total(stages, kinds) for tool, stages in peers.items()}
        totals = {tool: total for tool, total in totals.items() if total is not None}
        for tool, (wall, cpu) in totals.items():
            print(f"  {tool} {label}: {wall:.2f} s wall, {cpu:.2f} s cpu")
        if not totals:
            print(f"  {label}: no peer has all of these stages")
            continue
        best = min(totals, key=lambda tool: totals[tool][0])
        own = stage_total(medians.get(TRANSFLOW, []), kinds)
        if own is None:
            print(f"  transflow {label}: not available; ratios skipped")
            continue
        print(f"  transflow {label}: {own[0]:.2f} s wall, {own[1]:.2f} s cpu")
        for tool, (wall, cpu) in totals.items():
            faster = " (faster peer)" if tool == best else ""
            print(f"  transflow / {tool}{faster} {label}: {own[0] / wall:.2f} wall, {own[1] / cpu:.2f} cpu")
    no_change = fastest(medians.get(TRANSFLOW, []), "no-change")
    if no_change is not None:
        # The target is defined for 1,000 articles x 3 languages; other sizes just report.
        verdict = ""
        if articles == 1000 and len(languages) == 3:
            verdict = ": OK" if no_change.seconds < NO_CHANGE_TARGET else ": OVER TARGET"
        print(
            f"  transflow no-change run: {no_change.seconds:.2f} s wall, {no_change.cpu_seconds:.2f} s cpu "
            f"(target < {NO_CHANGE_TARGET:.0f} s for 1,000 articles x 3 languages){verdict}"
        )


def print_versions(transflow: str | None) -> None:
    print("Versions:")
    print(f"  python {platform.python_version()} ({sys.executable})")
    print(f"  transflow {transflow_version(transflow) if transflow else 'not available'}")
    for name, number in peer_versions().items():
        print(f"  {name} {number}")


# --- driver -----------------------------------------------------------------------------


def run_tool(
    name: str,
    runner: Callable[[Path, list[str]], ToolRun],
    corpus: Path,
    label: str,
    languages: list[str],
) -> ToolRun | None:
    """Run one tool on a fresh copy of the corpus; a failure is reported, not fatal."""
    project = WORK / "runs" / f"{name}-{label.replace(' ', '')}"
    if project.exists():
        shutil.rmtree(project)
    shutil.copytree(corpus, project)
    print(f"{label}: {name} ...", flush=True)
    try:
        result = runner(project, languages)
    except PeerError as exc:
        print(f"{label}: {name} FAILED: {exc}")
        return None
    summary = ", ".join(f"{stage.name} {stage.seconds:.2f}s" for stage in result.stages)
    print(f"{label}: {name}: {summary}", flush=True)
    return result


def fresh_corpus(path: Path, articles: int, seed: int, languages: list[str], style: str) -> None:
    if path.exists():
        shutil.rmtree(path)
    generate_project(path, articles, seed, languages, style)


def load_average() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--style", choices=[*WRITERS, "both"], default="both", help="corpus style (generate.py)")
    args = parser.parse_args(argv)
    languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]

    WORK.mkdir(parents=True, exist_ok=True)
    ensure_peers()
    available, detail = transflow_available()
    tools: dict[str, Callable[[Path, list[str]], ToolRun]] = dict(PEERS)
    if available:
        tools = {TRANSFLOW: run_transflow, **tools}
    else:
        print(f"transflow: not available ({detail})")
    for style in WRITERS if args.style == "both" else [args.style]:
        compare_on_style(tools, style, args.articles, args.seed, args.runs, languages)
    print()
    print_versions(detail if available else None)


def compare_on_style(
    tools: dict[str, Callable[[Path, list[str]], ToolRun]],
    style: str,
    articles: int,
    seed: int,
    runs: int,
    languages: list[str],
) -> None:
    """All tools on one generated corpus, run after run, and the table of their medians."""
    corpus = WORK / f"corpus-{style}-{articles}-{seed}"
    fresh_corpus(corpus, articles, seed, languages, style)
    size = sum(path.stat().st_size for path in markdown_files(corpus))
    print(
        f"\nCorpus: {corpus} ({articles} articles, style {style}, seed {seed}, "
        f"{size / 1e6:.1f} MB of Markdown, languages {', '.join(languages)})"
    )
    # Untimed: fills bytecode caches and start-up measurements; a tool that cannot
    # get through a tiny project is not worth timing on a large one.
    warm_up = WORK / "corpus-warm-up"
    fresh_corpus(warm_up, WARM_UP_ARTICLES, seed, languages, style)
    for name, runner in list(tools.items()):
        if run_tool(name, runner, warm_up, "warm-up", languages) is None:
            del tools[name]
            print(f"{name}: skipped (failed on the warm-up project)")

    print(f"load average before the timed runs: {load_average()}")
    results: dict[str, list[ToolRun]] = {name: [] for name in tools}
    for run_index in range(runs):
        for name, runner in tools.items():
            result = run_tool(name, runner, corpus, f"run {run_index + 1}", languages)
            if result is not None:
                results[name].append(result)
    print(f"load average after the timed runs: {load_average()} (2 cores; others may share)")
    print(f"\n### style {style}\n")
    print_table(results, languages)
    print_checks(results)
    print_ratios(results, articles, languages)


if __name__ == "__main__":
    main()
