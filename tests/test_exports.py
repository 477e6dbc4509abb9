from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from haven.exports import safe_cell, to_csv, to_xlsx

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1+1"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_triggers_are_quoted(value: str) -> None:
    assert safe_cell(value) == "'" + value


def test_ordinary_values_are_unchanged() -> None:
    assert safe_cell("အောင်ကျော်") == "အောင်ကျော်"
    assert safe_cell(42) == 42
    assert safe_cell(-5) == -5  # a number, not text that starts with a minus
    assert safe_cell(None) == ""


def test_csv_has_no_formula_and_keeps_burmese() -> None:
    data = to_csv(["name", "note"], [["မောင်မောင်", "=1+1"]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["name", "note"], ["မောင်မောင်", "'=1+1"]]


def test_xlsx_cells_are_text_not_formulas() -> None:
    data = to_xlsx(["name", "note"], [["Aung", "=cmd|' /C calc'!A0"], ["Kyaw", 7]])
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cell = sheet["B2"]
    assert cell.data_type == "s"
    assert str(cell.value).startswith("'=")
    assert sheet["B3"].value == 7
