"""The person's right to appeal a vetting decision: where it stands, and what the notice says.

Pure: no database. `window` says, from the decision in force and the case's last review,
whether the person may still appeal and until when; `appeal_rights` is the sentence the
decision notice prints about it. The rules (docs/vetting.md, "Due process"):

- the time limit starts when the person is told of the decision (`Decision.notified_on`) and
  ends on `Decision.appeal_closes_on`, fixed then from the setting `vetting_appeal_days`
  (default 30): the last day on which an appeal may be lodged, counted in the programme's
  time zone; before the person is told, the time is not running;
- a full clearance leaves nothing to appeal; a decision taken on appeal is final (an officers'
  review or new evidence can still change it);
- an appeal is decided by two vetting officers other than the two who took the decision
  under appeal (`haven.vetting.cases`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from haven.i18n import N_, Text
from haven.vetting.lifecycle import AppealState, Basis, Outcome, ReviewKind
from haven.vetting.models import Decision, Review

DEFAULT_APPEAL_DAYS = 30


@dataclass(frozen=True)
class AppealWindow:
    state: AppealState
    closes_on: date | None = None
    days_left: int | None = None  # 0 on the last day; negative once the limit has passed
    lodged_on: date | None = None

    @property
    def open(self) -> bool:
        """Whether an appeal may be lodged now (before the person is told, too)."""
        return self.state in (AppealState.OPEN, AppealState.NOT_NOTIFIED)

    @property
    def text(self) -> Text:
        """The window as the queue and the case show it, in the reader's language."""
        if self.state is AppealState.OPEN and self.closes_on is not None:
            if self.days_left == 0:
                return Text(N_("Last day to appeal: {date}"), {"date": self.closes_on.isoformat()})
            return Text(
                N_("Days left to appeal: {days} (until {date})"),
                {"days": self.days_left, "date": self.closes_on.isoformat()},
            )
        if self.state is AppealState.CLOSED and self.closes_on is not None:
            return Text(
                N_("Time limit for appealing passed on {date}"),
                {"date": self.closes_on.isoformat()},
            )
        if self.state is AppealState.LODGED and self.lodged_on is not None:
            return Text(N_("Appeal lodged on {date}"), {"date": self.lodged_on.isoformat()})
        return Text(self.state.label)


def closes_on(notified_on: date, appeal_days: int) -> date:
    """The last day for appealing a decision the person was told of on `notified_on`."""
    return notified_on + timedelta(days=appeal_days)


def appealable(decision: Decision) -> bool:
    """Whether the person may appeal this decision at all (whatever the date)."""
    return decision.outcome != Outcome.CLEARED and decision.basis != Basis.APPEAL


def window(decision: Decision | None, last_review: Review | None, today: date) -> AppealWindow:
    """Where the person's right to appeal `decision` (the decision in force) stands today."""
    if decision is None:
        return AppealWindow(AppealState.NO_DECISION)
    if (
        last_review is not None
        and last_review.kind == ReviewKind.APPEAL
        and last_review.appealed_decision_id == decision.id
    ):
        return AppealWindow(AppealState.LODGED, lodged_on=last_review.lodged_on)
    if decision.basis == Basis.APPEAL:
        return AppealWindow(AppealState.FINAL)
    if decision.outcome == Outcome.CLEARED:
        return AppealWindow(AppealState.NOT_APPEALABLE)
    if decision.notified_on is None or decision.appeal_closes_on is None:
        return AppealWindow(AppealState.NOT_NOTIFIED)
    last = decision.appeal_closes_on
    days = (last - today).days
    state = AppealState.OPEN if days >= 0 else AppealState.CLOSED
    return AppealWindow(state, closes_on=last, days_left=days)


def appeal_rights(current: AppealWindow, appeal_days: int) -> Text:
    """What the decision notice tells the person about appealing."""
    how = N_(
        "Tell a vetting officer or your case worker, in your own words, why you disagree: "
        "they record your appeal. Two vetting officers who did not take this decision will "
        "decide it."
    )
    if current.state is AppealState.OPEN and current.closes_on is not None:
        return Text(
            N_("You may appeal this decision until {date}. {how}"),
            {"date": current.closes_on.isoformat(), "how": Text(how)},
        )
    if current.state is AppealState.NOT_NOTIFIED:
        return Text(
            N_("You may appeal this decision within {days} days of receiving this notice. {how}"),
            {"days": appeal_days, "how": Text(how)},
        )
    if current.state is AppealState.CLOSED and current.closes_on is not None:
        return Text(
            N_(
                "The time limit for appealing this decision passed on {date}. New evidence "
                "can still reopen your case: tell a vetting officer or your case worker."
            ),
            {"date": current.closes_on.isoformat()},
        )
    if current.state is AppealState.LODGED and current.lodged_on is not None:
        return Text(
            N_(
                "Your appeal, lodged on {date}, is decided by two vetting officers who did "
                "not take this decision. This decision stays in force until then."
            ),
            {"date": current.lodged_on.isoformat()},
        )
    if current.state is AppealState.FINAL:
        return Text(
            N_(
                "This decision was taken on your appeal and cannot be appealed again. New "
                "evidence can still reopen your case."
            )
        )
    return Text(N_("This decision clears you: there is nothing to appeal."))
