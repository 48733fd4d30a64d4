"""Who did it and what to, in words: the names behind an audit row's `user:4` and
`testimonies #61`.

The log records its subjects by table name and id, and its actors as `user:<id>` and
`api_key:<id>`, so they are named here by reading those tables by name, a page (or an export's
batch) at a time: one query per kind of subject, never one per row. The platform sits below
every domain package and imports none of them; the table names are those the log itself
stores. A subject whose row is gone still reads as words ("Former staff member #4").

Residents are named by their tracking numbers, never by their e-mail or street address.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, select

from app.platform.extensions import db


@dataclass(frozen=True)
class Named:
    """Someone or something in words, with where to see it (an endpoint and its arguments)."""

    text: str
    tracking_number: str = ""
    endpoint: str | None = None
    args: tuple[tuple[str, int], ...] = ()
    timezone: str | None = None  # the body's, when the subject belongs to one
    role: str = ""  # a staff member's role, in words
    email: str = ""  # a staff member's work address (never a resident's)

    @property
    def link_args(self) -> dict[str, int]:
        return dict(self.args)


Ref = tuple[str, int]  # a subject: table name and id

ROLES = {"moderator": _l("Moderator"), "clerk": _l("Clerk"), "admin": _l("Admin")}

# Actors that are nobody in particular.
ACTORS = {
    "resident": _l("Resident"),
    "system": _l("System"),
    "anonymous": _l("Not signed in"),
    "kiosk": _l("Walk-in kiosk"),
}

# Events about no row name one in their details: a failed sign-in its account, a decision in
# bulk its hearing, a dissolved campaign itself.
SUBJECT_DETAILS = {"user_id": "staff_users", "hearing_id": "hearings", "campaign_id": "campaigns"}


def subject_of(subject_type: str | None, subject_id: int | None, data: dict | None) -> Ref | None:
    """The row an event is about: its subject, or for one without, the row its details name."""
    if subject_type and subject_id is not None:
        return subject_type, subject_id
    for key, table in SUBJECT_DETAILS.items():
        value = (data or {}).get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return table, value
    return None


def name_subjects(refs: Iterable[Ref]) -> dict[Ref, Named]:
    """Every subject in words: one query per kind of subject."""
    by_table: dict[str, set[int]] = defaultdict(set)
    for table, subject_id in refs:
        by_table[table].add(subject_id)
    named: dict[Ref, Named] = {}
    for table, ids in by_table.items():
        namer = NAMERS.get(table)
        found = namer(sorted(ids)) if namer is not None and table in db.metadata.tables else {}
        for subject_id in ids:
            named[(table, subject_id)] = found.get(subject_id) or gone(table, subject_id)
    return named


def name_actors(actors: Iterable[str]) -> dict[str, Named]:
    """Every actor in words: staff by name, API keys by label, the rest by what they are."""
    actors = set(actors)
    refs = {actor: _actor_ref(actor) for actor in actors}
    named = name_subjects(ref for ref in refs.values() if ref is not None)
    out = {}
    for actor in actors:
        ref = refs[actor]
        if ref is not None:
            out[actor] = named[ref]
        elif actor in ACTORS:
            out[actor] = Named(str(ACTORS[actor]))
        else:
            out[actor] = Named(actor)
    return out


def _actor_ref(actor: str) -> Ref | None:
    kind, _colon, number = actor.partition(":")
    table = {"user": "staff_users", "api_key": "api_keys"}.get(kind)
    if table is None or not number.isdigit() or len(number) > 10:
        return None
    return table, int(number)


def gone(table: str, subject_id: int) -> Named:
    """A subject whose row no longer exists, or of a kind not named here."""
    words = GONE.get(table)
    if words is not None:
        return Named(str(words) % {"id": subject_id})
    return Named(f"{table.replace('_', ' ').capitalize()} #{subject_id}")


GONE = {
    "staff_users": _l("Former staff member #%(id)s"),
    "testimonies": _l("Testimony #%(id)s (deleted)"),
    "sign_ins": _l("Sign-in #%(id)s (deleted)"),
    "hearings": _l("Hearing #%(id)s (deleted)"),
    "campaigns": _l("Campaign C-%(id)s (dissolved)"),
    "bodies": _l("Body #%(id)s (deleted)"),
    "committees": _l("Committee #%(id)s (deleted)"),
    "measures": _l("Measure #%(id)s (deleted)"),
    "committee_actions": _l("Committee action #%(id)s (deleted)"),
    "organisations": _l("Organisation #%(id)s (deleted)"),
    "api_keys": _l("API key #%(id)s (deleted)"),
    "packets": _l("Export #%(id)s (deleted)"),
    "speakers": _l("Speaker #%(id)s (deleted)"),
    "endorsements": _l("Endorsement #%(id)s (deleted)"),
    "follows": _l("Follow #%(id)s (deleted)"),
    "followers": _l("Follower #%(id)s (deleted)"),
    "jobs": _l("Background job #%(id)s (finished and removed)"),
    "staff_policies": _l("Staff sign-in policy"),
}


# Reading the tables.


def _t(name: str) -> Table:
    return db.metadata.tables[name]


def _rows(query, ids: list[int]):
    return db.session.execute(query.where(query.selected_columns[0].in_(ids))).all()


def _zone_of_hearing(hearing_id_column, query):
    """`query` joined to the hearing's committee and body, and the body's time zone."""
    hearings, committees, bodies = _t("hearings"), _t("committees"), _t("bodies")
    joined = (
        query.outerjoin(hearings, hearings.c.id == hearing_id_column)
        .outerjoin(committees, committees.c.id == hearings.c.committee_id)
        .outerjoin(bodies, bodies.c.id == committees.c.body_id)
    )
    return joined, hearings, bodies


def _staff(ids: list[int]) -> dict[int, Named]:
    staff = _t("staff_users")
    rows = _rows(select(staff.c.id, staff.c.name, staff.c.email, staff.c.role, staff.c.active), ids)
    out = {}
    for id_, name, email, role, active in rows:
        role = getattr(role, "value", role)
        text = name if active else _("%(name)s (deactivated)", name=name)
        out[id_] = Named(
            text,
            endpoint="staff_admin.edit_user",
            args=(("user_id", id_),),
            role=str(ROLES.get(role, role)),
            email=email,
        )
    return out


def _policy(ids: list[int]) -> dict[int, Named]:
    return {id_: Named(_("Staff sign-in policy")) for id_ in ids}


def _testimonies(ids: list[int]) -> dict[int, Named]:
    testimonies = _t("testimonies")
    joined, _hearing_table, bodies = _zone_of_hearing(testimonies.c.hearing_id, testimonies)
    query = select(
        testimonies.c.id, testimonies.c.tracking_number, testimonies.c.email_key, bodies.c.timezone
    ).select_from(joined)
    out = {}
    for id_, number, email_key, zone in _rows(query, ids):
        erased = (email_key or "").startswith("removed:")
        text = (
            _("Testimony %(number)s (contact details erased)", number=number)
            if erased
            else _("Testimony %(number)s", number=number)
        )
        out[id_] = Named(
            text,
            tracking_number=number,
            endpoint="moderation.review",
            args=(("testimony_id", id_),),
            timezone=zone,
        )
    return out


def _sign_ins(ids: list[int]) -> dict[int, Named]:
    sign_ins = _t("sign_ins")
    joined, _hearing_table, bodies = _zone_of_hearing(sign_ins.c.hearing_id, sign_ins)
    query = select(
        sign_ins.c.id,
        sign_ins.c.tracking_number,
        sign_ins.c.email_key,
        sign_ins.c.hearing_id,
        bodies.c.timezone,
    ).select_from(joined)
    out = {}
    for id_, number, email_key, hearing_id, zone in _rows(query, ids):
        erased = (email_key or "").startswith("removed:")
        text = (
            _("Sign-in %(number)s (contact details erased)", number=number)
            if erased
            else _("Sign-in %(number)s", number=number)
        )
        out[id_] = Named(
            text,
            tracking_number=number,
            endpoint="sign_in_moderation.index",
            args=(("hearing_id", hearing_id),),
            timezone=zone,
        )
    return out


def _hearings(ids: list[int]) -> dict[int, Named]:
    hearings, committees, bodies = _t("hearings"), _t("committees"), _t("bodies")
    joined = hearings.outerjoin(committees, committees.c.id == hearings.c.committee_id).outerjoin(
        bodies, bodies.c.id == committees.c.body_id
    )
    query = select(hearings.c.id, hearings.c.title, bodies.c.timezone).select_from(joined)
    return {
        id_: Named(
            _("Hearing “%(title)s”", title=title),
            endpoint="hearing_admin.hearing",
            args=(("hearing_id", id_),),
            timezone=zone,
        )
        for id_, title, zone in _rows(query, ids)
    }


def _campaigns(ids: list[int]) -> dict[int, Named]:
    campaigns = _t("campaigns")
    joined, hearings, bodies = _zone_of_hearing(campaigns.c.hearing_id, campaigns)
    query = select(campaigns.c.id, hearings.c.title, bodies.c.timezone).select_from(joined)
    return {
        id_: Named(
            _("Campaign C-%(id)s on “%(title)s”", id=id_, title=title),
            endpoint="campaigns.show",
            args=(("campaign_id", id_),),
            timezone=zone,
        )
        for id_, title, zone in _rows(query, ids)
    }


def _bodies(ids: list[int]) -> dict[int, Named]:
    bodies = _t("bodies")
    query = select(bodies.c.id, bodies.c.name, bodies.c.timezone)
    return {
        id_: Named(name, endpoint="hearing_admin.body", args=(("body_id", id_),), timezone=zone)
        for id_, name, zone in _rows(query, ids)
    }


def _committees(ids: list[int]) -> dict[int, Named]:
    committees, bodies = _t("committees"), _t("bodies")
    query = select(committees.c.id, committees.c.name, bodies.c.timezone).select_from(
        committees.outerjoin(bodies, bodies.c.id == committees.c.body_id)
    )
    return {
        id_: Named(
            name, endpoint="hearing_admin.committee", args=(("committee_id", id_),), timezone=zone
        )
        for id_, name, zone in _rows(query, ids)
    }


def _measure_query(measure_id_column, query):
    measures, committees, bodies = _t("measures"), _t("committees"), _t("bodies")
    joined = (
        query.outerjoin(measures, measures.c.id == measure_id_column)
        .outerjoin(committees, committees.c.id == measures.c.committee_id)
        .outerjoin(bodies, bodies.c.id == committees.c.body_id)
    )
    return joined, measures, bodies


def _measures(ids: list[int]) -> dict[int, Named]:
    measures, committees, bodies = _t("measures"), _t("committees"), _t("bodies")
    joined = measures.outerjoin(committees, committees.c.id == measures.c.committee_id).outerjoin(
        bodies, bodies.c.id == committees.c.body_id
    )
    query = select(measures.c.id, measures.c.number, measures.c.title, bodies.c.timezone)
    return {
        id_: Named(
            _("Measure %(number)s: %(title)s", number=number, title=_short(title)),
            endpoint="hearing_admin.measure",
            args=(("measure_id", id_),),
            timezone=zone,
        )
        for id_, number, title, zone in _rows(query.select_from(joined), ids)
    }


def _committee_actions(ids: list[int]) -> dict[int, Named]:
    actions = _t("committee_actions")
    joined, measures, bodies = _measure_query(actions.c.measure_id, actions)
    query = select(actions.c.id, actions.c.kind, measures.c.number, bodies.c.timezone)
    out = {}
    for id_, kind, number, zone in _rows(query.select_from(joined), ids):
        kind = str(getattr(kind, "value", kind)).replace("_", " ")
        out[id_] = Named(
            _("Committee action on %(number)s (%(kind)s)", number=number, kind=kind),
            endpoint="hearing_admin.correct_action",
            args=(("action_id", id_),),
            timezone=zone,
        )
    return out


def _organisations(ids: list[int]) -> dict[int, Named]:
    organisations = _t("organisations")
    query = select(organisations.c.id, organisations.c.name)
    return {
        id_: Named(
            name,
            endpoint="organisations_admin.organisation",
            args=(("organisation_id", id_),),
        )
        for id_, name in _rows(query, ids)
    }


def _api_keys(ids: list[int]) -> dict[int, Named]:
    keys, organisations = _t("api_keys"), _t("organisations")
    query = select(keys.c.id, keys.c.label, keys.c.organisation_id, organisations.c.name)
    joined = keys.outerjoin(organisations, organisations.c.id == keys.c.organisation_id)
    return {
        id_: Named(
            _("API key “%(label)s” of %(organisation)s", label=label, organisation=name),
            endpoint="organisations_admin.organisation",
            args=(("organisation_id", organisation_id),),
        )
        for id_, label, organisation_id, name in _rows(query.select_from(joined), ids)
    }


def _packets(ids: list[int]) -> dict[int, Named]:
    packets = _t("packets")
    joined, hearings, bodies = _zone_of_hearing(packets.c.hearing_id, packets)
    query = select(packets.c.id, packets.c.kind, hearings.c.title, bodies.c.timezone)
    out = {}
    for id_, kind, title, zone in _rows(query.select_from(joined), ids):
        kind = str(getattr(kind, "value", kind)).replace("_", " ")
        out[id_] = Named(
            _("Export #%(id)s (%(kind)s) of “%(title)s”", id=id_, kind=kind, title=title),
            endpoint="exports.show",
            args=(("packet_id", id_),),
            timezone=zone,
        )
    return out


def _speakers(ids: list[int]) -> dict[int, Named]:
    speakers, testimonies = _t("speakers"), _t("testimonies")
    joined, hearings, bodies = _zone_of_hearing(speakers.c.hearing_id, speakers)
    joined = joined.outerjoin(testimonies, testimonies.c.id == speakers.c.testimony_id)
    query = select(
        speakers.c.id,
        speakers.c.hearing_id,
        testimonies.c.tracking_number,
        hearings.c.title,
        bodies.c.timezone,
    ).select_from(joined)
    out = {}
    for id_, hearing_id, number, title, zone in _rows(query, ids):
        # A speaker is named by their testimony's tracking number, not by the name they gave.
        text = (
            _("Speaker for %(number)s on “%(title)s”", number=number, title=title)
            if number
            else _("Walk-in speaker #%(id)s on “%(title)s”", id=id_, title=title)
        )
        out[id_] = Named(
            text,
            tracking_number=number or "",
            endpoint="speaking_admin.speaker",
            args=(("hearing_id", hearing_id), ("speaker_id", id_)),
            timezone=zone,
        )
    return out


def _endorsements(ids: list[int]) -> dict[int, Named]:
    endorsements, organisations = _t("endorsements"), _t("organisations")
    testimonies = _t("testimonies")
    joined = endorsements.outerjoin(
        organisations, organisations.c.id == endorsements.c.organisation_id
    ).outerjoin(testimonies, testimonies.c.id == endorsements.c.testimony_id)
    query = select(
        endorsements.c.id,
        organisations.c.name,
        endorsements.c.name,
        testimonies.c.tracking_number,
        endorsements.c.campaign_id,
    ).select_from(joined)
    out = {}
    for id_, registered, given, number, campaign_id in _rows(query, ids):
        who = registered or given or "?"
        if number:
            text = _("Endorsement by %(who)s of %(number)s", who=who, number=number)
        elif campaign_id:
            text = _("Endorsement by %(who)s of campaign C-%(id)s", who=who, id=campaign_id)
        else:
            text = _("Endorsement by %(who)s", who=who)
        out[id_] = Named(text, tracking_number=number or "")
    return out


def _follows(ids: list[int]) -> dict[int, Named]:
    follows = _t("follows")
    query = select(follows.c.id, follows.c.subject_kind)
    # Followers are residents: named by number and what they follow, never by address.
    return {
        id_: Named(_("Follow #%(id)s (a %(kind)s)", id=id_, kind=getattr(kind, "value", kind)))
        for id_, kind in _rows(query, ids)
    }


def _followers(ids: list[int]) -> dict[int, Named]:
    followers = _t("followers")
    return {
        id_: Named(_("Follower #%(id)s", id=id_)) for (id_,) in _rows(select(followers.c.id), ids)
    }


def _jobs(ids: list[int]) -> dict[int, Named]:
    jobs = _t("jobs")
    return {
        id_: Named(
            _("Background job #%(id)s (%(kind)s)", id=id_, kind=kind), endpoint="jobs_admin.index"
        )
        for id_, kind in _rows(select(jobs.c.id, jobs.c.kind), ids)
    }


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


NAMERS: dict[str, Callable[[list[int]], dict[int, Named]]] = {
    "staff_users": _staff,
    "staff_policies": _policy,
    "testimonies": _testimonies,
    "sign_ins": _sign_ins,
    "hearings": _hearings,
    "campaigns": _campaigns,
    "bodies": _bodies,
    "committees": _committees,
    "measures": _measures,
    "committee_actions": _committee_actions,
    "organisations": _organisations,
    "api_keys": _api_keys,
    "packets": _packets,
    "speakers": _speakers,
    "endorsements": _endorsements,
    "follows": _follows,
    "followers": _followers,
    "jobs": _jobs,
}


def default_timezone() -> str:
    """The site's zone, for rows about no body."""
    return current_app.config.get("DEFAULT_TIMEZONE") or "America/New_York"
