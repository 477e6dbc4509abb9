"""Demo pathways: the explanation texts, a few choices of each pathway by the demo case
worker, tasks, a note, and referrals to the civil-society partner at each stage.

Everything goes through the services as the demo users, so it is validated and audited like
real work. Children received by the demo already have their case and child-protection task
(made at reception). Safe to run twice: once the texts exist, only an explanation that changed
is added, as a new version (the earlier version stays, as every choice names the version it
was read from).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.accounts import sessions
from haven.kernel.marks import Mark
from haven.pathways import repository, service, tracks, work
from haven.pathways.models import ConsentText
from haven.pathways.public import Pathway, without_choice
from haven.pathways.schemas import (
    ChoiceIn,
    ConsentTextIn,
    ExilePlanIn,
    HomePlanIn,
    NoteIn,
    ReferralIn,
    ReferralMove,
    SafetyIn,
    TaskIn,
)
from haven.people.public import persons_by_id
from haven.reception.public import latest_receptions, persons_received
from haven.security.permissions import Actor

EXPLANATION_EN = (
    "We will not force you to fight. You may choose one of three pathways, and you may "
    "change your choice later. 1. Serve in the receiving force with your rank and position. "
    "2. Go home and live peacefully with your family; we will assess with you whether it is "
    "safe, and support you with livelihood and training. 3. Be helped to relocate in exile, "
    "step by step from documents to travel to arrival. Children are never asked to serve."
)
# Version 1 of the Burmese explanation, kept so that a demo database made with it gets the
# rewritten text as a new version (texts are versioned, never edited). It dropped promises the
# English makes and read "rank and position" as "position, duty": do not use it.
EXPLANATION_MY_V1 = (
    "သင့်ကို တိုက်ပွဲဝင်ရန် အတင်းအကျပ် မခိုင်းပါ။ လမ်းကြောင်း သုံးခုမှ တစ်ခုကို ရွေးချယ်နိုင်ပြီး "
    "နောက်ပိုင်းတွင် ပြောင်းလဲနိုင်ပါသည်။ ၁။ လက်ခံသည့် တပ်တွင် သင့်ရာထူး၊ တာဝန်ဖြင့် အမှုထမ်းခြင်း။ "
    "၂။ မိသားစုနှင့်အတူ အိမ်ပြန်၍ ငြိမ်းချမ်းစွာ နေထိုင်ခြင်း။ ၃။ နိုင်ငံရပ်ခြားသို့ ပြောင်းရွှေ့နေထိုင်ရန် "
    "ကူညီခြင်း။ ကလေးများကို တပ်တွင် အမှုထမ်းရန် ဘယ်တော့မှ မမေးပါ။"
)
# Read aloud to the person: the spoken register (-ပါတယ်, -ပါမယ်, -ပါဘူး), short sentences, the
# glossary's terms (docs/glossary.md), and exactly the English promises: serve in the force that
# received the person, with their rank and position; go home, with a safety assessment made
# with them and support for livelihood and training; exile, helped step by step from documents
# to travel to arrival; children are never asked to serve.
EXPLANATION_MY = (
    "တိုက်ပွဲဝင်ဖို့ ဘယ်သူ့ကိုမှ အတင်း မခိုင်းပါဘူး။ လမ်းကြောင်း သုံးခု ရှိပါတယ်။ "
    "အဲဒီထဲက တစ်ခုကို ကိုယ်တိုင် ရွေးလို့ ရပါတယ်။ နောက်မှ ပြောင်းချင်ရင်လည်း ပြောင်းလို့ ရပါတယ်။ "
    "ပထမ လမ်းကြောင်းက ဒီမှာ လက်ခံထားတဲ့ တပ်ဖွဲ့ထဲမှာ ကိုယ့်ရဲ့ အဆင့်နှင့် ရာထူးနဲ့ "
    "အမှုထမ်းတာ ဖြစ်ပါတယ်။ "
    "ဒုတိယ လမ်းကြောင်းက အိမ်ပြန်ပြီး မိသားစုနဲ့ အေးအေးချမ်းချမ်း နေတာ ဖြစ်ပါတယ်။ "
    "ပြန်သွားရင် လုံခြုံမလား ဆိုတာကို အတူတူ ထိုင်ပြီး စစ်ဆေးကြည့်ပါမယ်။ "
    "အသက်မွေးဝမ်းကျောင်းနဲ့ သင်တန်းအတွက်လည်း ကူညီပေးပါမယ်။ "
    "တတိယ လမ်းကြောင်းက နိုင်ငံရပ်ခြားမှာ ပြောင်းရွှေ့ နေထိုင်ဖို့ ကူညီပေးတာ ဖြစ်ပါတယ်။ "
    "စာရွက်စာတမ်း လုပ်တာကနေ ခရီးသွားတာ၊ ဟိုကို ရောက်တဲ့အထိ တစ်ဆင့်ချင်း ကူညီပေးပါမယ်။ "
    "ကလေးတွေကိုတော့ တပ်ဖွဲ့ထဲမှာ အမှုထမ်းဖို့ ဘယ်တော့မှ မမေးပါဘူး။"
)
PARTNER = "Civil-society partner (demo)"


def _user_actor(session: Session, username: str) -> Actor | None:
    user = accounts.user_by_username(session, username)
    return sessions.actor_for(user) if user is not None else None


def _current_text(
    session: Session, actor: Actor, organisation_id: uuid.UUID, language: str, body: str
) -> ConsentText:
    """The latest explanation in `language`, with `body` added as a new version when the
    latest says something else (a demo database made with an earlier text gets this one)."""
    latest = repository.latest_consent_text(session, organisation_id, language)
    if latest is not None and latest.body == body:
        return latest
    return service.add_consent_text(
        session,
        actor,
        ConsentTextIn(language=language, text=body),
        organisation_id=organisation_id,
    )


def seed_pathways(session: Session) -> int:
    """Add the demo pathways work; returns how many choices were recorded."""
    worker = _user_actor(session, "caseworker")
    partner_worker = _user_actor(session, "partner-caseworker")
    partner = accounts.organisation_by_name(session, PARTNER)
    if worker is None or partner_worker is None or partner is None:
        return 0
    organisation_id = worker.organisation_id
    if organisation_id is None:
        return 0
    system = Actor.system("demo")
    seeded = repository.latest_consent_text(session, organisation_id, "en") is not None
    texts = {
        language: _current_text(session, system, organisation_id, language, body)
        for language, body in (("en", EXPLANATION_EN), ("my", EXPLANATION_MY))
    }
    if seeded:
        return 0
    received = latest_receptions(session, persons_received(session, organisation_id))
    adults_received = [
        person_id
        for person_id, event in received.items()
        if event.classification in ("defector", "disengaged")
    ]
    persons = persons_by_id(session, adults_received)
    earliest_first = sorted(
        (p for p in persons.values() if p.organisation_id == organisation_id),
        key=lambda p: (p.created_at, str(p.id)),
    )
    adults = without_choice(session, [p.id for p in earliest_first])[:9]
    plan = [Pathway.HOME, Pathway.SERVE, Pathway.EXILE] * 3
    today = datetime.now(UTC).date()
    chosen = 0
    for index, (person_id, pathway) in enumerate(zip(adults, plan, strict=False)):
        language = "my" if index % 2 else "en"
        choice = service.record_choice(
            session,
            worker,
            person_id,
            ChoiceIn(
                pathway=pathway,
                language=language,
                consent_text_id=texts[language].id,
                explained=True,
                statement="Synthetic demo statement.",
                statement_language="Burmese" if language == "my" else "English",
                present="Demo case worker (recorder); demo interpreter",
                former_commanders_absent=True,
                mark=Mark.THUMBPRINT if index % 3 else Mark.SIGNATURE,
                mark_attested_by="Demo case worker",
            ),
        )
        chosen += 1
        case_id = choice.case_id
        work.add_task(
            session,
            worker,
            case_id,
            TaskIn(title="Follow-up call", due_on=today + timedelta(days=3 + index)),
        )
        if pathway is Pathway.HOME and index == 0:
            tracks.plan_home(
                session,
                worker,
                case_id,
                HomePlanIn(
                    township="Demoso", village="Synthetic village C", support=["livelihood"]
                ),
            )
            tracks.assess_safety(
                session,
                worker,
                case_id,
                SafetyIn(
                    regime_controlled=False,
                    risk="medium",
                    safety_plan="Synthetic plan: travel with a relative, weekly phone check.",
                ),
            )
        if pathway is Pathway.EXILE and index == 2:
            tracks.plan_exile(
                session,
                worker,
                case_id,
                ExilePlanIn(host_organisation="Synthetic refuge network", host_country="Country A"),
            )
        if index < 3:
            work.add_note(session, worker, case_id, NoteIn(text="Synthetic demo note."))
            referral = work.send_referral(
                session,
                worker,
                case_id,
                ReferralIn(
                    to_organisation_id=partner.id,
                    kind=("psychosocial", "medical", "legal")[index],
                    reason="Synthetic demo referral: what the partner needs to act.",
                ),
            )
            for status in (("accepted", "completed"), ("accepted",), ())[index]:
                work.move_referral(
                    session,
                    partner_worker,
                    referral.id,
                    ReferralMove(status=status),
                )
    return chosen
