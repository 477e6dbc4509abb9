"""The Burmese catalog renders: one plural form, placeholders kept, every count, the pages
whose English words have several meanings (issue 26)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.messages.pofile import read_po
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven import i18n
from haven.accounts import mfa
from haven.accounts.models import Organisation, User
from haven.accounts.sessions import actor_for
from haven.allowances import entitlements
from haven.allowances.entitlements import StatementState
from haven.config import Settings
from haven.pathways.lifecycle import CaseStatus, HomeStatus
from haven.pow.schemas import PayCategory
from haven.security import webauthn as wa
from haven.security.permissions import Actor, Role
from haven.web.templating import ENVIRONMENT
from tests import factories as f
from tests.allowances import support as s
from tests.security.helpers import SoftAuthenticator, enrol_totp, login_with_totp
from tests.vetting.support import case_of, clear_person

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "haven" / "translations" / "my" / "LC_MESSAGES" / "messages.po"
PERCENT = re.compile(r"%\((?P<name>[a-z_]+)\)(?P<kind>[sd])")
BRACES = re.compile(r"\{(?P<name>[a-z_]+)\}")
COUNTS = (0, 1, 2, 10)


@dataclass(frozen=True)
class Entry:
    context: str | None
    ids: tuple[str, ...]  # the msgid, and the plural msgid when there is one
    strings: tuple[str, ...]  # the translation, one per plural form

    @property
    def plural(self) -> bool:
        return len(self.ids) > 1


def _entries() -> Iterator[Entry]:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="my")
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        yield Entry(message.context, tuple(map(str, ids)), tuple(map(str, strings)))


TRANSLATED = [e for e in _entries() if all(e.strings)]


def _placeholders(text: str) -> set[str]:
    return {m.group(0) for m in PERCENT.finditer(text)} | {
        m.group(0) for m in BRACES.finditer(text)
    }


def _values(text: str) -> dict[str, object]:
    values: dict[str, object] = {
        m["name"]: 7 if m["kind"] == "d" else "x" for m in PERCENT.finditer(text)
    }
    values.update({m["name"]: "x" for m in BRACES.finditer(text)})
    return values


def _render(msgstr: str, template: str, count: int) -> str:
    """The translation filled in as Haven fills it: `%` for python-format messages (templates
    always format with `%`), `str.format` for `{name}` ones (`Text`)."""
    values = _values(template)
    values.update({name: count for name in ("num", "count", "n") if name in values})
    text = msgstr
    if PERCENT.search(template):
        text = text % values
    if BRACES.search(template):
        text = text.format(**values)
    return text


def test_the_catalog_declares_one_plural_form_and_every_plural_entry_has_one() -> None:
    header = PO.read_text(encoding="utf-8")
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in header
    plural = [e for e in _entries() if e.plural]
    assert plural, "the catalog has plural entries"
    assert [e.ids[0] for e in plural if len(e.strings) != 1] == []


def _problems(entry: Entry) -> Iterator[str]:
    expected = _placeholders(entry.ids[0])
    for msgstr in entry.strings:
        if _placeholders(msgstr) != expected:
            yield f"placeholders differ: {msgstr!r}"
        # No stray % or brace the English lacks: templates format every message with %.
        bare = PERCENT.sub("", BRACES.sub("", msgstr))
        bare_id = PERCENT.sub("", BRACES.sub("", entry.ids[0]))
        for mark in ("%", "{", "}"):
            if bare.count(mark) > bare_id.count(mark):
                yield f"a stray {mark!r}: {msgstr!r}"
    for count in COUNTS:
        if entry.plural and entry.context:
            text = i18n.npgettext(entry.context, entry.ids[0], entry.ids[1], count, "my")
        elif entry.plural:
            text = i18n.ngettext(entry.ids[0], entry.ids[1], count, "my")
        elif entry.context:
            text = i18n.pgettext(entry.context, entry.ids[0], "my")
        else:
            text = i18n.gettext(entry.ids[0], "my")
        if text not in entry.strings:
            yield "the compiled catalog is stale: run `make messages`"
        try:
            rendered = _render(text, entry.ids[0], count)
        except (KeyError, IndexError, TypeError, ValueError) as error:
            yield f"does not render for {count}: {error!r}"
            continue
        if entry.plural and str(count) not in rendered:
            yield f"the count {count} is lost: {rendered!r}"


def test_every_translation_keeps_its_placeholders_and_renders_for_every_count() -> None:
    assert len(TRANSLATED) > 1000
    problems = {
        f"{entry.context or ''}|{entry.ids[0]}": found
        for entry in TRANSLATED
        if (found := sorted(set(_problems(entry))))
    }
    assert problems == {}


def test_message_contexts_translate_one_english_word_by_its_meaning() -> None:
    # Labels declared with a context keep their English everywhere English is shown.
    assert HomeStatus.RETURNED.label == "Returned"
    assert str(HomeStatus.RETURNED.label) == "Returned"
    assert i18n.render(HomeStatus.RETURNED.label, "en") == "Returned"
    # Going home: back home, never "handed back".
    home = i18n.render(HomeStatus.RETURNED.label, "my")
    assert "အိမ်ပြန်" in home
    assert "ပြန်ပေး" not in home
    assert i18n.pgettext("an article handed back", "Returned", "my") == "ပြန်ပေးပြီး"
    # An instalment that is due is owed, not "to be sent"; a capture card is to be sent.
    owed = i18n.render(StatementState.DUE.label, "my")
    assert "ပို့ရန်" not in owed
    assert "ပေးရန်" in owed
    assert "ပို့ရန်" not in i18n.pgettext("date an instalment or a task is due", "Due", "my")
    assert i18n.pgettext("a capture card to be sent", "Due", "my") == "ပို့ရန်ရှိ"
    # A record's state is never a rank; "Added" before a count is not a date.
    state = i18n.pgettext("status of a record", "State", "my")
    assert "အဆင့်" not in state
    assert "အခြေအနေ" in state
    assert "ရက်" not in i18n.pgettext("how many were added", "Added", "my")
    assert "ရက်" in i18n.pgettext("date added", "Added", "my")
    # An open case is open, not "to open".
    assert i18n.render(CaseStatus.OPEN.label, "my") == "ဖွင့်ထားဆဲ"


def test_the_nco_category_of_article_60_says_non_commissioned_officers() -> None:
    label = i18n.render(PayCategory.SERGEANT.label, "my")
    assert "တပ်ကြပ်ကြီး" in label
    assert "အရာခံ" in label
    assert "မဟုတ်" not in label  # "not NCOs" was the opposite of the Convention
    article = i18n.gettext("Advances of pay (Art. 60)", "my")
    assert "အပိုဒ် ၆၀" in article
    assert "ပုဒ်မ" not in article


def _burmese_admin(client: TestClient, db: Session, org: Organisation) -> User:
    admin = f.user(db, organisation=org, username="admin.my", language="my")
    enrol_totp(db, admin)
    login_with_totp(client, username="admin.my")
    return admin


def test_the_burmese_user_page_renders_with_0_1_and_2_second_factors(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    _burmese_admin(client, db, org)
    user = f.user(
        db, organisation=org, role=Role.CASE_WORKER, username="factors.my", settings=fast_settings
    )

    def factors_cell() -> str:
        page = client.get(f"/users/{user.id}")
        assert page.status_code == 200, page.text
        assert '<html lang="my"' in page.text
        return str(page.text).split('id="user-factors">')[1].split("</dd>")[0]

    assert factors_cell() == "မရှိ"
    enrol_totp(db, user)
    assert factors_cell() == "1 ခု ထည့်သွင်းထားသည်"
    rp = wa.relying_party("http://testserver/")
    actor = actor_for(user)
    options, challenge = mfa.webauthn_registration_options(db, actor, user, rp=rp)
    mfa.register_webauthn(
        db,
        actor,
        user,
        rp=rp,
        response=SoftAuthenticator().register(options),
        challenge=challenge,
        name="blue key",
    )
    assert mfa.factors_of(db, user.id).count == 2
    assert factors_cell() == "2 ခု ထည့်သွင်းထားသည်"


def test_state_beside_a_person_in_the_burmese_vetting_queue_is_not_a_rank(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    f.user(
        db,
        organisation=org,
        role=Role.VETTING_OFFICER,
        username="vo.my",
        settings=fast_settings,
        language="my",
    )
    event = f.receive(db, Actor.system(), site_id=site.id, name_latin="Min Thu")
    case_of(db, event.person_id)  # type: ignore[attr-defined]
    f.login(client, username="vo.my")
    page = client.get("/vetting").text
    assert "Min Thu" in page
    header = page.split('id="vetting-queue">')[1].split("</thead>")[0]
    cells = re.findall(r'<th scope="col">([^<]*)</th>', header)
    person = cells.index("ပုဂ္ဂိုလ်")  # Person, then its state beside it
    assert cells[person + 1] == "ဆောင်ရွက်မှု အခြေအနေ"
    assert "အဆင့်" not in cells[person + 1]


def test_due_on_a_burmese_allowance_statement_is_not_to_be_sent(
    app: FastAPI, client: TestClient, db: Session, fast_settings: Settings
) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    s.fund_everything(db, w)
    pid = s.person(db, w, received_on=date(2026, 3, 10))
    clear_person(db, pid)
    entitlements.recompute(db, s.SYSTEM, [pid])
    f.user(
        db,
        organisation=w.org,
        role=Role.FINANCE_OFFICER,
        username="cash.my",
        settings=fast_settings,
        language="my",
    )
    f.login(client, username="cash.my")
    page = client.get(f"/allowances/people/{pid}?form=full").text
    table = page.split('id="statement-lines">')[1].split("</table>")[0]
    header = re.findall(r"<th scope=\"col\">([^<]*)</th>", table.split("</thead>")[0])
    assert header[0] == "သတ်မှတ်ရက်"  # the date an instalment is due
    assert header[2] == "ဆောင်ရွက်မှု အခြေအနေ"
    assert "ပို့ရန်" not in table
    assert "ပေးရန်ရှိ" in table  # an instalment owed and not yet paid


def test_a_msgid_with_a_context_is_the_english_string_and_translates_in_its_context() -> None:
    state = i18n.NC_("status of a record", "State")
    assert state == "State"
    assert {state: 1}["State"] == 1
    assert json.dumps({"label": state}) == '{"label": "State"}'
    assert i18n.gettext(state, "en") == "State"
    assert i18n.gettext(state, "my") == "ဆောင်ရွက်မှု အခြေအနေ"
    assert i18n.gettext("State", "my") != i18n.gettext(state, "my")  # no context: another entry
    assert i18n.Text(state).render("my") == "ဆောင်ရွက်မှု အခြေအနေ"
    template = ENVIRONMENT.from_string(
        '{{ pgettext("status of a record", "State") }}|'
        '{{ npgettext("c", "%(num)d x", "%(num)d xs", 2) }}'
    )
    token = i18n.current_language.set("my")
    try:
        assert template.render() == "ဆောင်ရွက်မှု အခြေအနေ|2 xs"
    finally:
        i18n.current_language.reset(token)
