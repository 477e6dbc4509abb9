"""Every kind of audited event, as one enum, so the trail is queryable and stable."""

from enum import StrEnum


class AuditAction(StrEnum):
    LOGIN_SUCCEEDED = "auth.login_succeeded"
    LOGIN_FAILED = "auth.login_failed"
    LOGOUT = "auth.logout"
    SESSION_REVOKED = "auth.session_revoked"
    API_TOKEN_CREATED = "api_token.created"
    API_TOKEN_REVOKED = "api_token.revoked"
    ORGANISATION_CREATED = "organisation.created"
    SITE_CREATED = "site.created"
    USER_CREATED = "user.created"
    USER_UPDATED = "user.updated"
    USER_DEACTIVATED = "user.deactivated"
    USER_PASSWORD_CHANGED = "user.password_changed"
    USER_LANGUAGE_CHANGED = "user.language_changed"
    FORCE_CREATED = "force.created"
    RANK_CREATED = "rank.created"
    RANK_UPDATED = "rank.updated"
    UNIT_CREATED = "unit.created"
    RANK_EQUIVALENCE_ADDED = "rank_equivalence.added"
    PERSON_RECEIVED = "person.received"
    PERSON_UPDATED = "person.updated"
    PERSON_VIEWED = "person.viewed"
    FAMILY_MEMBER_ADDED = "family_member.added"
    FAMILY_MEMBER_REMOVED = "family_member.removed"
    PHOTO_SET = "person.photo_set"
    WEAPON_RECEIVED = "weapon.received"
    PEOPLE_IMPORTED = "people.imported"
    LOGIN_THROTTLED = "auth.login_throttled"
    REAUTHENTICATED = "auth.reauthenticated"
    SECOND_FACTOR_ENROLLED = "auth.second_factor_enrolled"
    SECOND_FACTOR_REMOVED = "auth.second_factor_removed"
    USER_PASSWORD_RESET = "user.password_reset"
    AUDIT_VIEWED = "audit.viewed"
    AUDIT_VERIFIED = "audit.verified"
    AUDIT_CHECKPOINT_SIGNED = "audit.checkpoint_signed"
    PERSON_ERASED = "person.erased"
    PERSON_RETENTION_SET = "person.retention_set"
    PEOPLE_EXPORTED = "people.exported"

    # --- agreements (append this domain's actions below this line) ---

    # --- allowances (append this domain's actions below this line) ---

    # --- pathways (append this domain's actions below this line) ---
    CONSENT_TEXT_ADDED = "consent_text.added"
    PATHWAY_CHOSEN = "pathway.chosen"
    CASE_OPENED = "case.opened"
    CASE_ASSIGNED = "case.assigned"
    CASE_TRANSFERRED = "case.transferred"
    CASE_STATUS_CHANGED = "case.status_changed"
    CASE_TASK_ADDED = "case_task.added"
    CASE_TASK_CHANGED = "case_task.changed"
    CASE_NOTE_ADDED = "case_note.added"
    CASE_NOTES_VIEWED = "case_note.viewed"
    REFERRAL_SENT = "referral.sent"
    REFERRAL_CHANGED = "referral.changed"
    SERVE_CHANGED = "serve.changed"
    HOME_PLAN_CHANGED = "home_plan.changed"
    HOME_VISIT_ADDED = "home_visit.added"
    EXILE_CHANGED = "exile.changed"

    # --- vetting (append this domain's actions below this line) ---
    VETTING_SCREENED = "vetting.screened"
    VETTING_HIT_RECORDED = "vetting.hit_recorded"
    VETTING_CASE_OPENED = "vetting.case_opened"
    VETTING_CASE_VIEWED = "vetting.case_viewed"
    VETTING_CASE_MOVED = "vetting.case_moved"
    VETTING_HEARING_RECORDED = "vetting.hearing_recorded"
    VETTING_ASSESSED = "vetting.assessed"
    VETTING_DECISION_PROPOSED = "vetting.decision_proposed"
    VETTING_DECISION_CONFIRMED = "vetting.decision_confirmed"
    VETTING_DECISION_WITHDRAWN = "vetting.decision_withdrawn"
    VETTING_REVIEW_OPENED = "vetting.review_opened"
    VETTING_CASE_REOPENED = "vetting.case_reopened"
    INCIDENT_RECORDED = "vetting.incident_recorded"
    INCIDENT_VIEWED = "vetting.incident_viewed"
    INCIDENTS_IMPORTED = "vetting.incidents_imported"
    EVIDENCE_ADDED = "vetting.evidence_added"
    EVIDENCE_DOWNLOADED = "vetting.evidence_downloaded"
    WATCHLIST_LOADED = "vetting.watchlist_loaded"

    # --- pow (append this domain's actions below this line) ---

    # --- matching (append this domain's actions below this line) ---
