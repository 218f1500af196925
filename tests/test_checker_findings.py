"""What the Nu HTML Checker, pa11y and axe found (issue 14), each as a user or a checker
would meet it again."""

from __future__ import annotations

import re


def test_back_link_is_inside_main(make_case, auth, make_evidence) -> None:
    case = make_case("assessed")
    item = make_evidence(case)
    auth.sign_in(case.created_by.email)
    for path in (
        f"/cases/{case.id}/refer_to_psd",
        f"/cases/{case.id}/evidence/new",
        f"/evidence/{item.id}",
        f"/evidence/{item.id}/correct",
    ):
        page = auth.client.get(path).get_data(as_text=True)
        main = page.split('<main class="govuk-main-wrapper"', 1)
        assert len(main) == 2 and "govuk-back-link" not in main[0], path
        assert "govuk-back-link" in main[1].split("</main>", 1)[0], path


def test_evidence_preview_reserves_its_size(make_case, auth, make_evidence) -> None:
    case = make_case("assessed")
    item = make_evidence(case)  # a 1 × 1 PNG
    auth.sign_in(case.created_by.email)
    page = auth.client.get(f"/evidence/{item.id}").get_data(as_text=True)
    img = re.search(r'<img src="/evidence/\d+/preview"[^>]*>', page).group(0)
    assert 'width="1"' in img and 'height="1"' in img


def test_required_department_force_select_starts_empty(signed_in, auth, make_force) -> None:
    force = make_force()
    signed_in("admin")
    page = auth.client.get("/admin/departments").get_data(as_text=True)
    select = re.search(r"<select[^>]*required[^>]*>(.*?)</select>", page, re.S)
    assert select, "the force select is required"
    first = re.search(r"<option[^>]*>", select.group(1)).group(0)
    assert 'value=""' in first
    response = auth.post("/admin/departments", {"force": "", "code": "X1", "name": "X"})
    page = response.get_data(as_text=True)
    assert "Choose the force" in page and "could not coerce" not in page
    response = auth.post(
        "/admin/departments", {"force": str(force.id), "code": "NEW_D", "name": "New department"}
    )
    assert response.status_code == 302
