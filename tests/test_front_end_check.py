"""A missing npm install stops the server with the command to run, instead of a map without its controls."""

from __future__ import annotations

import pytest

from atlas.maps import assets
from atlas.web import vendor
from server import create_app


def test_missing_node_modules_stops_create_app_saying_what_to_run(monkeypatch, tmp_path):
    monkeypatch.setitem(assets.VENDOR_DIRS, "leaflet-draw", tmp_path / "node_modules" / "leaflet-draw" / "dist")
    with pytest.raises(vendor.MissingFrontEnd, match=r"leaflet-draw.*Run `make deps` \(or `npm ci`\)"):
        create_app({"TESTING": True})


def test_only_serving_needs_the_front_end(monkeypatch, tmp_path):
    import click

    monkeypatch.setitem(assets.VENDOR_DIRS, "leaflet-draw", tmp_path / "missing")
    with click.Context(click.Command("check-data"), info_name="check-data"):
        vendor.check_front_end()  # data commands need no browser assets
    with click.Context(click.Command("run"), info_name="run"), pytest.raises(vendor.MissingFrontEnd):
        vendor.check_front_end()  # `flask run` stops with the message
    with pytest.raises(vendor.MissingFrontEnd):
        vendor.check_front_end()  # so does gunicorn (no click context)
