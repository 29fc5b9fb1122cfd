"""The report form in a real browser: an analyst reports the agency's own incident from the dashboard, sees the
server's refusal next to the field it names, fixes it, and corrects the record to its second version; a viewer
has no form (real Chromium against a real server on loopback, as in test_dashboard_browser)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx

from sarhad.config import load_settings
from sarhad.model.incident import incident_id
from sarhad.node import Node
from tests.integration.conftest import BROWSER_MARKS, PLACES, expect, incident, serve, shot, sign_in

pytestmark = BROWSER_MARKS

EXTENSION = "extension-definition--3a8e6f0e-2b1c-5d7a-9e4f-5a7268616401"


def _record(base: str, token: str, wanted: str) -> dict[str, Any]:
    answer = httpx.get(f"{base}/api/incidents/{wanted}", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert answer.status_code == 200, answer.text
    ext: dict[str, Any] = answer.json()["incident"]["extensions"][EXTENSION]
    return ext


def test_an_analyst_reports_an_incident_fixes_a_refused_field_and_corrects_it(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        base, token = served["base"], served["analyst"]
        sign_in(page, base, token)
        page.click("#report-open")
        expect(page.locator("#report")).to_be_visible()
        expect(page.locator("#r-source")).to_be_focused()  # the form opens on its first field
        page.keyboard.type("pk-desk-41")
        page.fill("#r-title", "Levies post attacked near Turbat")
        page.select_option("#r-precision", "days")
        page.fill("#r-from", "2025-03-05")
        page.fill("#r-to", "2025-03-01")  # before the first day: the server refuses it
        page.fill("#r-admin1", "Balochistan")
        expect(page.locator("#r-country")).to_have_value("PK")  # the province's country follows
        page.fill("#r-admin2", "Kech")
        expect(page.locator("#r-geo")).to_have_value("admin2")
        # a point picked on the map
        page.click("#r-pick")
        box = page.locator("#map").bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5)
        expect(page.locator("#r-pick")).to_have_attribute("aria-pressed", "false")
        lat, lon = float(page.input_value("#r-lat")), float(page.input_value("#r-lon"))
        assert 20 < lat < 36 and 55 < lon < 72, (lat, lon)
        expect(page.locator("#r-geo")).to_have_value("exact")
        page.check("#r-attack input[value='Armed Assault']")
        page.check("#r-target input[value='Police']")
        page.fill("#r-perp-1", "BLA")
        page.select_option("#r-attr-1", "claimed")
        page.get_by_label("killed total low").fill("3")
        page.get_by_label("killed total best").fill("4")  # high left blank: unknown; wounded and hostages too
        page.click("#r-add-figure")
        row = page.locator("#r-figures tr").last
        row.locator("[name=category]").select_option("security_forces")
        page.get_by_label("killed security forces best").fill("2")
        page.fill("#r-sources", "Levies station report 41\nDawn, 6 March 2025")
        page.select_option("#r-tlp", "GREEN")
        page.focus("#r-submit")
        page.keyboard.press("Enter")

        # The refusal stands next to the field it names; nothing typed is lost.
        error = page.locator("[data-field~=date_end] .field-error")
        expect(error).to_contain_text("date_end 2025-03-01 is before date_start 2025-03-05")
        expect(page.locator("#r-to")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#r-to")).to_be_focused()
        assert page.input_value("#r-source") == "pk-desk-41"
        assert page.get_by_label("killed total best").input_value() == "4"
        assert page.input_value("#r-admin2") == "Kech"
        shot(page, "dashboard-report-refused.png")

        page.fill("#r-to", "2025-03-07")
        page.click("#r-submit")
        new_id = incident_id("party", "PK", "pk-desk-41")
        expect(page.locator("#report-msg")).to_have_text(f"Reported: {new_id} · version 1")
        expect(page.locator(".field-error")).to_have_count(0)
        expect(page.locator("#r-to")).not_to_have_attribute("aria-invalid", "true")
        # The new record: in the detail, and (the live stream) at the top of the table.
        expect(page.locator("#detail h3")).to_have_text("Levies post attacked near Turbat")
        expect(page.locator(f"#incidents tbody tr[data-id='{new_id}']")).to_have_count(1)

        stored = _record(base, token, new_id)
        assert (stored["date_start"], stored["date_end"], stored["date_precision"]) == (
            "2025-03-05",
            "2025-03-07",
            "days",
        )
        assert stored["place"]["admin1_code"] == "PK-BA" and stored["place"]["admin2"] == "Kech"
        assert stored["place"]["lat"] == round(lat, 5) and stored["place"]["precision"] == "exact"
        assert stored["perpetrators"] == [{"name": "BLA", "attribution": "claimed"}]
        assert stored["attack_types"] == ["Armed Assault"] and stored["target_types"] == ["Police"]
        figures = {(f["measure"], f["category"]): (f["low"], f["best"], f["high"]) for f in stored["figures"]}
        assert figures == {("killed", "total"): (3, 4, None), ("killed", "security_forces"): (None, 2, None)}
        assert stored["sources"] == ["Levies station report 41", "Dawn, 6 March 2025"]

        # Correct it from the detail: the form comes back filled with the record, and posts its second version.
        page.click("#report-close")
        expect(page.locator("#report")).to_be_hidden()
        page.click("#correct")
        expect(page.locator("#report")).to_be_visible()
        expect(page.locator("#report-h")).to_have_text("Correct your report")
        expect(page.locator("#r-source")).to_have_value("pk-desk-41")
        assert page.locator("#r-source").evaluate("el => el.readOnly")
        expect(page.locator("#r-to")).to_have_value("2025-03-07")
        expect(page.get_by_label("killed total high")).to_have_value("")  # unknown stays blank
        page.get_by_label("killed total best").fill("5")
        page.get_by_label("killed total high").fill("6")
        page.click("#r-submit")
        expect(page.locator("#report-msg")).to_have_text(f"Corrected: {new_id} · version 2")
        expect(page.locator("#detail [data-testid=version]")).to_have_text("version 2")
        corrected = _record(base, token, new_id)
        figures = {(f["measure"], f["category"]): (f["low"], f["best"], f["high"]) for f in corrected["figures"]}
        assert figures == {("killed", "total"): (3, 5, 6), ("killed", "security_forces"): (None, 2, None)}
        assert corrected["place"]["lat"] == stored["place"]["lat"]
        shot(page, "dashboard-report-corrected.png")

        # A peer's record is not corrected here.
        page.click("#report-close")
        page.click(f"#incidents tbody tr[data-id='{incident_id('party', 'IR', 'ir-1')}']")
        expect(page.locator("#detail [data-testid=version]")).to_have_text("version 1")
        expect(page.locator("#correct")).to_have_count(0)


def test_a_viewer_has_no_report_form(tmp_path: Path, browser_page: tuple[Any, list[str]]) -> None:
    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        sign_in(page, served["base"], served["viewer"])
        expect(page.locator("#report-open")).to_be_hidden()
        expect(page.locator("#report")).to_be_hidden()
        page.click(f"#incidents tbody tr[data-id='{incident_id('party', 'PK', 'pk-1')}']")  # the party's own record
        expect(page.locator("#detail [data-testid=version]")).to_have_text("version 1")
        expect(page.locator("#correct")).to_have_count(0)


def test_a_refused_figure_is_marked_in_the_row_the_server_names(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        sign_in(page, served["base"], served["analyst"])
        page.click("#report-open")
        page.fill("#r-source", "pk-desk-42")
        page.fill("#r-day", "2025-06-02")
        page.get_by_label("wounded total best").fill("-1")  # the killed row, left blank, is not sent
        page.click("#r-submit")
        expect(page.locator("[data-field~=figures] .field-error")).to_contain_text("figures/0/best: -1 is less than")
        expect(page.get_by_label("wounded total best")).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_label("wounded total best")).to_be_focused()
        expect(page.get_by_label("killed total best")).not_to_have_attribute("aria-invalid", "true")
        page.get_by_label("wounded total best").fill("1")
        page.click("#r-submit")
        new_id = incident_id("party", "PK", "pk-desk-42")
        expect(page.locator("#report-msg")).to_have_text(f"Reported: {new_id} · version 1")
        stored = _record(served["base"], served["analyst"], new_id)
        assert [(f["measure"], f["low"], f["best"], f["high"]) for f in stored["figures"]] == [
            ("wounded", None, 1, None)
        ]
        assert (stored["date_start"], stored["date_end"], stored["date_precision"]) == (
            "2025-06-02",
            "2025-06-02",
            "day",
        )


def test_a_marker_opens_its_incident_and_while_picking_a_point_gives_its_spot(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    """While the analyst picks the report's point, a click that lands on another incident's marker is a click on
    the map: it takes that spot, and neither the marker's popup nor its detail opens over the half-filled form.
    Otherwise a click on a marker opens its popup and detail (the crossings' layer, drawn on a canvas of its own
    above the incidents', took every click, so no marker could be opened)."""
    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        sign_in(page, served["base"], served["analyst"])
        expect(page.locator("#map")).to_have_attribute("data-mode", "points")
        expect(page.locator("#map")).to_have_attribute("data-layers", re.compile("crossings"))
        detail_before = page.inner_text("#detail")
        page.click("#report-open")
        page.click("#r-pick")
        quetta = next(p for p in PLACES if p[1] == "pk-3")  # far from the others: its marker alone is there
        at = page.evaluate(f"window.sarhad.pixel({quetta[6]}, {quetta[7]})")
        box = page.locator("#map").bounding_box()
        assert box is not None
        x, y = box["x"] + at["x"], box["y"] + at["y"]
        page.mouse.click(x, y)
        expect(page.locator("#r-pick")).to_have_attribute("aria-pressed", "false")
        lat, lon = float(page.input_value("#r-lat")), float(page.input_value("#r-lon"))
        assert abs(lat - quetta[6]) < 0.2 and abs(lon - quetta[7]) < 0.2, (lat, lon)
        expect(page.locator(".leaflet-popup")).to_have_count(0)
        assert page.inner_text("#detail") == detail_before
        # Once the point is taken, a marker opens its incident again (a second click that soon would be a double
        # click, which zooms the map).
        page.wait_for_timeout(700)
        page.mouse.click(x, y)
        expect(page.locator(".leaflet-popup")).to_have_count(1)
        expect(page.locator("#detail h3")).to_have_text("Attack near Quetta")


def test_an_alert_pop_up_leaves_the_open_report_forms_buttons_and_message_clear(
    tmp_path: Path, browser_page: tuple[Any, list[str]]
) -> None:
    """The alerts' pop-ups stood at the window's foot on the right, where the open form has its Submit button and
    its message: an alert arriving while an analyst reports (their own report raises one) hid "Reported: …" and took
    the next click meant for Submit. With the form open they stand clear of it."""
    page, _ = browser_page
    with serve(tmp_path / "pk", PLACES) as served:
        sign_in(page, served["base"], served["analyst"])
        page.wait_for_selector("#live[data-state='on']")
        page.click("#report-open")
        page.locator("#r-submit").scroll_into_view_if_needed()  # the form's foot, as before a click on Submit
        with Node.open(load_settings(served["home"])) as node:  # 6 km from the border: the rule border-25km alerts
            node.publish([incident("PK", "pk-toast", "2025-07-02", "Mand", "Balochistan", "Kech", 26.1, 62.0, 6.0,
                                    None, 1)])  # fmt: skip
        # The boxes are read in the same moment the pop-up is found, before it could go by itself.
        covered = page.wait_for_function(
            """() => {
              const toasts = [...document.querySelectorAll('#toasts .toast')];
              if (!toasts.length) return null;
              return ['#r-submit', '#r-new', '#report-msg'].filter((sel) => {
                const b = document.querySelector(sel).getBoundingClientRect();
                const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
                return !hit || !hit.closest('#report') || toasts.some((toast) => {
                  const t = toast.getBoundingClientRect();
                  return b.left < t.right && t.left < b.right && b.top < t.bottom && t.top < b.bottom;
                });
              });
            }""",
        ).json_value()
        assert covered == [], f"the alert pop-up covers {covered} of the open report form"
        shot(page, "dashboard-report-form-alert-pop-up.png")
        box = page.locator("#r-submit").bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # the form answers: nothing filled
        expect(page.locator("#report-msg")).to_contain_text("Not saved")
