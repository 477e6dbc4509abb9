"""Success messages: a redirect carries one to the next page, once, in the reader's language."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.testclient import TestClient

from haven import i18n
from haven.i18n import N_
from haven.web import notices
from haven.web.templating import render

DONE = notices.register(N_("Saved."))
TRANSLATED = notices.register(N_("Log out"))  # a msgid the Burmese catalog translates


def _app() -> FastAPI:
    app = FastAPI()

    @app.post("/do")
    def do() -> Response:
        return notices.redirect("/page", DONE)

    @app.post("/leave")
    def leave() -> Response:
        return notices.redirect("/page", TRANSLATED)

    @app.get("/page")
    def page(request: Request) -> Response:
        request.state.language = request.query_params.get("language", "en")
        return render(request, "error.html", {"status": 400, "message": "x"})

    return app


def test_the_message_shows_once_on_the_next_page() -> None:
    client = TestClient(_app())
    response = client.post("/do", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/page"
    cookie = response.cookies[notices.COOKIE]
    assert cookie == DONE  # the key, never the text
    assert "Saved" not in cookie
    shown = client.get("/page")
    assert '<div class="notice success" role="status" id="notice">Saved.</div>' in shown.text
    assert notices.COOKIE not in client.cookies
    assert 'role="status"' not in client.get("/page").text


def test_the_message_is_in_the_reader_s_language() -> None:
    client = TestClient(_app())
    client.post("/leave", follow_redirects=False)
    shown = client.get("/page?language=my")
    token = i18n.current_language.set("my")
    try:
        burmese = i18n.gettext("Log out")
    finally:
        i18n.current_language.reset(token)
    assert burmese != "Log out"
    assert f'id="notice">{burmese}</div>' in shown.text


def test_a_forged_or_stale_key_shows_nothing_and_is_cleared() -> None:
    client = TestClient(_app())
    client.cookies.set(notices.COOKIE, "0123456789ab")
    shown = client.get("/page")
    assert 'id="notice"' not in shown.text
    assert shown.headers["set-cookie"].startswith(f'{notices.COOKIE}=""; ')


def test_a_fragment_leaves_the_message_for_the_page() -> None:
    client = TestClient(_app())
    client.post("/do", follow_redirects=False)
    fragment = client.get("/page", headers={"HX-Request": "true"})
    assert 'id="notice"' not in fragment.text
    assert 'id="notice"' in client.get("/page").text
