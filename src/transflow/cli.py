"""The command line: options -> config -> stage calls -> printed results. No logic of its own."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from . import config as config_module
from .errors import TransflowError

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
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"transflow: error: {where}{exc.strerror or exc}", err=True)
            ctx.exit(EXIT_USAGE)
        except KeyboardInterrupt:
            click.echo("transflow: interrupted; every file written so far is complete", err=True)
            ctx.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="transflow")
@click.option("--project", "-C", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="Project folder (holding transflow.yml).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Config file to use instead of PROJECT/transflow.yml.")
@click.pass_context
def main(ctx: click.Context, project: Path, config_file: Path | None) -> None:
    """transflow: Markdown articles -> gettext catalogs -> localized articles.

    Typical use: `transflow run` after editing articles in source/ or catalogs in
    translations/. Exit status: 0 success, 1 problems found, 2 bad input or usage.
    """
    ctx.obj = (project, config_file)


def _config(ctx: click.Context, langs: tuple[str, ...] = (), threshold: float | None = None,
            output: Path | None = None) -> config_module.Config:
    project, config_file = ctx.find_root().obj
    return config_module.load(project, config_file).with_overrides(langs, threshold, output)


_lang_option = click.option("--lang", "-l", "langs", multiple=True, metavar="LANG",
                            help="Only this target language (repeatable).")
_threshold_option = click.option(
    "--threshold", type=click.FloatRange(0, 100), metavar="PERCENT",
    help="Publish an article only when at least PERCENT of its strings are translated "
         "(overrides build.threshold; 0 publishes everything).")
_output_option = click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
                              help="Output folder for localized articles (default: build/).")


@main.command()
@click.pass_context
def extract(ctx: click.Context) -> None:
    """Write one template (POT) per source article to translations/templates/."""
    from .pipeline import extract as extract_one
    from .sources import load_all

    config = _config(ctx)
    for source in load_all(config):
        result = extract_one(config, source)
        state = "wrote" if result.written else "unchanged"
        click.echo(f"{state:9} {config.relative(result.path)} ({len(result.template)} strings)")


@main.command()
@_lang_option
@click.pass_context
def update(ctx: click.Context, langs: tuple[str, ...]) -> None:
    """Create or update each language's catalogs from the templates (like msgmerge).

    Translations are never lost: strings that left the template become obsolete (#~).
    """
    from .pipeline import update as update_one
    from .pofile import read_po

    config = _config(ctx, langs)
    templates = sorted(config.templates_dir.glob("*.pot"))
    if not templates:
        raise TransflowError("no templates: run `transflow extract` first",
                             config.relative(config.templates_dir))
    for template_path in templates:
        template = read_po(template_path)
        for lang in config.languages:
            result = update_one(config, template_path.stem, template, lang)
            stats = result.stats
            verb = "created" if result.created else "updated" if result.written else "unchanged"
            click.echo(f"{verb:9} {config.relative(result.path)} (kept {stats.kept}, "
                       f"new {stats.added}, obsolete {stats.obsoleted}, revived {stats.revived})")


@main.command()
@_lang_option
@_threshold_option
@_output_option
@click.pass_context
def build(ctx: click.Context, langs: tuple[str, ...], threshold: float | None,
          output: Path | None) -> None:
    """Rebuild localized articles from the sources and the approved translations."""
    from .pipeline import build as build_one
    from .sources import load_all

    config = _config(ctx, langs, threshold, output)
    for source in load_all(config):
        for lang in config.languages:
            catalog_path = config.catalog_path(lang, source.slug)
            if not catalog_path.exists():
                click.echo(f"skipped   {lang}/{source.slug}: no catalog {config.relative(catalog_path)}"
                           " (run `transflow update`)")
                continue
            result = build_one(config, source, lang, catalog_path)
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
def run(ctx: click.Context, langs: tuple[str, ...], threshold: float | None,
        output: Path | None) -> None:
    """The main job: extract -> update -> build, only for what changed since the last run.

    Ends with a summary table per article and language. Exit status 0 when everything was
    processed (articles below their threshold are reported, not failures), 2 on bad input.
    """
    from .pipeline import run as run_pipeline
    from .reports import summary_table

    config = _config(ctx, langs, threshold, output)

    def progress(items):
        with click.progressbar(items, label="Processing articles", file=sys.stderr,
                               item_show_func=lambda s: s.slug if s else None) as bar:
            yield from bar

    report = run_pipeline(config, progress)
    for message in report.messages:
        click.echo(f"warning: {message}", err=True)
    click.echo(summary_table(report.rows))
    click.echo(f"{report.processed} article(s) processed, {report.skipped} unchanged.")
