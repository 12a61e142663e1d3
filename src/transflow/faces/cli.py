"""The command line: options -> config -> stage calls -> printed results. No logic of its own."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from transflow import __version__
from transflow.errors import TransflowError
from transflow.faces.reports import table
from transflow.stages import settings as config_module

if TYPE_CHECKING:
    from transflow.stages.settings import EngineSettings
    from transflow.stages.sources import Listed
    from transflow.stages.translate import TranslateReport

EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class _Group(click.Group):
    """Turns every TransflowError into one line on stderr and exit status 2, never a traceback.

    The project options may also follow the subcommand (`transflow run -C site`), as the README
    promises: they are moved in front of it before parsing.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.parent is None:
            args = _project_options_first(args, self.commands)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TransflowError as exc:
            click.echo(f"transflow: error: {exc}", err=True)
            ctx.exit(EXIT_USAGE)
        except BrokenPipeError:
            # The reader went away (`transflow stats | head`): nothing left to say to anyone.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(141)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"transflow: error: {where}{exc.strerror or exc}", err=True)
            ctx.exit(EXIT_USAGE)
        except KeyboardInterrupt:
            click.echo("transflow: interrupted; every file written so far is complete", err=True)
            ctx.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="transflow")
@click.option(
    "--project",
    "-C",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Project folder (holding transflow.yml).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Config file to use instead of PROJECT/transflow.yml.",
)
@click.option(
    "--wait",
    type=click.FloatRange(0),
    default=0,
    metavar="SECONDS",
    help="When another transflow command is writing to the project, wait up to SECONDS for it to finish.",
)
@click.option(
    "--allow-outside",
    is_flag=True,
    help="Let the translations, build and state folders (transflow.yml or --output) lie outside the project.",
)
@click.option(
    "--shard",
    metavar="K/N",
    callback=lambda _ctx, _param, value: _shard(value),
    help="Handle only the K-th of N slices of the articles (CI matrix jobs; see docs/ci.md).",
)
@click.pass_context
def main(
    ctx: click.Context,
    project: Path,
    config_file: Path | None,
    wait: float,
    allow_outside: bool,
    shard: tuple[int, int] | None,
) -> None:
    """transflow: Markdown articles -> gettext catalogs -> localized articles.

    Typical use: `transflow run` after editing articles in source/ or catalogs in
    translations/. Exit status: 0 success, 1 problems found, 2 bad input or usage.
    -C, --config, --wait and --allow-outside may also follow the command.
    """
    ctx.obj = (project, config_file, allow_outside, shard)


def _shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    number, _, count = value.partition("/")
    if not (number.isdigit() and count.isdigit() and 1 <= int(number) <= int(count)):
        raise click.BadParameter(f"{value!r} is not K/N with 1 <= K <= N, e.g. 2/4", param_hint="--shard")
    return int(number), int(count)


# The main group's options, and whether each takes a value: accepted after the subcommand too.
_PROJECT_OPTIONS = {
    "-C": True,
    "--project": True,
    "--config": True,
    "--allow-outside": False,
    "--wait": True,
    "--shard": True,
}


def _project_options_first(args: list[str], commands: Mapping[str, click.Command]) -> list[str]:
    """``[globals] command [its args, with globals mixed in]`` -> ``[globals] command [its args]``."""
    position, index = None, 0
    while index < len(args) and position is None:
        if args[index] in commands:
            position = index
        index += 2 if _PROJECT_OPTIONS.get(args[index]) else 1
    if position is None:
        return args
    moved: list[str] = []
    rest: list[str] = []
    tail = iter(args[position + 1 :])
    for arg in tail:
        name = arg.split("=", 1)[0]
        if arg == "--":
            rest += [arg, *tail]
        elif name in _PROJECT_OPTIONS:
            moved.append(arg)
            if _PROJECT_OPTIONS[name] and "=" not in arg:
                moved.append(next(tail, ""))
        elif arg.startswith("-C") and len(arg) > 2:  # -Csite
            moved.append(arg)
        else:
            rest.append(arg)
    return [*args[:position], *moved, args[position], *rest]


def _loaded(ctx: click.Context) -> config_module.Config:
    """The project's settings, read once per command (the lock and the command both need them)."""
    root = ctx.find_root()
    if "config" not in root.meta:
        project, config_file, allow_outside, _shard = root.obj
        root.meta["config"] = config_module.load(project, config_file, allow_outside)
        for warning in root.meta["config"].warnings:
            click.echo(f"warning: {warning}", err=True)
    config: config_module.Config = root.meta["config"]
    return config


def _config(
    ctx: click.Context, langs: tuple[str, ...] = (), threshold: float | None = None, output: Path | None = None
) -> config_module.Config:
    _project, _config_file, allow_outside, shard = ctx.find_root().obj
    return _loaded(ctx).with_overrides(langs, threshold, output, allow_outside, shard)


def _notify(message: str) -> None:
    click.echo(f"transflow: {message}", err=True)


def _writes(command: Callable[..., Any]) -> Callable[..., Any]:
    """A command that writes to the project holds the project lock while it runs; holding it, it
    can remove the temporary files that a killed command left behind."""

    @functools.wraps(command)
    def locked(ctx: click.Context, *args: Any, **kwargs: Any) -> Any:
        from transflow.formats.fileio import remove_temp_files
        from transflow.stages.lock import project_lock

        config = _loaded(ctx)  # a missing project folder is an error here, before the lock could create it
        name = ctx.command_path.partition(" ")[2]
        with project_lock(config.state_dir, name, ctx.find_root().params["wait"], _notify):
            for folder in (config.translations_dir, config.build_dir, config.state_dir):
                remove_temp_files(folder)
            return command(ctx, *args, **kwargs)

    return locked


_lang_option = click.option(
    "--lang", "-l", "langs", multiple=True, metavar="LANG", help="Only this target language (repeatable)."
)
_threshold_option = click.option(
    "--threshold",
    type=click.FloatRange(0, 100),
    metavar="PERCENT",
    help="Publish an article only when at least PERCENT of its strings are translated "
    "(overrides build.threshold; 0 publishes everything).",
)
_output_option = click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder for localized articles (default: build/).",
)


@main.command()
@click.pass_context
@_writes
def extract(ctx: click.Context) -> None:
    """Write one template (POT) per source article to translations/templates/."""
    from transflow.faces.progress import each
    from transflow.stages.pipeline import extract_each
    from transflow.stages.renames import follow_renames
    from transflow.stages.sources import list_all

    config = _config(ctx)
    articles, failed = list_all(config)
    for old, new in follow_renames(config, articles) if config.shard is None else ():
        click.echo(f"renamed   {old} -> {new} (its template and catalogs moved)")
    extracted = each(extract_each(config, articles), "Extracting", _article_name, total=len(articles))
    for _article, result in extracted:
        if isinstance(result, TransflowError):
            failed.append(result)
            continue
        state = "wrote" if result.written else "unchanged"
        click.echo(f"{state:9} {config.relative(result.path)} ({result.strings} strings)")
    _exit_after_skipping(ctx, failed)


def _article_name(pair: tuple[Listed, object]) -> str:
    return pair[0].slug


@main.command()
@_lang_option
@click.option(
    "--no-fuzzy", is_flag=True, help="Do not carry translations over to changed strings as fuzzy (like msgmerge -N)."
)
@click.option("--purge-obsolete", is_flag=True, help="Drop obsolete (#~) entries instead of keeping them.")
@click.pass_context
@_writes
def update(ctx: click.Context, langs: tuple[str, ...], no_fuzzy: bool, purge_obsolete: bool) -> None:
    """Create or update each language's catalogs from the templates (like msgmerge --previous).

    Translations are never lost: a changed string gets the translation of the most similar old
    one, marked fuzzy with the old text as `#| msgid`; strings that left the template become
    obsolete (#~).
    """
    from transflow.faces.progress import each
    from transflow.formats.pofile import read_po
    from transflow.stages.pipeline import update as update_one
    from transflow.stages.settings import merge_options
    from transflow.stages.sources import named_files

    config = _config(ctx, langs)
    options = merge_options(config, fuzzy=False if no_fuzzy else None, purge_obsolete=True if purge_obsolete else None)
    templates = {
        name: path for name, path in named_files(config.templates_dir, ".pot").items() if config.in_shard(name)
    }
    if not templates:
        raise TransflowError("no templates: run `transflow extract` first", config.relative(config.templates_dir))
    failed: list[TransflowError] = []
    for name, template_path in each(list(templates.items()), "Updating", lambda item: item[0]):
        try:
            template = read_po(template_path)
        except TransflowError as exc:
            failed.append(exc)
            continue
        for lang in config.languages:
            try:
                result = update_one(config, name, template, lang, options)
            except TransflowError as exc:
                failed.append(exc)
                continue
            stats = result.stats
            verb = "created" if result.created else "updated" if result.written else "unchanged"
            purged = f", purged {stats.purged}" if stats.purged else ""
            click.echo(
                f"{verb:9} {config.relative(result.path)} (kept {stats.kept}, "
                f"fuzzy {stats.fuzzy}, new {stats.added}, obsolete {stats.obsoleted}, "
                f"revived {stats.revived}{purged})"
            )
    _exit_after_skipping(ctx, failed)


@main.command()
@_lang_option
@_threshold_option
@_output_option
@click.pass_context
@_writes
def build(ctx: click.Context, langs: tuple[str, ...], threshold: float | None, output: Path | None) -> None:
    """Rebuild localized articles from the sources and the approved translations."""
    from transflow.faces.progress import each
    from transflow.stages.build import SKIPPED, forget_deleted
    from transflow.stages.pipeline import NoCatalog, build_each
    from transflow.stages.site import Site
    from transflow.stages.sources import list_all, output_path

    config = _config(ctx, langs, threshold, output)
    articles, failed = list_all(config)
    unreadable = bool(failed)
    site = Site.of(config, articles)
    outputs = []
    for article, outcomes in each(build_each(config, articles, site), "Building", _article_name, total=len(articles)):
        for outcome in outcomes:
            if isinstance(outcome, TransflowError):
                failed.append(outcome)
                continue
            if isinstance(outcome, NoCatalog):
                click.echo(
                    f"skipped   {outcome.lang}/{article.slug}: no catalog {config.relative(outcome.path)}"
                    " (run `transflow update`)"
                )
                continue
            for message in outcome.refused:
                click.echo(f"warning: {message}", err=True)
            if outcome.status != SKIPPED:
                outputs.append(outcome.output)
            where = config.relative(outcome.output)
            detail = f": {outcome.reason}" if outcome.reason else ""
            click.echo(f"{outcome.status:9} {where} ({outcome.counts.percent:.0f}% translated){detail}")
    if not unreadable and config.shard is None:  # otherwise a live output could look orphaned
        live = {output_path(config, article, lang) for article in articles for lang in config.languages}
        _removed(config, forget_deleted(config, outputs, live))
    _exit_after_skipping(ctx, failed)


def _removed(config: config_module.Config, outputs: list[Path]) -> None:
    for path in outputs:
        click.echo(f"removed   {config.relative(path)} (its article is gone)")


def _exit_after_skipping(ctx: click.Context, failed: list[TransflowError]) -> None:
    """Each bad article or catalog was skipped so that the others were processed: say which, exit 2."""
    for problem in failed:
        click.echo(f"transflow: error: {problem}", err=True)
    if failed:
        click.echo(f"transflow: {len(failed)} file(s) skipped because of the errors above", err=True)
        ctx.exit(EXIT_USAGE)


@main.command()
@_lang_option
@_threshold_option
@_output_option
@click.option(
    "--retry-mt", is_flag=True, help="Ask the translation engine even if it was unreachable a short while ago."
)
@click.pass_context
@_writes
def run(
    ctx: click.Context, langs: tuple[str, ...], threshold: float | None, output: Path | None, retry_mt: bool
) -> None:
    """The main job: extract -> update -> translate -> build, for what changed since the last run.

    The translate stage runs when transflow.yml has an `mt:` section. Ends with a summary
    table per article and language and lines on translation memory and machine translation.
    Exit status 0 when everything was processed (articles below their threshold and an
    unreachable translation engine are reported, not failures), 2 on bad input.
    """
    from transflow.faces.progress import Progress, each
    from transflow.faces.reports import summary_table
    from transflow.stages.pipeline import run as run_pipeline

    config = _config(ctx, langs, threshold, output)
    machine = config.mt if "mt" in config.sections else None

    def progress(articles: list[Listed]) -> Iterable[Listed]:
        return each(articles, "Building articles", lambda article: article.slug)

    report = run_pipeline(config, progress, machine, Progress("Machine translation"), retry_machine=retry_mt)
    colour = _colour(sys.stdout)
    unreachable = report.translation.unreachable if report.translation else None
    for line in _engine_warnings([unreachable, report.machine_paused], colour):
        click.echo(line)
    for message in report.messages:
        click.echo(f"warning: {message}", err=True)
    click.echo(summary_table(report.rows, colour))
    for line in _translation_summary(report.translation):
        click.echo(line)
    if report.translation is not None and report.translation.unreachable and machine is not None:
        click.echo(
            f"machine translation is not tried again for {machine.retry_after_unreachable / 60:g} min "
            "(mt.retry_after_unreachable; `run --retry-mt` tries at once)"
        )
    _removed(config, report.removed)
    click.echo(f"{report.processed} article(s) processed, {report.skipped} unchanged.")
    _exit_after_skipping(ctx, report.failed)
    ctx.exit(report.exit_code)


@main.command("check")
@_lang_option
@click.option(
    "--source",
    "source_checks",
    is_flag=True,
    help="Also check the source articles (glued or misspelt glossary terms, ...).",
)
@click.option(
    "--format",
    "output_format",
    default="text",
    show_default=True,
    type=click.Choice(["text", "json", "junit", "github"]),
    help="text for people; json, junit or github (annotations) for CI.",
)
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    metavar="PERCENT",
    help="Fail when a catalog has less than PERCENT of its strings (and words) "
    "translated (overrides checks.thresholds).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1),
    metavar="N",
    help="Check articles in N processes (default: 1; more finish sooner on idle cores but cost more CPU).",
)
@click.option("--list", "list_checks", is_flag=True, help="List the checks and exit.")
@click.argument("articles", nargs=-1, metavar="[ARTICLE]...")
@click.pass_context
def check_command(
    ctx: click.Context,
    langs: tuple[str, ...],
    source_checks: bool,
    output_format: str,
    fail_under: float | None,
    jobs: int | None,
    list_checks: bool,
    articles: tuple[str, ...],
) -> None:
    """Check the catalogs (and with --source the articles) before they are published.

    ARTICLE is a slug or the path of an article's source, template or catalog; default: all.
    Prints `file:line: severity: check: message` per problem, then a summary. Exit status:
    0 no errors (warnings allowed), 1 errors found, 2 bad usage or configuration.
    """
    from transflow.faces import qareport
    from transflow.faces.progress import each
    from transflow.stages import qa

    if list_checks:
        click.echo(
            table(
                ["check", "group", "severity", "what it finds"],
                [[c.name, c.group, c.severity, c.description] for c in qa.describe()],
            )
        )
        return
    config = _config(ctx, langs)
    if not config.is_project:
        raise TransflowError(
            "no transflow project here (no transflow.yml, source or translations folder): nothing to check",
            config.root,
        )
    result = qa.check_project(
        config,
        articles,
        source=source_checks,
        fail_under=fail_under,
        jobs=jobs,
        progress=lambda parts, total: each(parts, "Checking", lambda _part: "", total),
    )
    if output_format == "text":
        click.echo(qareport.text(result, config.source_language, colour=_colour(sys.stdout)))
    else:
        click.echo(qareport.CHECK_FORMATS[output_format](result))
    job_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if output_format == "github" and job_summary:  # the full report, where the last annotation points
        with open(job_summary, "a", encoding="utf-8") as handle:
            handle.write(f"## transflow check\n\n```\n{qareport.text(result, config.source_language)}\n```\n")
    ctx.exit(0 if result.passed else EXIT_PROBLEMS)


@main.command()
@_lang_option
@click.option("--format", "output_format", default="text", show_default=True, type=click.Choice(["text", "json"]))
@click.argument("articles", nargs=-1, metavar="[ARTICLE]...")
@click.pass_context
def stats(ctx: click.Context, langs: tuple[str, ...], output_format: str, articles: tuple[str, ...]) -> None:
    """Strings and words translated, fuzzy and untranslated, per article and language.

    Like pocount and msgfmt --statistics, with totals. Exit status 1 when a catalog is
    unreadable or missing.
    """
    from transflow.faces import qareport
    from transflow.stages import qa

    config = _config(ctx, langs)
    rows = qa.read_stats(config, qa.select_articles(config, articles))
    if output_format == "json":
        click.echo(qareport.stats_json(rows))
    else:
        click.echo(qareport.stats_table(rows, colour=_colour(sys.stdout)))
        for row in rows:
            if row.error:
                click.echo(f"transflow: error: {row.error}", err=True)
    ctx.exit(EXIT_PROBLEMS if any(row.error for row in rows) else 0)


def _colour(stream: object) -> bool:
    """Colour on a terminal only, and never when NO_COLOR is set (no-color.org)."""
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")


def _engine_warnings(reasons: list[str | None], colour: bool) -> list[str]:
    """Why machine translation did not happen: said first, in colour, before any table."""
    return [
        click.style(line, fg="yellow", bold=True) if colour else line
        for line in (f"warning: {reason}; those entries stay untranslated" for reason in reasons if reason)
    ]


def _token_estimate(tokens: tuple[int, int], settings: EngineSettings) -> str:
    """For language models: estimated tokens and, with the model's price in mt.prices, the cost."""
    if settings.name != "llm":
        return ""
    estimate = f" (about {tokens[0]} input and {tokens[1]} output tokens"
    prices = settings.llm.prices
    if prices is None:
        return estimate + f"; no price for {settings.llm.model} in mt.prices)"
    return estimate + f", about ${(tokens[0] * prices[0] + tokens[1] * prices[1]) / 1e6:.4f})"


def _translation_summary(report: TranslateReport | None) -> list[str]:
    """The lines `translate` and `run` print about what the memory, the glossary and the engine filled."""
    if report is None:
        return []
    lines = [f"warning: {error}" for error in report.errors]
    if report.glossary_filled:
        lines.append(f"glossary fixed text: {report.glossary_filled} filled (fuzzy, for review)")
    if report.memory_filled or report.machine_filled or report.left:
        compliance = f"{report.compliance:.1f}%" if report.machine_filled else "n/a"
        lines.append(f"translation memory: {report.memory_filled} filled")
        lines.append(
            f"machine translation ({report.engine}): {report.machine_filled} filled (fuzzy, for "
            f"review), {report.compliant} passed the glossary and markup checks "
            f"({compliance}), {report.flagged} flagged with the violation, "
            f"{report.left} left untranslated; {report.requests} request(s), "
            f"{report.characters} characters sent, "
            + (f"{report.tokens_in} input and {report.tokens_out} output tokens, " if report.tokens_in else "")
            + f"{report.from_cache} text(s) from the cache"
        )
    return lines


@main.command()
@_lang_option
@click.option(
    "--engine",
    "-e",
    metavar="NAME",
    help="Machine-translation engine (overrides mt.engine): google, deepl, microsoft, "
    "libre, mymemory, yandex, qcri, papago, baidu, chatgpt, llm, pseudo.",
)
@click.option(
    "--engine-url",
    metavar="URL",
    help="Engine server URL (overrides mt.url), e.g. a self-hosted LibreTranslate or http://localhost:11434/v1 "
    "(Ollama) for llm.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Only tell how many segments and characters (for llm: tokens and cost) would be sent; "
    "send nothing, write nothing.",
)
@click.argument("articles", nargs=-1, metavar="[ARTICLE]...")
@click.pass_context
@_writes
def translate(
    ctx: click.Context,
    langs: tuple[str, ...],
    engine: str | None,
    engine_url: str | None,
    dry_run: bool,
    articles: tuple[str, ...],
) -> None:
    """Fill untranslated entries from the translation memory, then by machine translation.

    Machine output is marked fuzzy for review, with the glossary enforced. Exit status 1 when
    the engine was unreachable or some entries could not be translated.
    """
    from transflow.faces.progress import Progress
    from transflow.stages.settings import settings_from_config
    from transflow.stages.translate import translate as translate_catalogs

    config = _config(ctx, langs)
    settings = settings_from_config(config.section("mt"), engine, engine_url)
    report = translate_catalogs(config, settings, articles, dry_run=dry_run, progress=Progress("Machine translation"))
    if dry_run:
        for lang in config.languages:
            click.echo(
                f"{lang}: {report.planned_segments.get(lang, 0)} segment(s), "
                f"{report.planned_characters.get(lang, 0)} characters would be sent "
                f"to {report.engine}{_token_estimate(report.planned_tokens.get(lang, (0, 0)), settings)}"
            )
        return
    for line in [*_engine_warnings([report.unreachable], _colour(sys.stderr)), *_translation_summary(report)]:
        click.echo(line, err="warning: " in line)
    for path in report.written:
        click.echo(f"wrote     {config.relative(path)}")
    ctx.exit(0 if report.ok else EXIT_PROBLEMS)


@main.command()
@_lang_option
@click.option("--state", type=click.Choice(["fuzzy", "query"]), help="Only entries in this state.")
@click.option("--check", "check_name", metavar="NAME", help="Only entries this check finds a problem in.")
@click.option("--search", metavar="TEXT", help="Only entries whose source or candidate contains TEXT.")
@click.argument("articles", nargs=-1, metavar="[ARTICLE]...")
@click.pass_context
def review(
    ctx: click.Context,
    langs: tuple[str, ...],
    state: str | None,
    check_name: str | None,
    search: str | None,
    articles: tuple[str, ...],
) -> None:
    """Review the entries waiting for a translator, one at a time, in the terminal.

    Machine translations, translation-memory suggestions, entries whose source changed and
    translators' queries: keys a (accept), e (edit in $EDITOR), s (skip), b (back), r (raise or
    resolve a query), o (open an approved entry again), g (go to an entry by number), q (quit),
    ? (help). Every decision is saved at once; a rerun continues with what is left, entries
    skipped before coming last. Exit status 0.
    """
    from transflow.domain.checks import CHECKS
    from transflow.faces.review import ReviewFilter
    from transflow.faces.review import review as run_review

    if check_name is not None and check_name not in CHECKS:
        raise click.BadParameter(f"unknown check {check_name!r} (see `transflow check --list`)", param_hint="--check")
    config = _config(ctx, langs)
    tally, shown, left = run_review(config, articles, ReviewFilter(state, check_name, search))
    if not shown:
        click.echo("Nothing to review: no fuzzy entries with a candidate translation.")
        return
    click.echo(
        f"accepted {tally.accepted}, edited {tally.edited}, skipped {tally.skipped}; "
        f"{left} entr{'y' if left == 1 else 'ies'} still waiting for review."
    )


@main.command()
@_lang_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (not loopback: warned).")
@click.option("--port", default=8741, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free one).")
@click.pass_context
def serve(ctx: click.Context, langs: tuple[str, ...], host: str, port: int) -> None:
    """Review in the browser: each article rendered, every segment marked by state, an editor beside it.

    Prints a URL with a random token (needed by every request); decisions are saved in the
    catalogs at once. Needs the `serve` extra: pip install 'transflow[serve]'. Stop with Ctrl-C.
    """
    try:
        from transflow.faces.serve.app import serve as run_server
    except ImportError as exc:
        raise click.ClickException(f"{exc.name} is not installed: pip install 'transflow[serve]'") from None
    try:
        run_server(_config(ctx, langs), host, port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None


@main.command()
@_lang_option
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the pages (default: build/report/).",
)
@click.argument("articles", nargs=-1, metavar="[ARTICLE]...")
@click.pass_context
def report(ctx: click.Context, langs: tuple[str, ...], output: Path | None, articles: tuple[str, ...]) -> None:
    """Write one self-contained HTML page per language for editors: each article side by side.

    Untranslated, fuzzy and problem entries are highlighted, glossary terms marked, progress
    shown per article. The page needs no network. Exit status 0.
    """
    from transflow.faces.htmlreport import write_reports

    config = _config(ctx, langs)
    for path, reports in write_reports(config, articles, output):
        rows = [row for report in reports for row in report.rows]
        waiting = sum(row.needs_attention for row in rows)
        click.echo(
            f"wrote     {config.relative(path)} ({len(reports)} article(s), {waiting} of "
            f"{len(rows)} entries need attention)"
        )


@main.group()
def tm() -> None:
    """The translation memory: every approved translation, indexed in .transflow/tm.sqlite.

    It is brought up to date from the catalogs automatically; these commands exchange it with
    CAT tools as TMX 1.4b and rebuild it.
    """


@tm.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
@_writes
def tm_import(ctx: click.Context, file: Path) -> None:
    """Add the units of a TMX file to the memory (kept in translations/memory/).

    They are suggestions: they never replace a translation approved in a catalog.
    """
    from transflow.stages.memory import TranslationMemory, import_tmx

    config = _config(ctx)
    result = import_tmx(config, file)
    TranslationMemory.open(config).close()
    counts = ", ".join(f"{lang} {count}" for lang, count in result.units.items())
    skipped = f"; {result.skipped} in other languages skipped" if result.skipped else ""
    click.echo(f"imported  {file} -> {config.relative(result.stored)} ({counts}{skipped})")


@tm.command("export")
@_lang_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def tm_export(ctx: click.Context, langs: tuple[str, ...], file: Path) -> None:
    """Write the approved translations as a TMX 1.4b file (default: every language)."""
    from transflow.stages.memory import export_tmx

    config = _config(ctx, langs)
    counts = export_tmx(config, config.languages, file)
    summary = ", ".join(f"{lang} {counts.get(lang, 0)}" for lang in config.languages)
    click.echo(f"exported  {file} ({summary} translation units)")


@tm.command("rebuild")
@click.pass_context
@_writes
def tm_rebuild(ctx: click.Context) -> None:
    """Rebuild the memory index from the catalogs and imported memories alone."""
    from transflow.stages.memory import TranslationMemory

    config = _config(ctx)
    memory = TranslationMemory.rebuild(config)
    try:
        files = len(memory.files())
        units = memory.connection.execute("SELECT count(*) FROM units").fetchone()[0]
    finally:
        memory.close()
    click.echo(f"rebuilt   {config.relative(config.state_dir / 'tm.sqlite')} ({units} units from {files} files)")


@main.group()
def glossary() -> None:
    """The glossary (glossary.yml) exchanged with terminology tools as TBX."""


@glossary.command("import-tbx")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite an existing glossary.yml.")
@click.pass_context
def glossary_import_tbx(ctx: click.Context, file: Path, replace: bool) -> None:
    """Write glossary.yml from a TBX file (TBX-Basic, v2 or v3)."""
    from transflow.stages.terminology import import_tbx

    config = _config(ctx)
    count = import_tbx(config, file, replace)
    click.echo(f"imported  {file} -> {config.relative(config.glossary_file)} ({count} terms)")


@glossary.command("export-tbx")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--tbx-version", type=click.Choice(["2", "3"]), default="3", show_default=True, help="2: <martif>.")
@click.pass_context
def glossary_export_tbx(ctx: click.Context, file: Path, tbx_version: str) -> None:
    """Write glossary.yml as a TBX-Basic file."""
    from transflow.stages.terminology import export_tbx

    config = _config(ctx)
    count = export_tbx(config, file, int(tbx_version))
    click.echo(f"exported  {file} ({count} terms, TBX-Basic v{tbx_version})")
