"""The reception form as an XLSForm: pyxform converts it, and it matches the import."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pyxform import xls2xform
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.config import Settings
from haven.errors import PermissionDenied
from haven.forces.public import ensure_reference_data
from haven.reception import importing, xlsform
from haven.security.permissions import Role
from tests import factories as f


def sheet_rows(content: bytes, title: str) -> list[dict[str, object]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(workbook[title].iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


def test_the_published_xlsform_converts_with_pyxform_and_matches_the_import(
    db: Session, tmp_path: Path, fast_settings: Settings
) -> None:
    army = ensure_reference_data(db)
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    registrar = actor_for(f.registrar(db, organisation=org, site=site, settings=fast_settings))
    content = xlsform.reception_xlsform(db, registrar)

    path = tmp_path / "reception.xlsx"
    path.write_bytes(content)
    warnings: list[str] = []
    xform = xls2xform.convert(xlsform=str(path), warnings=warnings).xform
    assert warnings == []

    # Every column of the import is a question of the form, and nothing else is.
    survey = sheet_rows(content, "survey")
    fields = [r["name"] for r in survey if r["type"] not in ("begin_group", "end_group")]
    assert sorted(str(n) for n in fields) == sorted(importing.COLUMNS)
    for name in importing.COLUMNS:
        assert re.search(rf"<{name}/>", xform), name
    # No default values, no instance name (a submission list shows no one's name).
    assert all("default" not in key for key in survey[0])
    settings = sheet_rows(content, "settings")[0]
    assert "instance_name" not in settings
    assert settings["form_id"] == "haven_reception"
    assert re.fullmatch(r"[0-9a-f]{12}", str(settings["version"]))
    assert f'version="{settings["version"]}"' in xform
    # The same Haven, the same version.
    again = sheet_rows(xlsform.reception_xlsform(db, registrar), "settings")[0]
    assert again["version"] == settings["version"]

    # Labels in both languages; the choices are Haven's enumerations and the army's ranks.
    classification = next(r for r in survey if r["name"] == "classification")
    assert classification["label::English (en)"] == "Classification"
    assert classification["label::Burmese (my)"] == "အမျိုးအစား"
    choices = sheet_rows(content, "choices")
    by_list: dict[str, list[str]] = {}
    for row in choices:
        by_list.setdefault(str(row["list_name"]), []).append(str(row["name"]))
    assert by_list["classification"] == [
        "defector",
        "surrendered",
        "captured",
        "disengaged",
        "child",
    ]
    assert {"rifle", "ammunition"} <= set(by_list["weapon_kind"])
    assert "lieutenant_colonel" in by_list["rank"]
    # Every rank's choice name is read back by the import as that rank.
    lookups = importing.ImportLookups.load(db, registrar)
    for name in by_list["rank"]:
        assert lookups.ranks.find(army.id, name) is not None, name

    # Only those who receive people get the form.
    auditor = actor_for(f.user(db, organisation=org, role=Role.AUDITOR, settings=fast_settings))
    with pytest.raises(PermissionDenied):
        xlsform.reception_xlsform(db, auditor)


def test_the_api_and_the_import_page_publish_the_form(
    db: Session, client: TestClient, fast_settings: Settings
) -> None:
    ensure_reference_data(db)
    org = f.organisation(db)
    user = f.registrar(
        db, organisation=org, site=f.site(db, organisation=org), settings=fast_settings
    )
    token = f.api_token(db, user=user)
    answer = client.get("/api/receptions/xlsform", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == xlsform.MEDIA_TYPE
    assert "haven-reception-xlsform.xlsx" in answer.headers["content-disposition"]
    assert sheet_rows(answer.content, "settings")[0]["form_id"] == "haven_reception"
    assert client.get("/api/receptions/xlsform").status_code == 401
    assert client.get("/reception/xlsform.xlsx").status_code == 401  # the login page
    f.login(client, username=user.username)
    page = client.get("/reception/import")
    assert 'href="/reception/xlsform.xlsx"' in page.text
    download = client.get("/reception/xlsform.xlsx")
    assert download.status_code == 200
    assert sheet_rows(download.content, "settings")[0]["form_id"] == "haven_reception"
