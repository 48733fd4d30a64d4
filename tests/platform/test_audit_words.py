"""The audit log's actions and details in words."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from flask_babel import force_locale

from app.platform.audit_words import (
    ACTIONS,
    AREAS,
    DECISIONS,
    MAX_DETAIL,
    action_choices,
    action_words,
    details_words,
    fallback_words,
)

APP = Path(__file__).resolve().parents[2] / "app"

# Actions recorded under a name the call computes; each file's possible names, read from it.
COMPUTED = {
    # end_sessions(reason=...) from accounts/views.py; set_active names its action first.
    "app/accounts/services.py": {"logout", "staff.activated", "staff.deactivated"},
    "app/hearings/services.py": {
        "measure.created",
        "measure.updated",
        "hearing.created",
        "hearing.updated",
    },
    "app/testimony/identity.py": {"testimony.email_confirmed", "testimony.disputed"},
    "app/signins/identity.py": {"sign_in.email_confirmed", "sign_in.disputed"},
    "app/exports/jobs.py": {"export.running", "export.ready", "export.failed"},
    "app/platform/audit.py": {"request.refused"},  # record_anonymous passes its action on
}


def recorded_actions() -> tuple[set[str], set[str]]:
    """Every action name written by an audit call in app/, and the files whose calls compute
    the name."""
    names, computed_in = set(), set()
    for path in APP.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = _module_constants(tree)
        for call in _audit_calls(tree, path):
            position = 0 if _called(call) == "record_anonymous" else 1
            argument = call.args[position]
            options = (
                [argument.body, argument.orelse] if isinstance(argument, ast.IfExp) else [argument]
            )
            values = [_string(option, constants) for option in options]
            if all(value is not None for value in values):
                names.update(values)
            else:
                computed_in.add(path.relative_to(APP.parent).as_posix())
    return names, computed_in


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _audit_calls(tree: ast.Module, path: Path):
    """Calls of audit.record, record_each and record_anonymous (also as imported names)."""
    imported = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "app.platform.audit"
        for alias in node.names
    }
    if path.name == "audit.py" and path.parent.name == "platform":
        imported |= {"record"}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _called(node) not in AUDIT_FUNCTIONS:
            continue
        func = node.func
        through_module = isinstance(func, ast.Attribute) and ast.unparse(func.value) == "audit"
        if through_module or (isinstance(func, ast.Name) and func.id in imported):
            yield node


AUDIT_FUNCTIONS = {"record", "record_each", "record_anonymous"}


def _module_constants(tree: ast.Module) -> dict[str, str]:
    return {
        node.targets[0].id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }


def _string(node: ast.expr, constants: dict[str, str]) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def test_every_action_the_code_records_has_words(app):
    names, computed_in = recorded_actions()
    assert computed_in <= set(COMPUTED), "a new computed action: list its names in COMPUTED"
    every = names | set().union(*COMPUTED.values())
    assert len(every) > 90
    assert sorted(every - set(ACTIONS)) == []


def test_decisions_say_which_decision(app):
    with app.test_request_context():
        assert action_words("testimony.decided", {"to_status": "approved"}) == "Approved testimony"
        assert action_words("testimony.decided", {"to_status": "rejected"}) == "Rejected testimony"
        assert (
            action_words("sign_in.decided", {"status": "published"})
            == "Published a position sign-in"
        )
        assert action_words("campaign.decided", {"to_status": "flagged"}) == "Flagged a campaign"
        # A status with no words of its own keeps the action's.
        assert action_words("testimony.decided", {"to_status": "odd"}) == "Decided on testimony"
        assert action_words("testimony.redacted", {"spans": [[1, 4]]}) == "Redacted text"
        assert action_words("login.succeeded") == "Signed in"


def test_words_follow_the_readers_language(app):
    with app.test_request_context(), force_locale("es"):
        # Until the lead's Spanish catalogue has these, English stands in, never a key.
        assert action_words("login.succeeded") in {"Signed in", "Inició sesión"}


@pytest.mark.parametrize(
    ("action", "words"),
    [
        ("testimony.bulk_archived", "Testimony: bulk archived"),
        ("staff.recovery_codes.made", "Staff: recovery codes made"),
        ("weird", "Weird"),
        ("", "?"),
    ],
)
def test_an_action_without_words_still_reads_as_words(app, action, words):
    with app.test_request_context():
        assert fallback_words(action) == words
        assert action_words(action) == words


def test_the_filter_offers_areas_then_actions_by_their_words(app):
    with app.test_request_context():
        choices = action_choices()
    values = [value for value, _words in choices]
    assert values[: len(AREAS)] == list(AREAS)
    assert ("testimony.", "Testimony (all)") in choices
    actions = choices[len(AREAS) :]
    assert [words for _value, words in actions] == sorted(words for _value, words in actions)
    assert set(values[len(AREAS) :]) == set(ACTIONS)
    assert {action for action, _status in DECISIONS} <= set(ACTIONS)


def test_details_read_as_names_and_values(app):
    data = {
        "from_status": "pending",
        "to_status": "approved",
        "reason": None,
        "second_factor": True,
        "spans": [[3, 9], [12, 20]],
        "address": "203.0.113.9",
        "before": {"kind": "reported_favourably"},
        "order": list(range(200)),
    }
    with app.test_request_context():
        shown = details_words(data)
        exported = details_words(data, private=False)
    assert shown.startswith("from: pending; to: approved; with second factor: yes; spans: 3, 9")
    assert "reason" not in shown  # nothing to say
    assert "network address: 203.0.113.9" in shown
    assert 'before: {"kind": "reported_favourably"}' in shown
    order = shown.split("order: ")[1]
    assert len(order) == MAX_DETAIL and order.endswith("…")
    # A records request's copy leaves out network addresses.
    assert "203.0.113.9" not in exported and "network address" not in exported
    assert exported.startswith("from: pending; to: approved")
    assert details_words({}) == details_words(None) == ""


def test_contact_details_are_never_shown(app):
    data = {"email": "rosa@example.org", "street_address": "12 Example Street", "to": "daily"}
    with app.test_request_context():
        assert details_words(data) == details_words(data, private=False) == "to: daily"
