"""The demo's Burmese explanation of the three pathways, read aloud to the person: it promises
what the English promises, in the glossary's terms and the spoken register, and a demo
database made with the earlier text gets it as a new version (the old one stays)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.config import Settings
from haven.demo.accounts import seed_accounts
from haven.demo.pathways import EXPLANATION_EN, EXPLANATION_MY, EXPLANATION_MY_V1, seed_pathways
from haven.kernel.sensitivity import bind_actor
from haven.pathways import service
from haven.pathways.models import ConsentText
from haven.pathways.schemas import ConsentTextIn
from haven.security.permissions import Actor

# Each promise of the English, and the Burmese that says it (spoken register).
PROMISES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("We will not force you to fight", ("တိုက်ပွဲဝင်ဖို့", "အတင်း မခိုင်းပါဘူး")),
    ("change your choice later", ("နောက်မှ ပြောင်းချင်ရင်လည်း ပြောင်းလို့ ရပါတယ်",)),
    ("Serve in the receiving force", ("လက်ခံထားတဲ့ တပ်ဖွဲ့ထဲမှာ", "အမှုထမ်း")),
    ("with your rank and position", ("အဆင့်နှင့် ရာထူး",)),
    ("Go home and live peacefully with your family", ("အိမ်ပြန်", "မိသားစု", "အေးအေးချမ်းချမ်း")),
    ("we will assess with you whether it is safe", ("လုံခြုံမလား", "အတူတူ", "စစ်ဆေးကြည့်ပါမယ်")),
    ("support you with livelihood and training", ("အသက်မွေးဝမ်းကျောင်း", "သင်တန်း", "ကူညီ")),
    ("relocate in exile", ("နိုင်ငံရပ်ခြား", "ပြောင်းရွှေ့")),
    (
        "step by step from documents to travel to arrival",
        ("တစ်ဆင့်ချင်း", "စာရွက်စာတမ်း", "ခရီး", "ရောက်တဲ့အထိ"),
    ),
    ("Children are never asked to serve", ("ကလေး", "ဘယ်တော့မှ မမေးပါဘူး")),
)
# Written-register words that sound bookish read aloud, and the wrong terms of version 1.
WRITTEN = (r"သည်", r"ပါသည်", r"၏", r"၍", r"မည်", r"သင့်", r"ရာထူး၊ တာဝန်", r"တပ်တွင်")
SPOKEN_ENDINGS = ("ပါတယ်", "ပါမယ်", "ပါဘူး")


def test_the_burmese_explanation_makes_every_promise_of_the_english() -> None:
    for english, burmese in PROMISES:
        assert english in EXPLANATION_EN, english
        for words in burmese:
            assert words in EXPLANATION_MY, (english, words)
    # Version 1 dropped the safety assessment, livelihood and training, and the steps.
    assert "လုံခြုံ" not in EXPLANATION_MY_V1
    assert "သင်တန်း" not in EXPLANATION_MY_V1


def test_the_burmese_explanation_is_in_the_spoken_register() -> None:
    for pattern in WRITTEN:
        assert not re.search(pattern, EXPLANATION_MY), pattern
    sentences = [s.strip() for s in EXPLANATION_MY.split("။") if s.strip()]
    assert len(sentences) >= 10
    for sentence in sentences:
        assert sentence.endswith(SPOKEN_ENDINGS), sentence
        assert len(sentence) <= 110, sentence  # short: it is read aloud


def _texts(db: Session, organisation_id: object, language: str) -> list[tuple[int, str]]:
    rows = db.scalars(
        select(ConsentText)
        .where(ConsentText.organisation_id == organisation_id, ConsentText.language == language)
        .order_by(ConsentText.version)
    )
    return [(t.version, t.body) for t in rows]


def test_a_demo_database_with_the_first_text_gets_the_new_one_as_a_new_version(
    db: Session, fast_settings: Settings
) -> None:
    bind_actor(db, Actor.system("demo"))
    seed_accounts(db, fast_settings)
    worker = accounts.user_by_username(db, "caseworker")
    assert worker is not None
    organisation_id = worker.organisation_id
    for language, body in (("en", EXPLANATION_EN), ("my", EXPLANATION_MY_V1)):
        service.add_consent_text(
            db,
            Actor.system("demo"),
            ConsentTextIn(language=language, text=body),
            organisation_id=organisation_id,
        )
    assert seed_pathways(db) == 0  # seeded before: no new choices
    assert _texts(db, organisation_id, "my") == [(1, EXPLANATION_MY_V1), (2, EXPLANATION_MY)]
    assert _texts(db, organisation_id, "en") == [(1, EXPLANATION_EN)]
    seed_pathways(db)
    assert len(_texts(db, organisation_id, "my")) == 2  # the same text is not added twice
