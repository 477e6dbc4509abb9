"""The legal framework as a value, and the words pages and documents use for it.

International armed conflict: the Third Geneva Convention (GC III) binds as such, and a
person registered by the prisoner-of-war registry is a prisoner of war under it.

Non-international armed conflict: the Conventions' prisoner-of-war status does not apply as
such; Common Article 3 and customary international humanitarian law bind. The detaining party
applies GC III's standards by its own commitment (a unilateral declaration, or a special
agreement under Common Article 3), and documents say so, citing the commitment's date and
reference, instead of claiming Convention status.

Pages translate the `statement` (a msgid); documents printed in English and Burmese side by
side (capture cards, certificates, notices) take the `Bilingual` lines, written here once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from haven.i18n import N_, Text
from haven.programme.schemas import Commitment, Conflict

_MYANMAR_DIGITS = str.maketrans("0123456789", "၀၁၂၃၄၅၆၇၈၉")

_COMMITMENT_MY = {
    Commitment.UNILATERAL_DECLARATION: "တစ်ဖက်သတ် ကြေညာချက်",
    Commitment.SPECIAL_AGREEMENT: "အထူး သဘောတူညီချက်",
}
_COMMITMENT_EN = {
    Commitment.UNILATERAL_DECLARATION: "unilateral declaration",
    Commitment.SPECIAL_AGREEMENT: "special agreement",
}
_STATEMENT = {
    Commitment.UNILATERAL_DECLARATION: N_(
        "Non-international armed conflict: Common Article 3 of the Geneva Conventions and "
        "customary international humanitarian law bind, and the Conventions' prisoner-of-war "
        "status does not apply as such. Persons detained in relation to the conflict are "
        "treated as prisoners of war under the unilateral declaration of {date} ({reference}), "
        "which applies the standards of the Third Geneva Convention."
    ),
    Commitment.SPECIAL_AGREEMENT: N_(
        "Non-international armed conflict: Common Article 3 of the Geneva Conventions and "
        "customary international humanitarian law bind, and the Conventions' prisoner-of-war "
        "status does not apply as such. Persons detained in relation to the conflict are "
        "treated as prisoners of war under the special agreement of {date} ({reference}), "
        "which applies the standards of the Third Geneva Convention."
    ),
}
INTERNATIONAL_STATEMENT = N_(
    "International armed conflict: the Third Geneva Convention (1949) applies as such, and "
    "the persons registered here are prisoners of war under it."
)


class Bilingual(NamedTuple):
    """One text in English and in Burmese, as bilingual documents print it."""

    en: str
    my: str

    @property
    def both(self) -> str:
        return f"{self.en} / {self.my}"


def myanmar_digits(text: str) -> str:
    return text.translate(_MYANMAR_DIGITS)


@dataclass(frozen=True)
class LegalFramework:
    """An organisation's legal framework; `recorded` is False when nobody has set it yet (it
    then reads as an international armed conflict, Haven's wording before the setting)."""

    organisation_id: uuid.UUID
    conflict: Conflict = Conflict.INTERNATIONAL
    commitment_kind: Commitment | None = None
    commitment_date: date | None = None
    commitment_reference: str | None = None
    recorded: bool = False
    updated_at: datetime | None = None

    @property
    def international(self) -> bool:
        return self.conflict is Conflict.INTERNATIONAL

    def _commitment(self) -> tuple[Commitment, str, str]:
        kind = self.commitment_kind or Commitment.UNILATERAL_DECLARATION
        when = self.commitment_date.isoformat() if self.commitment_date else "—"
        return kind, when, self.commitment_reference or "—"

    @property
    def statement(self) -> Text:
        """The sentence pages show (translated in the reader's language)."""
        if self.international:
            return Text(INTERNATIONAL_STATEMENT)
        kind, when, reference = self._commitment()
        return Text(_STATEMENT[kind], {"date": when, "reference": reference})

    @property
    def status_line(self) -> Bilingual:
        """How a document names the person held: under GC III, or by the commitment."""
        if self.international:
            return Bilingual(
                "Prisoner of war under the Third Geneva Convention (1949)",
                "၁၉၄၉ ခုနှစ် ဂျနီဗာ တတိယ သဘောတူစာချုပ်အရ စစ်သုံ့ပန်း",
            )
        kind, when, reference = self._commitment()
        return Bilingual(
            "Person detained in relation to the conflict — treated as a prisoner of war under "
            f"the {_COMMITMENT_EN[kind]} of {when} ({reference})",
            f"ပဋိပက္ခနှင့် စပ်လျဉ်း၍ ထိန်းသိမ်းထားသူ — {when} ရက်စွဲပါ {_COMMITMENT_MY[kind]} "
            f"({reference}) အရ စစ်သုံ့ပန်းအဖြစ် ဆက်ဆံသည်",
        )

    @property
    def basis(self) -> Bilingual:
        """The footer of every document: which law binds, and how."""
        if self.international:
            return Bilingual(
                "International armed conflict: the Third Geneva Convention (1949) applies.",
                "နိုင်ငံတကာ လက်နက်ကိုင် ပဋိပက္ခ — ၁၉၄၉ ခုနှစ် ဂျနီဗာ တတိယ သဘောတူစာချုပ် အကျုံးဝင်သည်။",
            )
        kind, when, reference = self._commitment()
        return Bilingual(
            "Non-international armed conflict: Common Article 3 of the Geneva Conventions and "
            "customary international humanitarian law apply; prisoner-of-war status under the "
            "Third Geneva Convention does not apply as such. Its standards are applied by the "
            f"detaining party's {_COMMITMENT_EN[kind]} of {when} ({reference}).",
            "နိုင်ငံတကာ မဟုတ်သော လက်နက်ကိုင် ပဋိပက္ခ — ဂျနီဗာ သဘောတူစာချုပ်များ၏ ဘုံအပိုဒ် ၃ "
            "နှင့် ဓလေ့ထုံးတမ်းဆိုင်ရာ အပြည်ပြည်ဆိုင်ရာ လူသားချင်းစာနာမှု ဥပဒေ အကျုံးဝင်သည်။ "
            "ဂျနီဗာ တတိယ သဘောတူစာချုပ်ပါ စစ်သုံ့ပန်း အခြေအနေသည် တိုက်ရိုက် အကျုံးမဝင်ပါ။ "
            f"၎င်း၏ စံနှုန်းများကို ထိန်းသိမ်းထားသည့်ဘက်၏ {when} ရက်စွဲပါ "
            f"{_COMMITMENT_MY[kind]} ({reference}) အရ ကျင့်သုံးသည်။",
        )

    def article(self, number: str) -> Bilingual:
        """The citation after a document's title: the article itself, or its standard applied
        by commitment."""
        my_number = myanmar_digits(number)
        if self.international:
            return Bilingual(f"(GC III Art. {number})", f"(ဂျနီဗာ တတိယ သဘောတူစာချုပ် အပိုဒ် {my_number})")
        return Bilingual(
            f"(standards of GC III Art. {number}, applied by commitment)",
            f"(ဂျနီဗာ တတိယ သဘောတူစာချုပ် အပိုဒ် {my_number} ၏ စံနှုန်းများ — ကတိကဝတ်အရ ကျင့်သုံးသည်)",
        )
