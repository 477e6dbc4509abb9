"""Count what a person does to finish a task: clicks and the form fields they fill.

The count is kept in the page itself, by listeners Chromium runs on every document of the
tab (`add_init_script`), so it sees exactly what reaches the page however the test drives
it: a click is a click on a link, a button or a summary (a menu or a confirmation that
unfolds); choosing a radio button, a box or an option is filling a field. A field is a
form field (by page and name) whose value the person changed, counted once however many
times it was changed. Pressing Enter to submit is not a click. The total survives page
loads in the tab's sessionStorage.

    with tally.counting(page) as task:
        ...  # the steps of the task
    assert task.clicks <= 1 and task.fields <= 3
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from playwright.sync_api import Page

_KEY = "haven-tally"

_SCRIPT = """
(() => {
  if (window.__havenTally) return;
  window.__havenTally = true;
  const KEY = 'haven-tally';
  const where = (what) => location.pathname.replace(/[0-9a-f-]{36}/g, ':id') + ' ' + what;
  const load = () => JSON.parse(sessionStorage.getItem(KEY) || 'null');
  const save = (t) => sessionStorage.setItem(KEY, JSON.stringify(t));
  // Choosing a radio, a box or an option fills a field; it is not counted as a click too.
  const CLICKABLE = 'a[href], button, input[type=submit], summary';
  document.addEventListener('click', (event) => {
    const t = load();
    if (!t || !event.isTrusted) return;
    const target = event.target.closest ? event.target.closest(CLICKABLE) : null;
    if (!target) return;
    t.clicks.push(where(target.id || target.name || target.tagName));
    save(t);
  }, true);
  const changed = (event) => {
    const t = load();
    const el = event.target;
    if (!t || !el || !el.form || !el.name) return;
    if (['submit', 'button', 'hidden'].includes(el.type)) return;
    const field = where(el.name);
    if (!t.fields.includes(field)) { t.fields.push(field); save(t); }
  };
  document.addEventListener('input', changed, true);
  document.addEventListener('change', changed, true);
})();
"""


@dataclass
class Task:
    """What the person did: `clicks` and `fields`, with where each happened."""

    click_log: list[str] = field(default_factory=list)
    field_log: list[str] = field(default_factory=list)

    @property
    def clicks(self) -> int:
        return len(self.click_log)

    @property
    def fields(self) -> int:
        return len(self.field_log)

    def go(self, page: Page, url: str) -> None:
        """Open a page the person reaches by a link of the menu or the page: one click."""
        page.goto(url)
        self.click_log.append("link to /" + url.split("//", 1)[-1].split("/", 1)[-1])

    def __str__(self) -> str:
        return f"{self.clicks} clicks {self.click_log}, {self.fields} fields {self.field_log}"


@contextmanager
def counting(page: Page) -> Iterator[Task]:
    """Count the clicks and fields of the steps inside the block (same tab, same origin)."""
    if not getattr(page, "_haven_tally", False):
        page.add_init_script(_SCRIPT)
        setattr(page, "_haven_tally", True)  # noqa: B010 - a mark on the test's own object
    page.evaluate(_SCRIPT)  # the document already open (a no-op if the script ran)
    page.evaluate("k => sessionStorage.setItem(k, JSON.stringify({clicks: [], fields: []}))", _KEY)
    task = Task()
    try:
        yield task
    finally:
        state = json.loads(page.evaluate("k => sessionStorage.getItem(k) || 'null'", _KEY))
        page.evaluate("k => sessionStorage.removeItem(k)", _KEY)
        if state is not None:
            task.click_log[:0] = state["clicks"]
            task.field_log.extend(state["fields"])
