"""The command line: options -> config -> stage calls -> printed results. No logic of its own."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from transflow import __version__
from transflow.errors import TransflowError
from transflow.stages import settings as config_module

EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class _Group(click.Group):
    """Turns every TransflowError into one line on stderr and exit status 2, never a traceback."""

    def invoke(self, ctx: click.Context):
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
    "--shard",
    metavar="K/N",
    callback=lambda _ctx, _param, value: _shard(value),
    help="Handle only the K-th of N slices of the articles (CI matrix jobs; see docs/ci.md).",
)
@click.pass_context
def main(ctx: click.Context, project: Path, config_file: Path | None, shard: tuple[int, int] | None) -> None:
    """transflow: Markdown articles -> gettext catalogs -> localized articles.

    Typical use: `transflow run` after editing articles in source/ or catalogs in
    translations/. Exit status: 0 success, 1 problems found, 2 bad input or usage.
    """
    ctx.obj = (project, config_file, shard)


def _shard(value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    number, _, count = value.partition("/")
    if not (number.isdigit() and count.isdigit() and 1 <= int(number) <= int(count)):
        raise click.BadParameter(f"{value!r} is not K/N with 1 <= K <= N, e.g. 2/4", param_hint="--shard")
    return int(number), int(count)


def _config(
    ctx: click.Context, langs: tuple[str, ...] = (), threshold: float | None = None, output: Path | None = None
) -> config_module.Config:
    project, config_file, shard = ctx.find_root().obj
    return config_module.load(project, config_file).with_overrides(langs, threshold, output, shard)


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
def extract(ctx: click.Context) -> None:
    """Write one template (POT) per source article to translations/templates/."""
    from transflow.stages.pipeline import extract as extract_one
    from transflow.stages.renames import follow_renames
    from transflow.stages.sources import load_all

    config = _config(ctx)
    sources = load_all(config)
    for old, new in follow_renames(config, sources) if config.shard is None else ():
        click.echo(f"renamed   {old} -> {new} (its template and catalogs moved)")
    for source in sources:
        result = extract_one(config, source)
        state = "wrote" if result.written else "unchanged"
        click.echo(f"{state:9} {config.relative(result.path)} ({len(result.template)} strings)")


@main.command()
@_lang_option
@click.option(
    "--no-fuzzy", is_flag=True, help="Do not carry translations over to changed strings as fuzzy (like msgmerge -N)."
)
@click.option("--purge-obsolete", is_flag=True, help="Drop obsolete (#~) entries instead of keeping them.")
@click.pass_context
def update(ctx: click.Context, langs: tuple[str, ...], no_fuzzy: bool, purge_obsolete: bool) -> None:
    """Create or update each language's catalogs from the templates (like msgmerge --previous).

    Translations are never lost: a changed string gets the translation of the most similar old
    one, marked fuzzy with the old text as `#| msgid`; strings that left the template become
    obsolete (#~).
    """
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
    for name, template_path in templates.items():
        template = read_po(template_path)
        for lang in config.languages:
            result = update_one(config, name, template, lang, options)
            stats = result.stats
            verb = "created" if result.created else "updated" if result.written else "unchanged"
            purged = f", purged {stats.purged}" if stats.purged else ""
            click.echo(
                f"{verb:9} {config.relative(result.path)} (kept {stats.kept}, "
                f"fuzzy {stats.fuzzy}, new {stats.added}, obsolete {stats.obsoleted}, "
                f"revived {stats.revived}{purged})"
            )


@main.command()
@_lang_option
@_threshold_option
@_output_option
@click.pass_context
def build(ctx: click.Context, langs: tuple[str, ...], threshold: float | None, output: Path | None) -> None:
    """Rebuild localized articles from the sources and the approved translations."""
    from transflow.stages.pipeline import build as build_one
    from transflow.stages.site import Site
    from transflow.stages.sources import load_all

    config = _config(ctx, langs, threshold, output)
    sources = load_all(config)
    site = Site.of(config, sources)
    for source in sources:
        for lang in config.languages:
            catalog_path = config.catalog_path(lang, source.slug)
            if not catalog_path.exists():
                click.echo(
                    f"skipped   {lang}/{source.slug}: no catalog {config.relative(catalog_path)}"
                    " (run `transflow update`)"
                )
                continue
            result = build_one(config, source, lang, catalog_path, site)
            for message in result.refused:
                click.echo(f"warning: {message}", err=True)
            where = config.relative(result.output)
            detail = f": {result.reason}" if result.reason else ""
            click.echo(f"{result.status:9} {where} ({result.counts.percent:.0f}% translated){detail}")


@main.command()
@_lang_option
@_threshold_option
@_output_option
@click.pass_context
def run(ctx: click.Context, langs: tuple[str, ...], threshold: float | None, output: Path | None) -> None:
    """The main job: extract -> update -> translate -> build, for what changed since the last run.

    The translate stage runs when transflow.yml has an `mt:` section. Ends with a summary
    table per article and language and lines on translation memory and machine translation.
    Exit status 0 when everything was processed (articles below their threshold and an
    unreachable translation engine are reported, not failures), 2 on bad input.
    """
    from transflow.faces.reports import summary_table
    from transflow.stages.pipeline import run as run_pipeline

    config = _config(ctx, langs, threshold, output)
    machine = config.mt if "mt" in config.sections else None

    def progress(items):
        with click.progressbar(
            items, label="Processing articles", file=sys.stderr, item_show_func=lambda s: s.slug if s else None
        ) as bar:
            yield from bar

    report = run_pipeline(config, progress, machine, _Bar())
    for message in report.messages:
        click.echo(f"warning: {message}", err=True)
    click.echo(summary_table(report.rows))
    for line in _translation_summary(report.translation):
        click.echo(line)
    click.echo(f"{report.processed} article(s) processed, {report.skipped} unchanged.")
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
    "--jobs", "-j", type=click.IntRange(1), metavar="N", help="Check articles in N processes (default: one per CPU)."
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
    from transflow.stages import qa

    if list_checks:
        click.echo(
            qareport.table(
                ["check", "group", "severity", "what it finds"],
                [[c.name, c.group, c.severity, c.description] for c in qa.describe()],
            )
        )
        return
    config = _config(ctx, langs)
    result = qa.check_project(config, articles, source=source_checks, fail_under=fail_under, jobs=jobs)
    if output_format == "text":
        click.echo(qareport.text(result, config.source_language, colour=sys.stdout.isatty()))
    else:
        click.echo(qareport.CHECK_FORMATS[output_format](result))
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
        click.echo(qareport.stats_table(rows))
        for row in rows:
            if row.error:
                click.echo(f"transflow: error: {row.error}", err=True)
    ctx.exit(EXIT_PROBLEMS if any(row.error for row in rows) else 0)


class _Bar:
    """The translate stage's progress as a click progress bar on stderr: counts and ETA."""

    def __init__(self) -> None:
        self.bar = None

    def start(self, total: int) -> None:
        self.bar = click.progressbar(
            length=total, label="Machine translation", file=sys.stderr, show_pos=True, show_eta=True
        )
        self.bar.__enter__()

    def advance(self, count: int = 1) -> None:
        self.bar.update(count)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _translation_summary(report) -> list[str]:
    """The lines `translate` and `run` print about machine translation."""
    if report is None:
        return []
    lines = []
    if report.unreachable:
        lines.append(f"warning: {report.unreachable}; those entries stay untranslated")
    lines.extend(f"warning: {error}" for error in report.errors)
    if report.memory_filled or report.machine_filled or report.left:
        lines.append(f"translation memory: {report.memory_filled} filled")
        lines.append(
            f"machine translation ({report.engine}): {report.machine_filled} filled (fuzzy, for "
            f"review), {report.compliant} passed the glossary and markup checks "
            f"({report.compliance:.1f}%), {report.flagged} flagged with the violation, "
            f"{report.left} left untranslated; {report.requests} request(s), "
            f"{report.characters} characters sent, {report.from_cache} text(s) from the cache"
        )
    return lines


@main.command()
@_lang_option
@click.option(
    "--engine",
    "-e",
    metavar="NAME",
    help="Machine-translation engine (overrides mt.engine): google, deepl, microsoft, "
    "libre, mymemory, yandex, qcri, papago, baidu, chatgpt, pseudo.",
)
@click.option(
    "--engine-url", metavar="URL", help="Engine server URL (overrides mt.url), e.g. a self-hosted LibreTranslate."
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Only tell how many segments and characters would be sent; send nothing, write nothing.",
)
@click.argument("articles", nargs=-1, metavar="[ARTICLE]...")
@click.pass_context
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
    from transflow.stages.settings import settings_from_config
    from transflow.stages.translate import translate as translate_catalogs

    config = _config(ctx, langs)
    settings = settings_from_config(config.section("mt"), engine, engine_url)
    report = translate_catalogs(config, settings, articles, dry_run=dry_run, progress=_Bar())
    if dry_run:
        for lang in config.languages:
            click.echo(
                f"{lang}: {report.planned_segments.get(lang, 0)} segment(s), "
                f"{report.planned_characters.get(lang, 0)} characters would be sent "
                f"to {report.engine}"
            )
        return
    for line in _translation_summary(report):
        click.echo(line, err=line.startswith("warning"))
    for path in report.written:
        click.echo(f"wrote     {config.relative(path)}")
    ctx.exit(0 if report.ok else EXIT_PROBLEMS)


@main.command()
@_lang_option
@click.argument("articles", nargs=-1, metavar="[ARTICLE]...")
@click.pass_context
def review(ctx: click.Context, langs: tuple[str, ...], articles: tuple[str, ...]) -> None:
    """Review the entries waiting for a translator, one at a time, in the terminal.

    Machine translations, translation-memory suggestions and entries whose source changed:
    keys a (accept), e (edit in $EDITOR), s (skip), b (back), q (quit), ? (help). Every
    decision is saved at once; a rerun continues with what is left. Exit status 0.
    """
    from transflow.faces.review import review as run_review

    config = _config(ctx, langs)
    tally, shown, left = run_review(config, articles)
    if not shown:
        click.echo("Nothing to review: no fuzzy entries with a candidate translation.")
        return
    click.echo(
        f"accepted {tally.accepted}, edited {tally.edited}, skipped {tally.skipped}; "
        f"{left} entr{'y' if left == 1 else 'ies'} still waiting for review."
    )


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
