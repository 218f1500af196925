"""Static assets: links to the build's fingerprinted files, served compressed and cached.

The asset build (scripts/build-assets.mjs) writes `name.<sha256 prefix>.ext` beside each
plain file, with `.br` and `.gz` copies compressed once at build time, and
static/dist/manifest.json mapping plain names to fingerprinted ones. A fingerprinted URL never
changes content, so it is sent `Cache-Control: public, max-age=31536000, immutable`, in the
best encoding the browser accepts. Without a manifest (an older build) pages link to the
plain files, which Flask serves as before (revalidated on each use).
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path

from flask import Flask, Response, current_app, request, send_from_directory, url_for

IMMUTABLE = "public, max-age=31536000, immutable"
ONE_YEAR = 31536000
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))  # best first


def init_assets(app: Flask) -> None:
    manifest = _manifest(Path(app.static_folder or "") / "dist" / "manifest.json")
    app.extensions["casetrack.assets"] = manifest
    app.jinja_env.globals["asset_url"] = asset_url


def _manifest(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def asset_url(name: str) -> str:
    """The URL of a built asset (a name in static/dist/), fingerprinted when the build made one."""
    manifest: dict[str, str] = current_app.extensions["casetrack.assets"]
    return url_for("static", filename=f"dist/{manifest.get(name, name)}")


def send_fingerprinted(filename: str) -> Response | None:
    """A fingerprinted asset, compressed as the browser accepts and cached for a year; None for
    any other static file (Flask's own static view serves it)."""
    manifest: dict[str, str] = current_app.extensions["casetrack.assets"]
    if not filename.startswith("dist/") or filename[5:] not in manifest.values():
        return None
    folder = Path(current_app.static_folder or "")
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    encoding, suffix = next(
        (
            (name, suffix)
            for name, suffix in ENCODINGS
            if request.accept_encodings[name] and (folder / f"{filename}{suffix}").is_file()
        ),
        (None, ""),
    )
    response = send_from_directory(
        folder, f"{filename}{suffix}", mimetype=mimetype, max_age=ONE_YEAR, conditional=True
    )
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = IMMUTABLE
    return response
