"""What an audit row's action and details say in words, for staff and for a records request.

The log stores actions as dotted names (`testimony.decided`) and details as JSON. Every action
the code records has a label here; one without (a new action, or one an older version wrote)
still reads as words: "Testimony: bulk decided".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l

ACTIONS = {
    # Staff accounts and signing in.
    "staff.created": _l("Added a staff member"),
    "staff.password_changed": _l("Changed a password"),
    "staff.role_changed": _l("Changed a role"),
    "staff.activated": _l("Reactivated a staff account"),
    "staff.deactivated": _l("Deactivated a staff account"),
    "staff.totp_enabled": _l("Turned on a second factor"),
    "staff.totp_reset": _l("Reset a second factor"),
    "staff.totp_disabled": _l("Turned off a second factor"),
    "staff.policy_changed": _l("Changed the second-factor policy"),
    "staff.recovery_codes_generated": _l("Made new recovery codes"),
    "staff.recovery_codes_deleted": _l("Deleted recovery codes"),
    "staff.session_ended": _l("Ended a session"),
    "staff.sessions_ended": _l("Ended sessions"),
    "login.succeeded": _l("Signed in"),
    "login.failed": _l("Failed to sign in"),
    "login.throttled": _l("Slowed sign-ins after repeated failures"),
    "login.code_failed": _l("Entered a wrong second-factor code"),
    "login.recovery_code_used": _l("Signed in with a recovery code"),
    "logout": _l("Signed out"),
    "request.refused": _l("Refused a request"),
    "audit.exported": _l("Exported the audit log"),
    # Testimony, from residents and from moderators.
    "testimony.submitted": _l("Submitted testimony"),
    "testimony.amended": _l("Amended testimony"),
    "testimony.withdrawn": _l("Withdrew testimony"),
    "testimony.email_confirmed": _l("Confirmed the e-mail address of testimony"),
    "testimony.disputed": _l("Disputed sending testimony"),
    "testimony.dispute_kept": _l("Kept disputed testimony"),
    "testimony.decided": _l("Decided on testimony"),
    "testimony.bulk_decided": _l("Decided on testimony in bulk"),
    "testimony.note_added": _l("Added a note"),
    "testimony.redacted": _l("Redacted text"),
    "testimony.redaction_removed": _l("Removed a redaction"),
    # Campaigns and endorsements.
    "campaign.decided": _l("Decided on a campaign"),
    "campaign.member_split": _l("Took testimony out of its campaign"),
    "campaign.member_put_back": _l("Put testimony back in its campaign"),
    "campaign.merged": _l("Merged campaigns"),
    "campaign.dissolved": _l("Dissolved a campaign"),
    "campaigns.regrouped": _l("Regrouped campaigns"),
    "endorsement.made": _l("Endorsed"),
    "endorsement.withdrawn": _l("Withdrew an endorsement"),
    "endorsement.moved": _l("Moved an endorsement"),
    "endorsement.dropped": _l("Dropped an endorsement"),
    "endorsements.named": _l("Named endorsing organisations"),
    # Position sign-ins (residents noting a position without testimony).
    "sign_in.recorded": _l("Recorded a position sign-in"),
    "sign_in.changed": _l("Changed a position sign-in"),
    "sign_in.withdrawn": _l("Withdrew a position sign-in"),
    "sign_in.email_confirmed": _l("Confirmed the e-mail address of a position sign-in"),
    "sign_in.disputed": _l("Disputed sending a position sign-in"),
    "sign_in.dispute_kept": _l("Kept a disputed position sign-in"),
    "sign_in.decided": _l("Decided on a position sign-in"),
    # Bodies, committees, measures and hearings.
    "body.created": _l("Added a body"),
    "body.updated": _l("Changed a body"),
    "body.retention_set": _l("Set a retention period"),
    "body.review_outcome_mail_changed": _l("Changed whether residents hear of review decisions"),
    "committee.created": _l("Added a committee"),
    "committee.updated": _l("Changed a committee"),
    "measure.created": _l("Added a measure"),
    "measure.updated": _l("Changed a measure"),
    "measure.translated": _l("Translated a measure"),
    "hearing.created": _l("Scheduled a hearing"),
    "hearing.updated": _l("Changed a hearing"),
    "hearing.rescheduled": _l("Rescheduled a hearing"),
    "hearing.opened": _l("Opened testimony"),
    "hearing.closed": _l("Closed testimony"),
    "hearing.cancelled": _l("Cancelled a hearing"),
    "hearing.reinstated": _l("Reinstated a hearing"),
    "agenda.imported": _l("Imported an agenda"),
    "interpreter_language.added": _l("Added an interpreter language"),
    "interpreter_language.renamed": _l("Renamed an interpreter language"),
    "interpreter_language.moved": _l("Moved an interpreter language"),
    "interpreter_language.removed": _l("Removed an interpreter language"),
    "committee_action.recorded": _l("Recorded a committee action"),
    "committee_action.corrected": _l("Corrected a committee action"),
    "committee_action.removed": _l("Removed a committee action"),
    # Hearing day.
    "run_sheet.refreshed": _l("Refreshed the run sheet"),
    "run_sheet.proposed": _l("Proposed a speaking order"),
    "run_sheet.reordered": _l("Reordered the run sheet"),
    "run_sheet.published": _l("Published the run sheet"),
    "speaker.confirmed": _l("Confirmed a speaking place"),
    "speaker.cancelled": _l("Cancelled a speaking place"),
    "speaker.moved_up": _l("Moved a speaker up from the waitlist"),
    "speaker.moved": _l("Moved a speaker"),
    "speaker.updated": _l("Changed a speaker's details"),
    "speaker.called": _l("Called a speaker"),
    "speaker.spoke": _l("Recorded that a speaker spoke"),
    "speaker.no_show": _l("Marked a speaker absent"),
    "speaker.skipped": _l("Skipped a speaker"),
    "speaker.walk_in": _l("Signed up a walk-in speaker"),
    "kiosk.opened": _l("Opened the walk-in kiosk"),
    "kiosk.closed": _l("Closed the walk-in kiosk"),
    # Exports.
    "export.requested": _l("Asked for an export"),
    "export.created": _l("Exported"),
    "export.running": _l("Started an export"),
    "export.ready": _l("Finished an export"),
    "export.failed": _l("An export failed"),
    # Following.
    "follow.requested": _l("Asked to follow"),
    "follow.confirmed": _l("Confirmed following"),
    "follow.stopped": _l("Stopped following"),
    "follow.outcomes_opted_out": _l("Stopped news of committee actions"),
    "follower.frequency_set": _l("Changed how often news is sent"),
    "follower.unsubscribed": _l("Unsubscribed"),
    # Organisations and their API keys.
    "organisation.registered": _l("Registered an organisation"),
    "organisation.updated": _l("Changed an organisation"),
    "organisation.archived": _l("Archived an organisation"),
    "api_key.issued": _l("Issued an API key"),
    "api_key.revoked": _l("Revoked an API key"),
    "api_key.used": _l("Used an API key"),
    # Housekeeping.
    "job.retried": _l("Retried a background job"),
    "retention.applied": _l("Removed personal data past its retention period"),
}

# Decisions say which: "Approved testimony", not "Decided on testimony". Keyed by action and
# the status it moved to (the detail named in DECIDED_TO).
DECISIONS = {
    ("testimony.decided", "approved"): _l("Approved testimony"),
    ("testimony.decided", "rejected"): _l("Rejected testimony"),
    ("testimony.decided", "flagged"): _l("Flagged testimony"),
    ("testimony.decided", "pending"): _l("Returned testimony to pending"),
    ("testimony.bulk_decided", "approved"): _l("Approved testimony in bulk"),
    ("testimony.bulk_decided", "rejected"): _l("Rejected testimony in bulk"),
    ("testimony.bulk_decided", "flagged"): _l("Flagged testimony in bulk"),
    ("testimony.bulk_decided", "pending"): _l("Returned testimony to pending in bulk"),
    ("campaign.decided", "approved"): _l("Approved a campaign"),
    ("campaign.decided", "rejected"): _l("Rejected a campaign"),
    ("campaign.decided", "flagged"): _l("Flagged a campaign"),
    ("campaign.decided", "pending"): _l("Returned a campaign to pending"),
    ("sign_in.decided", "published"): _l("Published a position sign-in"),
    ("sign_in.decided", "rejected"): _l("Rejected a position sign-in"),
    ("sign_in.decided", "pending"): _l("Returned a position sign-in to pending"),
}
DECIDED_TO = {"status", "to_status"}

# The words of each area of actions, for the filter's choices ("Testimony (all)").
AREAS = {
    "staff.": _l("Staff accounts"),
    "login.": _l("Signing in"),
    "testimony.": _l("Testimony"),
    "campaign": _l("Campaigns"),
    "endorsement": _l("Endorsements"),
    "sign_in.": _l("Position sign-ins"),
    "hearing.": _l("Hearings"),
    "speaker.": _l("Speakers"),
    "export.": _l("Exports"),
    "organisation.": _l("Organisations"),
    "api_key.": _l("API keys"),
}

# Details named in words; others read as their key with spaces.
DETAIL_NAMES = {
    "from_status": _l("from"),
    "to_status": _l("to"),
    "status": _l("status"),
    "reason": _l("reason"),
    "role": _l("role"),
    "old": _l("before"),
    "new": _l("after"),
    "kind": _l("kind"),
    "items": _l("items"),
    "told": _l("people told"),
    "version": _l("version"),
    "second_factor": _l("with second factor"),
    "sessions_ended": _l("sessions ended"),
    "address": _l("network address"),
    "address_hash": _l("network address (hashed)"),
    "route": _l("page"),
    "names": _l("names"),
    "filters": _l("filters"),
}

# Details left out of the CSV a records request receives: network addresses are personal
# data of whoever was signing in (staff, or a stranger guessing). Admins see them on screen.
PRIVATE_DETAILS = frozenset({"address"})

# Details never shown anywhere, should a row ever hold them: residents' contact details. (No
# action records them today; this keeps one added later out of the page and the CSV.)
CONTACT_DETAILS = ("email", "street")

MAX_DETAIL = 300  # characters of one detail's value, so one row cannot fill a page


class Phrasebook:
    """Labels in the reader's language, each translated once per page or export batch: a
    translation looked up per row cost more than everything else the row needs."""

    def __init__(self) -> None:
        self._said: dict[int, str] = {}

    def __call__(self, label) -> str:
        key = id(label)  # the labels are this module's constants
        said = self._said.get(key)
        if said is None:
            said = self._said[key] = str(label)
        return said


def action_words(
    action: str, data: dict[str, Any] | None = None, *, say: Callable[[Any], str] = str
) -> str:
    """The action in words, in the reader's language where it has a label."""
    data = data or {}
    for key in DECIDED_TO:
        label = DECISIONS.get((action, str(data.get(key))))
        if label is not None:
            return say(label)
    label = ACTIONS.get(action)
    if label is not None:
        return say(label)
    return fallback_words(action)


def fallback_words(action: str) -> str:
    """An unlabelled action as words: `testimony.bulk_decided` is "Testimony: bulk decided"."""
    area, _dot, verb = action.partition(".")
    area = area.replace("_", " ").strip().capitalize()
    verb = verb.replace("_", " ").replace(".", " ").strip()
    return f"{area}: {verb}" if verb else area or "?"


def action_choices() -> list[tuple[str, str]]:
    """The filter's choices: each area as a whole, then every labelled action, by its words."""
    areas = [(prefix, str(_l("%(area)s (all)", area=words))) for prefix, words in AREAS.items()]
    actions = sorted(((name, str(words)) for name, words in ACTIONS.items()), key=lambda c: c[1])
    return areas + actions


def details_words(
    data: dict[str, Any] | None, *, private: bool = True, say: Callable[[Any], str] = str
) -> str:
    """The details as "name: value" pairs; without PRIVATE_DETAILS when `private` is False."""
    parts = []
    for key, value in (data or {}).items():
        if value is None or value == "" or (not private and key in PRIVATE_DETAILS):
            continue
        if any(part in key for part in CONTACT_DETAILS):
            continue
        name = DETAIL_NAMES.get(key)
        name = say(name) if name is not None else key.replace("_", " ")
        parts.append(f"{name}: {_value_words(value, say)}")
    return "; ".join(parts)


YES, NO = _l("yes"), _l("no")


def _value_words(value: Any, say: Callable[[Any], str]) -> str:
    if value is True:
        return say(YES)
    if value is False:
        return say(NO)
    if isinstance(value, list):
        text = ", ".join(_value_words(item, say) for item in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"
