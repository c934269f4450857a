"""Login, the session cookie, CSRF and the login throttle, through the real app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from scheduler.models import User
from scheduler.services.passwords import set_password
from scheduler.web.routes.auth import safe_next
from scheduler.web.security import SESSION_LIFETIME, LoginThrottle, WebSession
from tests.scheduler.conftest import Planning
from tests.scheduler.web.conftest import PASSWORD, Browser, give_password


class TestSessionCookie:
    def test_round_trip(self) -> None:
        session = WebSession(user_id=7, fingerprint="abc")
        session.flash("ok", "saved")
        decoded = WebSession.decode(session.encode())
        assert decoded is not None
        assert (decoded.user_id, decoded.fingerprint, decoded.csrf) == (7, "abc", session.csrf)
        assert decoded.flashes == [("ok", "saved")]

    def test_a_changed_cookie_is_refused(self) -> None:
        value = WebSession(user_id=7).encode()
        body, _, signature = value.rpartition(".")
        forged = WebSession(user_id=1).encode().rpartition(".")[0] + "." + signature
        assert WebSession.decode(forged) is None
        assert WebSession.decode(body + "." + "0" * len(signature)) is None
        assert WebSession.decode("garbage") is None

    def test_expiry_on_both_sides_of_the_lifetime(self) -> None:
        session = WebSession(user_id=7, issued=1_000_000.0)
        value = session.encode()
        assert WebSession.decode(value, now=1_000_000.0 + SESSION_LIFETIME) is not None
        assert WebSession.decode(value, now=1_000_000.0 + SESSION_LIFETIME + 1) is None


class TestLogin:
    def test_pages_need_a_login_and_come_back_after_it(
        self, planning: Planning, browser: Browser
    ) -> None:
        page = f"/c/{planning.cooperation_id}/people"
        response = browser.get(page, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next=/c/{planning.cooperation_id}/people"
        username = give_password(planning, planning.planner_hh)
        browser.get(response.headers["location"])
        login = browser.post(
            "/login",
            {"username": username, "password": PASSWORD, "next": page},
            follow_redirects=False,
        )
        assert login.status_code == 303
        assert login.headers["location"] == page
        assert browser.get(page).status_code == 200

    def test_a_wrong_password_says_so_without_naming_which_part(
        self, planning: Planning, browser: Browser
    ) -> None:
        username = give_password(planning, planning.planner_hh)
        wrong = browser.login(username, "not the password")
        unknown = browser.login("nobody-here", PASSWORD)
        assert wrong.status_code == unknown.status_code == 401
        assert "Onbekende gebruiker of fout wachtwoord." in wrong.text
        assert "Onbekende gebruiker of fout wachtwoord." in unknown.text

    def test_planners_land_on_the_dashboard_and_officers_on_their_duties(
        self, planning: Planning, planner_browser: Browser, officer_browser: Browser
    ) -> None:
        home = planner_browser.get("/", follow_redirects=False).headers["location"]
        assert home == f"/c/{planning.cooperation_id}/"
        home = officer_browser.get("/", follow_redirects=False).headers["location"]
        assert home == f"/c/{planning.cooperation_id}/me"

    def test_logout_ends_the_session(self, planning: Planning, planner_browser: Browser) -> None:
        page = f"/c/{planning.cooperation_id}/"
        assert planner_browser.get(page).status_code == 200
        out = planner_browser.post("/logout", follow_redirects=False)
        assert out.headers["location"] == "/login"
        assert planner_browser.get(page, follow_redirects=False).status_code == 303

    def test_a_new_password_ends_existing_sessions(
        self, planning: Planning, planner_browser: Browser
    ) -> None:
        page = f"/c/{planning.cooperation_id}/"
        assert planner_browser.get(page).status_code == 200
        with planning.session() as session:
            user = session.get(User, planning.planner_hh.user.id)
            assert user is not None
            set_password(session=session, user=user, password="another long password")
        assert planner_browser.get(page, follow_redirects=False).status_code == 303

    @pytest.mark.parametrize(
        ("target", "safe"),
        [
            ("/c/1/people?zone=HH", "/c/1/people?zone=HH"),
            ("https://evil.example/", "/"),
            ("//evil.example/", "/"),
            ("/\\evil.example", "/"),
            ("", "/"),
        ],
    )
    def test_next_stays_on_this_site(self, target: str, safe: str) -> None:
        assert safe_next(target) == safe


class TestCsrf:
    def test_a_form_without_the_token_is_refused_and_changes_nothing(
        self, planning: Planning, planner_browser: Browser
    ) -> None:
        client = planner_browser.client
        url = f"/c/{planning.cooperation_id}/people"
        person = {"code": "hh-99", "name": "Nieuw", "zone": "HH", "qualifications": "OBP"}
        for token in (None, "forged-token"):
            data = person | ({"csrf_token": token} if token else {})
            response = client.post(url, data=data)
            assert response.status_code == 403
            assert "Het formulier is verlopen" in response.text
        assert "hh-99" not in planner_browser.get(url).text
        accepted = planner_browser.post(url, person, follow_redirects=False)
        assert accepted.status_code == 303

    def test_the_login_form_needs_the_token_too(
        self, planning: Planning, app_client: TestClient
    ) -> None:
        username = give_password(planning, planning.planner_hh)
        response = app_client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 403
        home = app_client.get(f"/c/{planning.cooperation_id}/", follow_redirects=False)
        assert home.headers["location"].startswith("/login")

    def test_the_session_cookie_is_http_only_and_same_site(self, browser: Browser) -> None:
        response = browser.get("/login")
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie


class TestThrottle:
    def test_five_failures_lock_the_name_even_for_the_right_password(
        self, planning: Planning, browser: Browser
    ) -> None:
        username = give_password(planning, planning.planner_hh)
        for _ in range(5):
            assert browser.login(username, "wrong password!").status_code == 401
        locked = browser.login(username)
        assert locked.status_code == 429
        assert int(locked.headers["Retry-After"]) > 0
        assert "Te veel mislukte pogingen" in locked.text

    def test_the_window_slides_and_success_resets(self) -> None:
        now = [0.0]
        throttle = LoginThrottle(per_user=2, per_address=10, window=60, clock=lambda: now[0])
        throttle.failed(username="an", address="10.0.0.1")
        assert throttle.retry_after(username="an", address="10.0.0.1") == 0
        throttle.failed(username="AN", address="10.0.0.1")
        assert throttle.retry_after(username="an", address="10.0.0.1") == 60
        now[0] = 59.0
        assert throttle.retry_after(username="an", address="10.0.0.1") == pytest.approx(1.0)
        now[0] = 60.0
        assert throttle.retry_after(username="an", address="10.0.0.1") == 0
        throttle.failed(username="an", address="10.0.0.1")
        throttle.succeeded(username="an")
        throttle.failed(username="an", address="10.0.0.1")
        assert throttle.retry_after(username="an", address="10.0.0.1") == 0

    def test_one_address_guessing_many_names_is_limited_too(self) -> None:
        throttle = LoginThrottle(per_user=5, per_address=3, window=60, clock=lambda: 0.0)
        for name in ("a", "b", "c"):
            throttle.failed(username=name, address="10.0.0.9")
        assert throttle.retry_after(username="d", address="10.0.0.9") > 0
        assert throttle.retry_after(username="d", address="10.0.0.8") == 0


def test_errors_are_pages_for_pages_and_problem_details_for_the_api(browser: Browser) -> None:
    page = browser.get("/no/such/page")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    api = browser.get("/api/v1/no/such/thing")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"
    unauthenticated = browser.get("/api/v1/cooperations")
    assert unauthenticated.status_code == 401
    assert unauthenticated.json()["title"] == "Not authenticated"
