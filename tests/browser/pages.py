"""Every page of the app, as a browser reaches it: the address of each page a resident or a
member of staff can open, for the accessibility and layout checks. test_every_page_is_listed
fails when a new page is added without being listed here."""

from __future__ import annotations

from tests.browser.scene import Scene

# Endpoints that answer with a file or data, not a page.
NOT_PAGES = {
    "static",
    "exports.download",
    "moderation.attachment",
    "attachment_pages.page_image",
    "exports.progress",
    "health.healthz",
    "speaking_console.floor_json",
    "speaking_display.now_speaking_json",
    "hearings.hearing_calendar",
    "hearings.body_calendar",
    "hearings.committee_calendar",
    "hearings.atom",
    "hearings.body_atom",
    # The public API's data (its docs page is a page, listed below).
    "api.list_bodies",
    "api.get_body",
    "api.list_committees",
    "api.get_committee",
    "api.list_measures",
    "api.get_measure",
    "api.list_measure_actions",
    "api.list_hearings",
    "api.get_hearing",
    "api.list_testimony",
    "api.list_sign_ins",
    "api.list_campaigns",
    "api_files.published_file",
    "api_docs.openapi",
}


def resident_pages(scene: Scene) -> dict[str, list[str]]:
    return {
        "hearings.index": ["/"],
        "hearings.show": [
            f"/hearings/{scene.open_hearing}",
            f"/hearings/{scene.held_hearing}",
            f"/hearings/{scene.upcoming_hearing}",
            f"/hearings/{scene.open_hearing}?position=oppose",
        ],
        "hearings.campaign": [
            f"/hearings/{scene.open_hearing}/campaigns/{scene.published_campaign}",
        ],
        "testimony.submit": [
            f"/hearings/{scene.open_hearing}/testimony/new",
            # A hearing not taking testimony explains why instead of showing the form.
            f"/hearings/{scene.held_hearing}/testimony/new",
        ],
        "testimony.receipt": [f"/receipts/{scene.receipt}"],
        "testimony.amend": [f"/receipts/{scene.receipt}/amend"],
        "testimony.withdraw": [f"/receipts/{scene.receipt}/withdraw"],
        "identity.act": list(scene.identity_links),
        "accounts.login": ["/staff/login"],
        "speaking_public.place": [f"/speaking/{scene.speaker_link}"],
        "speaking_public.cancel": [f"/speaking/{scene.speaker_link}/cancel-place"],
        "speaking_public.receipt_cancel": [f"/receipts/{scene.receipt}/cancel-place"],
        "speaking_display.now_speaking": [
            f"/hearings/{scene.open_hearing}/now-speaking",
            f"/hearings/{scene.open_hearing}/now-speaking?view=projector",
        ],
        "following.follow": [f"/hearings/{scene.open_hearing}/follow"],
        "following.remind": [
            f"/hearings/{scene.upcoming_hearing}/remind",
            # An open hearing has nothing to remind of: the page says so.
            f"/hearings/{scene.open_hearing}/remind",
        ],
        "following.sent": [f"/following/check-your-email?hearing={scene.open_hearing}"],
        "following.confirm": [scene.follow_confirm],
        "following.manage": [scene.follow_manage],
        "following.unsubscribe": [scene.follow_unsubscribe],
        "following.no_outcomes": [scene.follow_no_outcomes],
        "speaking_display.kiosk": [f"/kiosk/{scene.kiosk}"],
        "signins.sign_in": [
            f"/hearings/{scene.open_hearing}/positions/new",
            f"/hearings/{scene.held_hearing}/positions/new",
        ],
        "signins.receipt": [f"/positions/{scene.sign_in_receipt}"],
        "signins.change": [f"/positions/{scene.sign_in_receipt}/change"],
        "signins.withdraw": [f"/positions/{scene.sign_in_receipt}/withdraw"],
        "signins.identity_link": list(scene.sign_in_links),
        "api_docs.docs": ["/api/v1/docs"],
        # Without a walk-in just signed up, the thank-you page leads back to the empty form.
        "speaking_display.kiosk_done": [f"/kiosk/{scene.kiosk}/done"],
    }


def staff_pages(scene: Scene) -> dict[str, list[str]]:
    """What an administrator (who holds every role) can open."""
    hearing = scene.open_hearing
    return {
        "moderation.index": ["/staff/"],
        "following_admin.index": ["/staff/admin/following"],
        "organisations_admin.index": ["/staff/admin/organisations"],
        "organisations_admin.new_organisation": ["/staff/admin/organisations/new"],
        "organisations_admin.organisation": [f"/staff/admin/organisations/{scene.organisation}"],
        "organisations_admin.edit_organisation": [
            f"/staff/admin/organisations/{scene.organisation}/edit"
        ],
        "organisations_admin.archive_organisation": [
            f"/staff/admin/organisations/{scene.organisation}/archive"
        ],
        "organisations_admin.issue_key": [
            f"/staff/admin/organisations/{scene.organisation}/keys/new"
        ],
        "organisations_admin.revoke_key": [
            f"/staff/admin/organisations/{scene.organisation}/keys/{scene.api_key}/revoke"
        ],
        "moderation.queue": [
            f"/staff/hearings/{hearing}/queue",
            f"/staff/hearings/{hearing}/queue?status=approved",
            f"/staff/hearings/{hearing}/queue?campaign=yes",
            f"/staff/hearings/{hearing}/queue?automated=yes",
        ],
        "moderation.review": [
            f"/staff/testimony/{scene.pending}",
            f"/staff/testimony/{scene.approved}",
        ],
        "moderation.dashboard": [f"/staff/hearings/{hearing}/dashboard"],
        "campaigns.index": [f"/staff/hearings/{hearing}/campaigns"],
        "campaigns.show": [f"/staff/campaigns/{scene.campaign}"],
        "exports.history": [f"/staff/hearings/{hearing}/exports"],
        "exports.show": [f"/staff/exports/{scene.packet}"],
        "hearing_admin.index": ["/staff/manage/"],
        "agenda_import.upload": ["/staff/manage/import/"],
        "hearing_admin.hearing": [f"/staff/manage/hearings/{hearing}"],
        "hearing_admin.confirm_action": [
            f"/staff/manage/hearings/{hearing}/close/confirm",
            f"/staff/manage/hearings/{hearing}/cancel/confirm",
        ],
        "hearing_admin.edit_hearing": [
            f"/staff/manage/hearings/{hearing}/edit",
            f"/staff/manage/committees/{scene.committee}/hearings/new",
        ],
        "hearing_admin.body": [f"/staff/manage/bodies/{scene.body}", "/staff/manage/bodies/new"],
        "hearing_admin.language": [f"/staff/manage/languages/{scene.language}"],
        "hearing_admin.committee": [
            f"/staff/manage/committees/{scene.committee}",
            f"/staff/manage/bodies/{scene.body}/committees/new",
        ],
        "hearing_admin.measure": [
            f"/staff/manage/measures/{scene.measure}",
            f"/staff/manage/committees/{scene.committee}/measures/new",
        ],
        "hearing_admin.correct_action": [
            f"/staff/manage/committee-actions/{scene.committee_action}"
        ],
        "sign_in_moderation.index": [f"/moderation/hearings/{hearing}/sign-ins"],
        "staff_admin.users": ["/staff/admin/users"],
        "staff_admin.new_user": ["/staff/admin/users/new"],
        "staff_admin.edit_user": [f"/staff/admin/users/{scene.moderator_id}"],
        "staff_admin.audit_log": ["/staff/admin/audit"],
        "jobs_admin.index": ["/staff/admin/jobs"],
        "accounts.account": ["/staff/account"],
        "accounts.totp_setup": ["/staff/account/totp"],
        "speaking_admin.run_sheet": [f"/staff/hearings/{hearing}/run-sheet"],
        "speaking_admin.speaker": [f"/staff/hearings/{hearing}/run-sheet/speakers/{scene.speaker}"],
        "speaking_console.console": [f"/staff/hearings/{hearing}/console"],
    }


# Reached by signing in as someone with a second factor (see test_accessibility).
SECOND_FACTOR = "accounts.second_factor"

# Pages an error leads to: a missing page, a wrong method.
ERROR_PAGES = ["/no-such-page", "/language"]
