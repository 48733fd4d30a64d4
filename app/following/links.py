"""The private links of following mail: confirm a follow, manage, unsubscribe, and stop being
told what the committee did (the receipt's opt-out).

Nothing is stored for them: each is the row's id and an HMAC of it keyed by the application's
secret and a random value of the row (a follower's `link_key`, a testimony's receipt hash), so
a link cannot be guessed or made for another row, and carries no personal data. Deleting the
follower (unsubscribed or unconfirmed addresses are removed after a while) ends its links.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from flask import current_app

from app.following.models import Follow, Follower
from app.platform.extensions import db
from app.signins.models import SignIn
from app.testimony import identity
from app.testimony.models import Testimony

CONFIRM, MANAGE, UNSUBSCRIBE = "confirm", "manage", "unsubscribe"
# What a confirmation link asks for: every notice of the subject, or the opening only.
SCOPES = ("all", "opening")
OUTCOMES = "outcomes"
_TOKEN = re.compile(r"([0-9]{1,12})-([0-9a-f]{40})")


def _digest(message: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()[:40]


def _base() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def _split(token: str) -> tuple[int, str] | None:
    match = _TOKEN.fullmatch(token or "")
    if match is None:
        return None
    return int(match.group(1)), match.group(2)


def follower_token(follower: Follower, purpose: str) -> str:
    return f"{follower.id}-{_digest(f'{purpose}:{follower.id}:{follower.link_key}')}"


def follower_url(follower: Follower, purpose: str) -> str:
    return f"{_base()}/following/{purpose}/{follower_token(follower, purpose)}"


def find_follower(purpose: str, token: str) -> Follower | None:
    parts = _split(token)
    if parts is None:
        return None
    follower = db.session.get(Follower, parts[0])
    if follower is None or not hmac.compare_digest(follower_token(follower, purpose), token):
        return None
    return follower


def follow_token(follow: Follow, scope: str) -> str:
    follower = follow.follower
    message = f"{CONFIRM}:{scope}:{follow.id}:{follower.id}:{follower.link_key}"
    return f"{follow.id}-{_digest(message)}"


def confirm_url(follow: Follow, scope: str) -> str:
    return f"{_base()}/following/confirm/{scope}/{follow_token(follow, scope)}"


def find_follow(scope: str, token: str) -> Follow | None:
    parts = _split(token)
    if parts is None or scope not in SCOPES:
        return None
    follow = db.session.get(Follow, parts[0])
    if follow is None or not hmac.compare_digest(follow_token(follow, scope), token):
        return None
    return follow


def outcomes_token(testimony: Testimony) -> str:
    return f"{testimony.id}-{identity.link_token(testimony, OUTCOMES)}"


def outcomes_url(testimony: Testimony) -> str:
    """The receipt's "do not tell me what the committee does" link, for its address."""
    return f"{_base()}/following/no-outcomes/{outcomes_token(testimony)}"


def sign_in_outcomes_token(sign_in_id: int, receipt_token_hash: str) -> str:
    """The sign-in's opt-out token: "s", its id and an HMAC of its id and receipt hash (so it
    can be made from the two columns alone, for every sign-in on a measure at once)."""
    return f"s{sign_in_id}-{_digest(f'{OUTCOMES}:sign-in:{sign_in_id}:{receipt_token_hash}')}"


def sign_in_outcomes_url(sign_in_id: int, receipt_token_hash: str) -> str:
    return (
        f"{_base()}/following/no-outcomes/{sign_in_outcomes_token(sign_in_id, receipt_token_hash)}"
    )


def find_sender_key(token: str) -> str | None:
    """The lower-cased address an opt-out link speaks for (a testimony's or a sign-in's), or
    None for a link that is not ours or whose address was removed."""
    if token.startswith("s"):
        parts = _split(token[1:])
        sign_in = db.session.get(SignIn, parts[0]) if parts else None
        if sign_in is None or not hmac.compare_digest(
            sign_in_outcomes_token(sign_in.id, sign_in.receipt_token_hash), token
        ):
            return None
        return sign_in.email_key if sign_in.email else None
    testimony = find_testimony(token)
    return testimony.email_key if testimony is not None and testimony.email else None


def find_testimony(token: str) -> Testimony | None:
    parts = _split(token)
    if parts is None:
        return None
    testimony = db.session.get(Testimony, parts[0])
    if testimony is None or not hmac.compare_digest(outcomes_token(testimony), token):
        return None
    return testimony


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail clients offer their own one-click unsubscribe button."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
