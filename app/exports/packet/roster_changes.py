"""The addendum's part about position sign-ins: which were added to the roster, changed or
taken off it since an earlier packet.

A whole-hearing packet records which version of which sign-in its roster listed
(PacketSignIn). The addendum compares that with the sign-ins on record now (the roster's own
selection): added (on record now, not listed then), changed (listed then at another version:
the resident changed their positions) and no longer on record (listed then, not now, with the
reason). A packet made before packets had a roster listed none, so every sign-in on record
counts as added. Only the public fields the roster prints are read (never the e-mail address).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from app.exports.models import PacketSignIn
from app.exports.packet.data import position_label
from app.exports.packet.roster import entry_text, on_record, roster_query
from app.exports.pdf.stream import Bookmark
from app.exports.pdf.typesetting import BODY, HEADING, SMALL, PageWriter, isolated
from app.hearings.models import Hearing
from app.platform.extensions import db
from app.signins.models import SignIn, SignInPosition, SignInStatus
from app.testimony.models import Position

BATCH = 500


@dataclass(frozen=True)
class SignInChange:
    name: str
    city: str
    organization: str
    positions: str  # "H.1538: Support · S.927: Oppose", in agenda order, as they are now
    reason: str = ""  # no longer on record: why


@dataclass
class SignInChanges:
    added: list[SignInChange] = field(default_factory=list)
    changed: list[SignInChange] = field(default_factory=list)
    gone: list[SignInChange] = field(default_factory=list)

    def sections(self) -> list[tuple[str, str, list[SignInChange]]]:
        """(title, note, entries) of each section, in order."""
        return [
            (
                _("Position sign-ins added"),
                _("On record now, and not on the earlier packet's roster."),
                self.added,
            ),
            (
                _("Position sign-ins changed"),
                _(
                    "On the earlier packet's roster; the resident has since changed their "
                    "positions, shown as they are now."
                ),
                self.changed,
            ),
            (
                _("Position sign-ins no longer on record"),
                _("On the earlier packet's roster, not on record now, for the reason given."),
                self.gone,
            ),
        ]

    def records(self) -> Iterator[dict]:
        """Every change as plain data, for the addendum's content fingerprint."""
        for kind, entries in (
            ("added", self.added),
            ("changed", self.changed),
            ("gone", self.gone),
        ):
            for entry in entries:
                yield {"sign_ins": kind, **asdict(entry)}


def sign_in_changes(hearing: Hearing, since_packet_id: int) -> SignInChanges | None:
    """The sign-in changes since the earlier packet; None when that packet listed none and
    none is on record now (the addendum then says nothing of sign-ins)."""
    listed = dict(
        db.session.execute(
            select(PacketSignIn.sign_in_id, PacketSignIn.version).where(
                PacketSignIn.packet_id == since_packet_id
            )
        ).all()
    )
    current = dict(
        db.session.execute(
            roster_query(hearing, None, SignIn.id, SignIn.version)
            .where(on_record())
            .order_by(None)
            .distinct()
        ).all()
    )
    if not listed and not current:
        return None
    added = [i for i in current if i not in listed]
    changed = [i for i in current if i in listed and current[i] != listed[i]]
    gone = [i for i in listed if i not in current]
    agenda = {measure.id: (place, measure.number) for place, measure in enumerate(hearing.measures)}
    return SignInChanges(
        added=_entries(added, agenda),
        changed=_entries(changed, agenda),
        gone=_entries(gone, agenda, with_reason=True),
    )


def _entries(
    ids: list[int], agenda: dict[int, tuple[int, str]], *, with_reason: bool = False
) -> list[SignInChange]:
    """The changes for these sign-ins, by name (the roster's order: lower-case name in code
    point order, then id), read BATCH at a time as plain rows."""
    found: list[tuple[tuple[str, int], SignInChange]] = []
    ids = sorted(ids)
    for start in range(0, len(ids), BATCH):
        wanted = ids[start : start + BATCH]
        stances: dict[int, list[tuple[int, str, Position]]] = {}
        for sign_in_id, measure_id, position in db.session.execute(
            select(
                SignInPosition.sign_in_id, SignInPosition.measure_id, SignInPosition.position
            ).where(SignInPosition.sign_in_id.in_(wanted))
        ):
            if measure_id in agenda:
                place, number = agenda[measure_id]
                stances.setdefault(sign_in_id, []).append((place, number, Position(position)))
        rows = db.session.execute(
            select(
                SignIn.id,
                SignIn.name_key,
                SignIn.full_name,
                SignIn.city,
                SignIn.organization,
                SignIn.status,
                SignIn.disputed_at,
                SignIn.dispute_kept_at,
            ).where(SignIn.id.in_(wanted))
        )
        for sign_in_id, key, name, city, organization, status, disputed, kept in rows:
            on_agenda = sorted(stances.get(sign_in_id, []))
            positions = " · ".join(
                f"{isolated(number)}: {position_label(position)}"
                for _place, number, position in on_agenda
            )
            reason = ""
            if with_reason:
                reason = _reason(status, disputed is not None and kept is None, bool(on_agenda))
            change = SignInChange(name, city, organization or "", positions, reason)
            found.append(((key, sign_in_id), change))
    return [change for _key, change in sorted(found, key=lambda pair: pair[0])]


def _reason(status: SignInStatus, disputed: bool, on_agenda: bool) -> str:
    if status is SignInStatus.WITHDRAWN:
        return _("withdrawn by the resident")
    if status is SignInStatus.REJECTED:
        return _("rejected by a moderator")
    if disputed:
        return _("the owner of the e-mail address said they did not sign it")
    if status is SignInStatus.PENDING:
        return _("awaiting a moderator's review")
    if not on_agenda:
        return _("its measures are no longer on the agenda")
    return _("no longer on record")


# -- the addendum's pages -------------------------------------------------------------------


def write_cover_counts(writer: PageWriter, changes: SignInChanges) -> None:
    """The cover's count of each sign-in section, under the testimony's."""
    for title, _note, entries in changes.sections():
        writer.field(title, str(len(entries)), label_width=200.0)


def write_sections(writer: PageWriter, changes: SignInChanges) -> list[Bookmark]:
    """The sign-in sections, one compact line each; one bookmark per section."""
    marks = []
    for title, note, entries in changes.sections():
        writer.space(0 if writer.blank else 14)
        writer.ensure(HEADING.leading + SMALL.leading * 2 + BODY.leading * 2)
        marks.append(Bookmark(f"{title} ({len(entries)})", writer.pages - 1))
        writer.paragraph(title, HEADING)
        writer.paragraph(note, SMALL)
        writer.space(4)
        if not entries:
            writer.paragraph(_("None"), BODY)
        for entry in entries:
            line = entry_text(entry.name, entry.city, entry.organization)[0]
            if entry.positions:
                line = f"{line}: {entry.positions}"
            if entry.reason:
                line = f"{line} ({entry.reason})"
            writer.paragraph(line, SMALL)
    return marks
