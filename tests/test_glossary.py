"""One Burmese term per concept (docs/glossary.md): the catalog and the Burmese written in
Python (PDF labels, document titles, the demo's explanation) use the approved term and never
a rejected one.

`GLOSSARY` is the table: for each concept, the English msgids it applies to (a pattern, a
message context where one English word has several meanings), the Burmese that must appear in
their translation (any one of `approved`), and the Burmese that must not (`rejected`, patterns).
`BAD` holds the renderings issue 26 found: each must break a rule, so that the table stays
strict enough to catch them.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from haven.demo.pathways import EXPLANATION_EN, EXPLANATION_MY

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "haven" / "translations" / "my" / "LC_MESSAGES" / "messages.po"
GLOSSARY_DOC = ROOT / "docs" / "glossary.md"
MYANMAR = re.compile(r"[\u1000-\u109f]")


@dataclass(frozen=True)
class Rule:
    concept: str
    english: str  # pattern on the msgid (case-insensitive)
    approved: tuple[str, ...]  # one of these appears in the translation
    rejected: tuple[str, ...] = ()  # none of these patterns matches the translation
    context: str | None = None  # only msgids with this message context
    unless: str | None = None  # msgids matching this are another concept

    def applies(self, context: str | None, english: str) -> bool:
        if self.context is not None and context != self.context:
            return False
        if not re.search(self.english, english, re.IGNORECASE):
            return False
        return not (self.unless and re.search(self.unless, english, re.IGNORECASE))

    def broken_by(self, burmese: str) -> str | None:
        """Why `burmese` breaks the rule, or None."""
        if not any(term in burmese for term in self.approved):
            return f"{self.concept}: none of {self.approved}"
        for pattern in self.rejected:
            if re.search(pattern, burmese):
                return f"{self.concept}: rejected {pattern!r}"
        return None


GLOSSARY: tuple[Rule, ...] = (
    # Military terms
    Rule(
        "rank",
        r"\branks?\b",
        ("အဆင့်",),
        ("ရာထူး",),
        unless=r"\bpositions?\b|appointment",
    ),
    Rule("position", r"\bpositions?\b|\bappointments?\b", ("ရာထူး",), (r"ရာထူး၊ တာဝန်",)),
    Rule("rank and position", r"rank and position", ("အဆင့်နှင့် ရာထူး",), (r"ရာထူး၊ အဆင့်",)),
    Rule(
        "unit",
        r"\bunits?\b",
        ("တပ်",),
        ("တပ်ရင်း", "ယူနစ်"),
        unless=r"minor units?|smallest unit|smaller unit|birth_year, unit|village, units|battalion"
        r"|%\(unit\)s",
    ),
    Rule("battalion", r"\bbattalion", ("တပ်ရင်း",), ("တပ်ခွဲ",)),
    Rule("company", r"\bcompany\b", ("တပ်ခွဲ",)),
    Rule(
        "defection",
        r"\bdefection\b",
        ("ကူးပြောင်း",),
        ("တပ်ခွဲ", "ခွဲထွက်"),
        unless=r"defection, stipend",
    ),
    Rule(
        "defector",
        r"\bdefect(s|ed|or|ors)?\b",
        ("ကူးပြောင်း", "ဘက်ပြောင်း"),
        ("ခွဲထွက်", "တပ်ပြေး", "သစ္စာဖောက်"),
    ),
    Rule("commander", r"\bcommanders?\b", ("တပ်မှူး",), ("ခေါင်းဆောင်",)),
    Rule("non-commissioned officer", r"non-commissioned", ("အရာခံ",), (r"အရာခံ မဟုတ်",)),
    Rule("prisoner of war", r"prisoners? of war|prisoner-of-war", ("စစ်သုံ့ပန်း",), ("အကျဉ်းသား",)),
    Rule("Power on which the prisoner depends", r"Power on which", ("သက်ဆိုင်",), ("မှီခို",)),
    Rule("article of a convention", r"\bArt\.", ("အပိုဒ်",), ("ပုဒ်မ",)),
    Rule("Geneva Conventions", r"Geneva|\bGC III\b", ("ဂျနီဗာ",), ("ဂျီနီဗာ",)),
    Rule("receiving force", r"receiving force", ("လက်ခံသည့် တပ်ဖွဲ့", "လက်ခံထားတဲ့ တပ်ဖွဲ့")),
    # People and paths
    Rule(
        "serve (the pathway)",
        r"\bserv(e|ing)\b",
        ("လက်ခံသည့် တပ်ဖွဲ့", "လက်ခံထားတဲ့ တပ်ဖွဲ့"),
        (r"တပ်တွင် အမှုထမ်း", r"တပ်ထဲမှာ အမှုထမ်း"),
    ),
    Rule(
        "case",
        r"\bcases?\b",
        ("အမှုတွဲ",),
        ("ကိစ္စ",),
        unless=r"in any case|whatever the case|lower-case|upper-case",
    ),
    Rule("registrar", r"\bregistrars?\b", ("မှတ်ပုံတင် တာဝန်ခံ",), ("မှတ်ပုံတင်အရာရှိ",)),
    Rule("reception point", r"reception points?", ("လက်ခံရေးစခန်း",), ("ဂိတ်",)),
    Rule("pathway", r"\bpathways?\b", ("လမ်းကြောင်း",)),
    Rule(
        "returned home",
        r"^Returned",
        ("အိမ်ပြန်",),
        ("ပြန်ပေး",),
        context="a person came home",
    ),
    # Decisions, money, records
    Rule(
        "vetting",
        r"\bvett(ing|ed)\b",
        ("စိစစ်",),
        ("စိစစ်ရေးအရာရှိ", r"ဖြတ်ကျော်"),
    ),
    Rule(
        "cleared by vetting",
        r"\bclear(ed|ance|s)?\b",
        ("ရှင်းလင်း",),
        ("ဖြတ်ကျော်",),
        unless=r"clear the alert|clear and convincing|clear the filters",
    ),
    Rule("consent", r"\bconsent\b", ("သဘောတူခွင့်ပြုချက်",), ("သဘောတူညီချက်",), unless=r"_interest"),
    Rule("agreement", r"\bagreements?\b", ("သဘောတူညီချက်",), ("သဘောတူခွင့်ပြုချက်",)),
    Rule("allowance", r"\ballowances?\b", ("ထောက်ပံ့ငွေ",), ("ထောက်ပံ့ကြေး", "လစာ")),
    Rule(
        "pending (waiting for a decision)",
        r"^(vetting )?pending$|is already pending",
        ("စောင့်ဆိုင်း",),
        ("ဆိုင်းငံ့",),
    ),
    Rule(
        "due (an instalment or a task)",
        r"^Due$",
        ("သတ်မှတ်ရက်",),
        ("ပို့ရန်",),
        context="date an instalment or a task is due",
    ),
    Rule(
        "due (an instalment owed)",
        r"^Due$",
        ("ပေးရန်",),
        ("ပို့ရန်",),
        context="an instalment owed, not yet paid",
    ),
    Rule("due (a capture card)", r"^Due$", ("ပို့ရန်",), context="a capture card to be sent"),
    Rule("state of a record", r"^State$", ("အခြေအနေ",), ("အဆင့်",), context="status of a record"),
    Rule("added (a count)", r"^Added$", ("ထည့်ပြီး",), ("ရက်",), context="how many were added"),
    Rule(
        "open (a case or a task)",
        r"^Open$",
        ("ဖွင့်ထား",),
        ("ဖွင့်ရန်",),
        context="state of a case or a task",
    ),
    Rule(
        "grade of a position",
        r"\bgrade\b",
        ("တန်း",),
        ("အဆင့်",),
        unless=r"source|reliab",
        context="grade of a position, 1 the most senior",
    ),
    Rule(
        "role of a user",
        r"\broles?\b",
        ("အခန်းကဏ္ဍ",),
        ("ရာထူး",),
        unless=r"names? and roles?",
    ),
    # Computer words: no English left
    Rule("authenticator app", r"authenticator app", ("အတည်ပြုကုဒ် အက်ပ်",), (r"(?i)authenticator app",)),
    Rule("checkpoint", r"\bcheckpoints?\b", ("မှတ်တိုင်",), (r"(?i)checkpoint", "ဂိတ်")),
    Rule("hash", r"\bhash(es)?\b", ("ဟက်ရှ်",), (r"(?i)\bhash",)),
    Rule("JSON object", r"JSON object", ("JSON အစုအဝေး",), (r"(?i)\bobject\b",)),
)

# What issue 26 found, as (context, msgid, msgstr): each must break a rule of the table.
BAD: tuple[tuple[str | None, str, str], ...] = (
    ("status of a record", "State", "အဆင့်"),
    ("date an instalment or a task is due", "Due", "ပို့ရန်ရှိ"),
    ("an instalment owed, not yet paid", "Due", "ပို့ရန်ရှိ"),
    ("a person came home", "Returned", "ပြန်ပေးပြီး"),
    ("how many were added", "Added", "ထည့်သည့်ရက်"),
    (
        None,
        "Category II: sergeants and other non-commissioned officers",
        "အမျိုးအစား ၂ – တပ်ကြပ်ကြီးနှင့် အခြား အရာခံ မဟုတ်သော အရာရှိငယ်များ",
    ),
    (None, "Consent", "သဘောတူညီချက်"),
    (None, "Serve", "တပ်တွင် အမှုထမ်းခြင်း"),
    (
        None,
        "One per line: name | rank | unit (rank and unit optional).",
        "တစ်ကြောင်းလျှင် တစ်ဦး - အမည် | ရာထူး | တပ်ရင်း (ရာထူးနှင့် တပ်ရင်း မဖြည့်လည်း ရသည်)။",
    ),
    (None, "Role", "ရာထူးတာဝန်"),
    (None, "Defection payment by rank band", "အဆင့်အလိုက် တပ်ခွဲထွက်ချီးမြှင့်ငွေ"),
    (None, "Advances of pay (Art. 60)", "ကြိုတင်လစာ (ပုဒ်မ ၆၀)"),
    (None, "Power on which the prisoner depends", "စစ်သုံ့ပန်း မှီခိုသည့် နိုင်ငံ/အာဏာပိုင်"),
    (None, "Cleared", "စိစစ်ရေး ဖြတ်ကျော်ပြီး"),
    (None, "Set up an authenticator app", "Authenticator app တပ်ဆင်ပါ"),
    (None, "Signed checkpoints: %(count)s", "လက်မှတ်ထိုးထားသော checkpoint - %(count)s ခု"),
    (
        None,
        "Event {seq} ({event_id}) was changed: what it records no longer matches its hash.",
        "မှတ်တမ်း {seq} ({event_id}) ကို ပြင်ဆင်ထားသည် - ၎င်း၏ hash နှင့် မကိုက်ညီတော့ပါ။",
    ),
    (None, "The file must hold a JSON object.", "ဖိုင်တွင် JSON object တစ်ခု ပါရပါမည်။"),
    (None, "Unit", "တပ်ရင်း"),
    (
        None,
        "Serve in the receiving force with your rank and position.",
        "လက်ခံသည့် တပ်တွင် သင့်ရာထူး၊ တာဝန်ဖြင့် အမှုထမ်းခြင်း။",
    ),
)


def _catalog() -> Iterator[tuple[str | None, str, str]]:
    with PO.open("rb") as handle:
        for message in read_po(handle, locale="my"):
            if not message.id or not message.string:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for string in strings:
                if string:
                    yield message.context, str(ids[0]), str(string)


def _is_english(text: str) -> bool:
    return bool(re.search(r"[A-Za-z]{2}", text)) and not MYANMAR.search(text)


def _written_pairs(path: Path) -> Iterator[tuple[str, str]]:
    """(English, Burmese) written side by side in a module: the two first arguments of a call
    (`Line("Rank", "အဆင့်", …)`, `Bilingual(…)`), a pair `("CAPTURE CARD", "…")`, or one string
    `"English / Burmese"`."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        values: list[ast.expr] = []
        if isinstance(node, ast.Call):
            values = list(node.args[:2])
        elif isinstance(node, ast.Tuple) and len(node.elts) == 2:
            values = list(node.elts)
        if len(values) == 2 and all(
            isinstance(v, ast.Constant) and isinstance(v.value, str) for v in values
        ):
            english, burmese = (str(v.value) for v in values)  # type: ignore[attr-defined]
            if _is_english(english) and MYANMAR.search(burmese):
                yield english, burmese
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and " / " in node.value:
            english, _, burmese = node.value.partition(" / ")
            if _is_english(english) and MYANMAR.search(burmese):
                yield english, burmese


def _written() -> Iterator[tuple[str, str, str]]:
    for path in sorted((ROOT / "haven").rglob("*.py")):
        for english, burmese in _written_pairs(path):
            yield str(path.relative_to(ROOT)), english, burmese


def _broken(context: str | None, english: str, burmese: str) -> list[str]:
    return [
        reason
        for rule in GLOSSARY
        if rule.applies(context, english) and (reason := rule.broken_by(burmese)) is not None
    ]


def test_the_catalog_uses_the_glossary_terms() -> None:
    broken = {
        f"{context or ''}|{english}": (burmese, reasons)
        for context, english, burmese in _catalog()
        if (reasons := _broken(context, english, burmese))
    }
    assert broken == {}


def test_the_burmese_written_in_python_uses_the_glossary_terms() -> None:
    pairs = list(_written())
    assert any(english == "Rank" for _, english, _ in pairs), "the PDF labels are read"
    broken = {
        f"{where}: {english}": (burmese, reasons)
        for where, english, burmese in pairs
        if (reasons := _broken(None, english, burmese))
    }
    assert broken == {}


def test_the_demo_explanation_uses_the_glossary_terms() -> None:
    assert _broken(None, EXPLANATION_EN, EXPLANATION_MY) == []


@pytest.mark.parametrize(("context", "english", "burmese"), BAD, ids=lambda v: str(v)[:40])
def test_the_renderings_issue_26_found_break_a_rule(
    context: str | None, english: str, burmese: str
) -> None:
    assert _broken(context, english, burmese)


def test_every_concept_of_the_table_is_in_the_glossary_document() -> None:
    document = GLOSSARY_DOC.read_text(encoding="utf-8")
    for rule in GLOSSARY:
        assert any(term in document for term in rule.approved), rule.concept
    for term in ("အဆင့်", "ရာထူး", "တပ်", "တပ်ရင်း", "သဘောတူခွင့်ပြုချက်", "အပိုဒ်"):
        assert f"**{term}**" in document, term
