"""Static assets are fingerprinted, compressed and cached for a year; pages link to them
(issue 14, what independent checkers found)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "static" / "dist"

pytestmark = pytest.mark.skipif(
    not (DIST / "manifest.json").is_file(), reason="assets not built with fingerprints"
)


def _linked(page: str) -> dict[str, str]:
    return {
        "css": re.search(r'<link rel="stylesheet" href="([^"]+)"', page).group(1),
        "js": re.search(r'import \{ initAll \} from "([^"]+)"', page).group(1),
        "icon": re.search(r'<link rel="icon" href="([^"]+)"', page).group(1),
    }


def test_pages_link_fingerprinted_assets_sent_compressed_and_immutable(client) -> None:
    links = _linked(client.get("/sign-in").get_data(as_text=True))
    assert re.fullmatch(r"/static/dist/casetrack\.[0-9a-f]{12}\.css", links["css"])
    assert re.fullmatch(r"/static/dist/govuk-frontend\.[0-9a-f]{12}\.min\.js", links["js"])
    plain = (DIST / "casetrack.css").read_bytes()
    for encoding in ("br", "gzip"):
        response = client.get(links["css"], headers={"Accept-Encoding": f"{encoding}, deflate"})
        assert response.status_code == 200
        assert response.headers["Content-Encoding"] == encoding
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.mimetype == "text/css"
        body = response.get_data()
        assert len(body) < len(plain) / 4  # really compressed
        if encoding == "gzip":
            assert gzip.decompress(body) == plain
    identity = client.get(links["js"], headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in identity.headers
    assert identity.mimetype == "text/javascript"
    assert identity.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert identity.get_data() == (DIST / "govuk-frontend.min.js").read_bytes()
    assert client.get(links["icon"]).headers["Cache-Control"].endswith("immutable")


def test_other_static_files_are_revalidated_and_pages_never_cached(client) -> None:
    plain = client.get("/static/dist/casetrack.css")
    assert plain.status_code == 200 and "immutable" not in plain.headers.get("Cache-Control", "")
    assert client.get("/sign-in").headers["Cache-Control"] == "no-store"
    assert client.get("/static/dist/casetrack.0123456789ab.css").status_code == 404
