"""Tests mirror app/: every module of the app with logic has a test module at the mirrored path,
so whoever changes `app/<package>/<module>.py` finds its tests in `tests/<package>/`.

The tests of `app/<package>/<module>.py` are `tests/<package>/test_<module>.py`, or, when there
are many, several files `tests/<package>/test_<module>_<aspect>.py` (`test_views_review.py` is
the review page of `views.py`). A package's `__init__.py` is mirrored by
`test_<package>.py`. A module has logic when it defines a function or a class with a method.

Tests that cut across modules stay where they are: the attack catalogue in tests/security/,
the browser in tests/browser/, the surge in tests/surge/, and whole-app checks such as
tests/test_migrations.py. A module whose behaviour only makes sense through another one's
tests is listed in TESTED_THROUGH, with where and why; keep that list short.
"""

from __future__ import annotations

import ast
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"
TESTS = ROOT / "tests"

# Modules tested through others' tests (a pattern covers a kind of module in every package).
TESTED_THROUGH = {
    "app/__init__.py": "the factory: every test's app is built by it (tests/conftest.py), "
    "tests/test_config.py covers what it reads",
    "app/*/models.py": "tables and their small properties: through the services and pages "
    "that write and read them",
    "app/*/forms.py": "fields and validators: through the pages that post them "
    "(test_views*.py, test_admin_views*.py)",
    "app/moderation/campaign_forms.py": "through tests/moderation/test_campaign_views.py",
    "app/moderation/sign_in_forms.py": "through tests/moderation/test_sign_in_views.py",
    "app/demo/*.py": "the demo data, loaded whole by tests/demo/test_commands.py",
    "app/accounts/sign_in_throttle.py": "an attack defence: "
    "tests/security/test_sign_in_throttling.py",
    "app/testimony/malware.py": "an attack defence: tests/security/test_hostile_uploads.py",
    "app/testimony/pdf_check.py": "an attack defence: tests/security/test_hostile_uploads.py "
    "and test_pdf_scripts.py",
    "app/campaigns/queries.py": "what the campaign pages list: "
    "tests/moderation/test_campaign_views.py",
    "app/campaigns/regrouping.py": "regrouping after a moderator moves letters: "
    "tests/moderation/test_campaign_services.py",
    "app/cli.py": "only hands each package's commands to Flask: the test_commands.py files",
    "app/*commands.py": "command-line commands, run as an operator would through `flask`: "
    "tests/accounts/test_commands.py, tests/exports/test_commands.py and what they run",
    "app/accounts/jobs_views.py": "the admin page of background jobs: tests/platform/test_jobs.py",
    "app/platform/committed.py": "work handed over once its transaction commits: "
    "tests/platform/test_jobs.py",
    "app/platform/errors.py": "error pages and the busy page: tests/platform/test_web.py and "
    "tests/platform/test_database.py",
    "app/testimony/identity_views.py": "the links in the receipt mail: "
    "tests/testimony/test_identity.py",
    "app/testimony/write_guard.py": "one writer at a time on SQLite: "
    "tests/testimony/test_services_concurrency.py and tests/platform/test_database.py",
    "app/exports/builders.py": "building each kind of export: tests/exports/test_views.py, "
    "test_views_background.py and test_jobs.py",
    "app/api/queries.py": "what the public API reads: tests/api/test_views.py",
    "app/api/representations.py": "the API's JSON: tests/api/test_views.py, and "
    "tests/api/test_schemathesis.py checks every answer against the document",
    "app/api/schemas.py": "the API's models: tests/api/test_spec.py and test_schemathesis.py",
    "app/exports/services.py": "asking for an export: tests/exports/test_views.py and "
    "test_views_background.py",
    "app/exports/packet/*.py": "the packet's data and front pages: tests/exports/packet/",
    "app/exports/pdf/stream.py": "the PDF writer under the packet: tests/exports/packet/ and "
    "tests/exports/pdf/",
    "app/exports/spreadsheets/rows.py": "the rows both spreadsheets write: "
    "tests/exports/spreadsheets/test_writers.py",
}


def has_logic(path: Path) -> bool:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            return True
        if isinstance(node, ast.ClassDef) and any(
            isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) for item in node.body
        ):
            return True
    return False


def mirrors(module: Path) -> list[Path]:
    """The test modules at the mirrored path of an app module. `test_database_store.py` is
    the mirror of `database_store.py`, not an aspect of `database.py`."""
    relative = module.relative_to(APP)
    folder = TESTS / relative.parent
    name = relative.parent.name or "app" if relative.stem == "__init__" else relative.stem
    longer = [path.stem for path in module.parent.glob(f"{name}_*.py")]
    return sorted(
        path
        for path in [*folder.glob(f"test_{name}.py"), *folder.glob(f"test_{name}_*.py")]
        if not any(path.stem.startswith(f"test_{other}") for other in longer)
    )


def listed(module: Path) -> str | None:
    key = module.relative_to(ROOT).as_posix()
    for pattern in TESTED_THROUGH:
        if fnmatch(key, pattern):
            return pattern
    return None


def app_modules() -> list[Path]:
    return sorted(path for path in APP.rglob("*.py") if has_logic(path))


def test_every_app_module_with_logic_has_a_mirrored_test_module():
    untested = [
        module.relative_to(ROOT).as_posix()
        for module in app_modules()
        if not mirrors(module) and not listed(module)
    ]
    assert untested == [], (
        "write tests at the mirrored path (tests/<package>/test_<module>.py) for: "
        + ", ".join(untested)
    )


def test_every_allow_list_entry_still_names_an_unmirrored_module():
    """An entry goes once its modules have tests of their own, or are gone."""
    still_needed = {listed(module) for module in app_modules() if not mirrors(module)}
    assert sorted(set(TESTED_THROUGH) - still_needed) == []


def test_the_mirror_rule_reads_module_names_as_documented(tmp_path):
    assert [p.name for p in mirrors(APP / "platform" / "timezones.py")] == ["test_timezones.py"]
    review = [p.name for p in mirrors(APP / "moderation" / "views.py")]
    assert "test_views_review.py" in review
    assert [p.name for p in mirrors(APP / "platform" / "database_store.py")] == [
        "test_database_store.py"
    ]
    assert "test_database_store.py" not in [
        p.name for p in mirrors(APP / "platform" / "database.py")
    ]
    assert listed(APP / "accounts" / "models.py") == "app/*/models.py"
    assert listed(APP / "accounts" / "services.py") is None
    helper = tmp_path / "helper.py"
    helper.write_text("NAME = 'a constant'\nclass Plain:\n    value = 1\n")
    assert not has_logic(helper)
    helper.write_text("def work():\n    return 1\n")
    assert has_logic(helper)
