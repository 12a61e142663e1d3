"""TMX 1.4b import and export, as a CAT tool (OmegaT, Trados, memoQ) writes and reads them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import polib
import pytest

from helpers import copy_project, transflow
from transflow.formats.pofile import read_po
from transflow.stages import settings as config_module
from transflow.stages.memory import TranslationMemory, apply_memory

AGENCY_TMX = """<?xml version="1.0" encoding="UTF-16"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="OmegaT" creationtoolversion="6.0" segtype="paragraph" o-tmf="OmegaT"
          adminlang="EN-US" srclang="NL-NL" datatype="plaintext"/>
  <body>
    <tu tuid="1">
      <tuv xml:lang="NL-NL"><seg>Magnesium en <bpt i="1">**</bpt>slaap<ept i="1">**</ept></seg></tuv>
      <tuv xml:lang="EN-US"><seg>Magnesium and <bpt i="1">**</bpt>sleep<ept i="1">**</ept></seg></tuv>
      <tuv xml:lang="ES-ES"><seg>Magnesio y <bpt i="1">**</bpt>sueño<ept i="1">**</ept></seg></tuv>
    </tu>
    <tu tuid="2">
      <tuv xml:lang="nl"><seg>Referenties</seg></tuv>
      <tuv xml:lang="en-GB"><seg>Bibliography &amp; sources</seg></tuv>
    </tu>
  </body>
</tmx>
"""


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path, with_translations=True)


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_export_writes_every_approved_translation_as_tmx_14(project, tmp_path):
    result = transflow(project, "tm", "export", "--lang", "en", str(tmp_path / "en.tmx"))
    assert result.exit_code == 0, result.output
    root = ET.parse(tmp_path / "en.tmx").getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header.get("srclang") == "nl" and header.get("segtype") == "paragraph"
    units = root.findall("body/tu")
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    pairs = {(tu.findall("tuv")[0].find("seg").text, tu.findall("tuv")[1].find("seg").text) for tu in units}
    assert all(tu.findall("tuv")[1].get(lang) == "en" for tu in units)
    catalogs = [read_po(path) for path in sorted((project / "translations/en").glob("*.po"))]
    approved = {
        (e.msgid, e.msgstr) for po in catalogs for e in po if e.msgstr and not e.obsolete and "fuzzy" not in e.flags
    }
    assert pairs == approved
    assert f"en {len(units)} translation units" in result.output
    origin = units[0].find("prop")
    assert origin.get("type") == "x-transflow-origin" and ".po:" in origin.text
    again = tmp_path / "again.tmx"
    transflow(project, "tm", "export", "--lang", "en", str(again))
    assert again.read_bytes() == (tmp_path / "en.tmx").read_bytes()


def test_import_of_a_cat_tool_memory(project, tmp_path):
    agency = _write(tmp_path / "agency.tmx", AGENCY_TMX, "utf-16")
    result = transflow(project, "tm", "import", str(agency))
    assert result.exit_code == 0, result.output
    assert "-> translations/memory/agency.tmx (en 2; 1 in other languages skipped)" in result.output
    stored = project / "translations/memory/agency.tmx"
    assert stored.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="UTF-8"?>')
    config = config_module.load(project)
    memory = TranslationMemory.open(config)
    found = memory.lookup("en", ["Magnesium en **slaap**", "Referenties"])
    imported = found["Magnesium en **slaap**"]
    assert (imported.text, imported.approved) == ("Magnesium and **sleep**", False)
    assert imported.origin.startswith("tmx:agency.tmx:")
    # The catalogs' approved translation wins over the imported one.
    assert found["Referenties"].text != "Bibliography & sources"
    assert found["Referenties"].approved
    catalog = polib.POFile()
    catalog.append(polib.POEntry(msgid="Magnesium en **slaap**", msgstr=""))
    fill = apply_memory(catalog, "en", memory)
    assert (fill.exact_fuzzy, catalog[0].msgstr) == (1, "Magnesium and **sleep**")
    assert "fuzzy" in catalog[0].flags
    assert catalog[0].tcomment.startswith("translation memory: exact match from tmx:agency.tmx")
    memory.close()


def test_imported_units_can_be_approved_by_setting(project, tmp_path):
    config_file = project / "transflow.yml"
    config_file.write_text(config_file.read_text(encoding="utf-8") + "tm:\n  imported: approve\n", encoding="utf-8")
    agency = _write(tmp_path / "agency.tmx", AGENCY_TMX, "utf-16")
    assert transflow(project, "tm", "import", str(agency)).exit_code == 0
    catalog = polib.POFile()
    catalog.append(polib.POEntry(msgid="Magnesium en **slaap**", msgstr=""))
    config = config_module.load(project)
    memory = TranslationMemory.open(config)
    assert apply_memory(catalog, "en", memory).approved == 1
    memory.close()


@pytest.mark.parametrize(
    ("text", "encoding", "message"),
    [
        (
            "<tmx version='1.4'><body>\n<tu><tuv xml:lang='nl'><seg>a</seg></tu></body></tmx>",
            "utf-8",
            "agency.tmx:2: not well-formed XML: mismatched tag",
        ),
        (
            "<tmx><body>\n<tu>\n<tuv><seg>a</seg></tuv></tu></body></tmx>",
            "utf-8",
            "agency.tmx:3: <tuv> without xml:lang",
        ),
        (
            "<tmx><body><tu><tuv xml:lang='de'><seg>a</seg></tuv><tuv xml:lang='en'><seg>b</seg></tuv>"
            "</tu></body></tmx>",
            "utf-8",
            "agency.tmx: no segment in the source language 'nl' (languages found: de, en)",
        ),
        ("<?xml version='1.0' encoding='klingon'?><tmx/>", "utf-8", "agency.tmx:1: unsupported encoding"),
        ("<html><body/></html>", "utf-8", "agency.tmx:1: not a TMX file: the root element is <html>"),
        (
            "<tmx><body><tu><tuv xml:lang='nl'><seg>a</seg></tuv><tuv xml:lang='ja'><seg>b</seg></tuv>"
            "</tu></body></tmx>",
            "utf-8",
            "agency.tmx: no translation units from 'nl' into en, de, fr",
        ),
        ("<tmx>caf\xe9</tmx>", "latin-1", "agency.tmx:1: not well-formed XML: not well-formed"),
    ],
)
def test_malformed_tmx_is_one_line_exit_2_and_stores_nothing(project, tmp_path, text, encoding, message):
    bad = _write(tmp_path / "agency.tmx", text, encoding)
    result = transflow(project, "tm", "import", str(bad))
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert not (project / "translations/memory").exists()
