"""The documentation a newcomer reads: README.md opens with the two set-up commands, and every
link between README.md and the pages in docs/ leads somewhere that exists."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def anchors(page: Path) -> set[str]:
    """GitHub's anchors for a page's headings (outside code blocks)."""
    found, in_code = set(), False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return found


def test_readme_opens_with_the_two_set_up_commands():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert lines[2] == "```sh"
    assert lines[3].startswith("make run    # ")
    assert lines[4].startswith("make test   # ")
    assert lines[5] == "```"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_link_between_pages_leads_somewhere(page):
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue  # an outside address
        path, _, anchor = target.partition("#")
        destination = (page.parent / path).resolve() if path else page
        assert destination.exists(), f"{page.name} links to missing {target}"
        if anchor:
            assert anchor in anchors(destination), f"{page.name} links to missing {target}"


def test_the_index_and_the_readme_list_every_page():
    pages = {page.name for page in DOCS.glob("*.md")} - {"README.md"}
    assert pages, "docs/ has no pages"
    index = set(LINK.findall((DOCS / "README.md").read_text(encoding="utf-8")))
    readme = set(LINK.findall((ROOT / "README.md").read_text(encoding="utf-8")))
    for name in pages:
        assert name in index, f"docs/README.md does not list {name}"
        assert f"docs/{name}" in readme, f"README.md does not list {name}"
