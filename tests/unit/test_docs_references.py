"""The contract lives in the repository: every ``§N`` the code, the template or the README cites is
a heading under ``docs/``, and nothing points at a specification outside the repository.

A citation is ``§N`` or ``§N.M``; the old form, "SPEC §N", pointed at a document outside the
repository and is refused.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from local.template import REPOSITORY_ROOT

DOCS = REPOSITORY_ROOT / "docs"
CITING_PLACES = (
    "shared",
    "functions",
    "local",
    "bench",
    "web",
    "sam",
    "tests",
    "template.yaml",
    "README.md",
    "Makefile",
)
"""Where the contract is cited: the code, the page, the template, the README and the tests."""
NOT_OURS = ("tests/fixtures",)
"""Senders' payloads, kept as they were captured: their text is not ours to cite anything in."""
NEVER_SCANNED = frozenset(
    {
        ".git",
        ".venv",
        ".venv-sam",
        ".venv-checkov",
        ".aws-sam",
        ".cache",
        ".hypothesis",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "__pycache__",
        "node_modules",
    }
)
"""Tools' folders and installed packages: nothing in them is the project's text."""
CITATION = re.compile(r"§\s?(\d+(?:\.\d+)?)")
HEADING = re.compile(r"^#{1,6}[ \t]+§(\d+(?:\.\d+)?)[ \t]", re.MULTILINE)
OUTSIDE_POINTERS = (re.compile(r"\.\./shared"), re.compile(r"SPEC\.md"), re.compile(r"\bSPEC §?\d"))
"""The folder beside the repository where the specification used to be, its file name, and
citations of it by name."""


def text_of(path: Path) -> str | None:
    """A file's text, or None for a binary file (images, archives)."""
    data = path.read_bytes()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def files_under(place: Path) -> Iterator[Path]:
    if place.is_file():
        yield place
        return
    for folder, subfolders, names in os.walk(place):
        subfolders[:] = sorted(name for name in subfolders if name not in NEVER_SCANNED)
        yield from (Path(folder) / name for name in sorted(names))


def citations_in(text: str) -> list[str]:
    return CITATION.findall(text)


def cited_sections() -> dict[str, list[str]]:
    """Section number -> the places citing it (``path:line``)."""
    cited: dict[str, list[str]] = {}
    for place in CITING_PLACES:
        for path in files_under(REPOSITORY_ROOT / place):
            relative = path.relative_to(REPOSITORY_ROOT).as_posix()
            text = None if relative.startswith(NOT_OURS) else text_of(path)
            for number, line in enumerate((text or "").splitlines(), start=1):
                for section in citations_in(line):
                    cited.setdefault(section, []).append(f"{relative}:{number}")
    return cited


def section_headings() -> list[tuple[str, str]]:
    """(section number, document) for every ``§N`` heading under docs/."""
    return [
        (section, path.name)
        for path in sorted(DOCS.glob("*.md"))
        for section in HEADING.findall(path.read_text(encoding="utf-8"))
    ]


@pytest.mark.parametrize(
    ("text", "sections"),
    [
        ("Ingest (§3): the order §3 fixes", ["3", "3"]),
        ("GitHub webhooks (§3.2)", ["3.2"]),
        ("Alerts through the bus (§4-§6).", ["4", "6"]),
        ("Deployment events in (§3, §15) - the generic API", ["3", "15"]),
        ("the template's descriptions (§13)", ["13"]),
        ("a sentence ends at §16.", ["16"]),
        ("no citation: SPECTRUM 4, section 5", []),
        ("the old form SPEC 7 is no citation", []),
    ],
)
def test_a_citation_is_read_in_every_form_the_repository_writes(text: str, sections: list[str]) -> None:
    # Given a line citing sections as the code, the template or the README writes them
    # When its citations are read
    found = citations_in(text)
    # Then each names its section number
    assert found == sections


def test_every_cited_section_is_a_heading_under_docs() -> None:
    # Given every section the code, the template, the README and the tests cite
    cited = cited_sections()
    # When they are looked up among the headings of docs/
    headings = {section for section, _ in section_headings()}
    unresolved = {section: places[:3] for section, places in cited.items() if section not in headings}
    # Then each resolves, so a reader who only cloned the project can follow it
    assert cited, "no citation found: the scan is broken"
    assert not unresolved, f"cited but not a heading under docs/: {unresolved}"


def test_each_section_number_is_the_heading_of_one_section_only() -> None:
    # Given every numbered heading under docs/
    headings = section_headings()
    # When their numbers are counted
    repeated = [section for section, count in Counter(section for section, _ in headings).items() if count > 1]
    # Then "§N" names exactly one place
    assert not repeated, f"section numbers used by more than one heading: {[h for h in headings if h[0] in repeated]}"


def test_nothing_outside_docs_points_at_a_specification_beside_the_repository() -> None:
    # Given every text file of the repository outside docs/ (and this test, which names the patterns)
    offending: list[str] = []
    for path in files_under(REPOSITORY_ROOT):
        relative = path.relative_to(REPOSITORY_ROOT)
        if relative.parts[0] == "docs" or path == Path(__file__):
            continue
        text = text_of(path) or ""
        # When it is searched for the specification's old folder, file name and citations
        offending.extend(f"{relative}: {pattern.pattern}" for pattern in OUTSIDE_POINTERS if pattern.search(text))
    # Then none names them: the contract is docs/
    assert not offending


def test_the_index_explains_the_numbers_and_links_every_document() -> None:
    # Given the documents under docs/ and their index
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    documents = sorted(path.name for path in DOCS.glob("*.md") if path.name != "README.md")
    # When the index is read
    unlinked = [name for name in documents if f"({name}" not in index]
    # Then it says what §N means and links every document
    assert "§N refers to the heading of that number" in index
    assert documents
    assert not unlinked, f"documents the index does not link: {unlinked}"
