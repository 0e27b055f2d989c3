"""Scenario evaluation API: POST a FeatureCollection of proposed works, get every park before and after (thin)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from atlas.corridors.inputs import json_problem, parse_buffer_m
from atlas.errors import BadParameter
from atlas.parks.data import query_from_args
from atlas.parks.query import parse_paging
from atlas.scenarios import saved
from atlas.scenarios.evaluate import evaluate
from atlas.scenarios.export import scenario_csv
from atlas.scenarios.link import decode_scenario
from atlas.scenarios.model import parse_scenario
from atlas.web.auth import require_editor
from atlas.web.db import get_db
from atlas.web.extension import get_store
from atlas.web.i18n import current_lang

bp = Blueprint("scenarios", __name__)
OWN_PARAMS = ("buffer_m", "limit", "offset", "changed", "s", "lang")


def _scenario():
    """The scenario of the request: the JSON body (POST) or a shared link's ``s`` (GET)."""
    if request.method == "GET":
        text = request.args.get("s")
        if not text:
            raise BadParameter("give the scenario as a JSON body (POST) or a shared link's s", parameter="s")
        return decode_scenario(text)
    body = request.get_json(silent=True)
    if body is None:
        why = json_problem(request.get_data(cache=True))
        raise BadParameter(
            "the request body must be a GeoJSON FeatureCollection" + (f" ({why})" if why else ""), parameter="body"
        )
    return parse_scenario(body)


def _changed_only() -> bool:
    text = request.args.get("changed")
    if text not in (None, "", "0", "1", "true", "false"):
        raise BadParameter(f"changed must be 1 or 0, got {text[:20]!r}", parameter="changed")
    return text in ("1", "true")


def _evaluation() -> dict:
    args = request.args.to_dict(flat=False)
    scenario = _scenario()
    query = query_from_args(get_store(), {k: v for k, v in args.items() if k not in OWN_PARAMS})
    limit, offset = parse_paging(args)
    paging = {"limit": limit, "offset": offset, "changed": _changed_only()}
    return evaluate(get_store(), scenario, query, parse_buffer_m(request.args.get("buffer_m")), paging)


@bp.route("/api/scenarios/evaluate", methods=("GET", "POST"))
def api_evaluate():
    """Every park's rank, score and metrics before and after the scenario (weights/filters as /api/parks/rank)."""
    return jsonify(_evaluation())


@bp.route("/api/scenarios/evaluate.csv", methods=("GET", "POST"))
def api_evaluate_csv():
    """The per-park table as CSV (UTF-8 with BOM); header and proposed names in the request's language."""
    body = scenario_csv(_evaluation(), lang=current_lang())
    headers = {"Content-Disposition": "attachment; filename=qijiang-scenario.csv"}
    return Response(body.encode("utf-8"), mimetype="text/csv; charset=utf-8", headers=headers)


@bp.get("/api/scenarios")
def api_saved_list():
    """The latest version of every saved scenario."""
    return jsonify(saved.list_saved(get_db()))


@bp.post("/api/scenarios")
def api_save():
    """Save a scenario ``{"name", "note", "scenario"}`` (signed in: session + CSRF, or a personal token)."""
    user = require_editor()
    return jsonify(saved.save_new(get_db(), request.get_json(silent=True), user)), 201


@bp.get("/api/scenarios/<int:scenario_id>")
def api_saved(scenario_id: int):
    """A saved scenario's latest version (``?version=N`` for an earlier one) and the list of its versions."""
    version = request.args.get("version")
    if version is not None and not version.isdigit():
        raise BadParameter(f"version must be a whole number, got {version[:20]!r}", parameter="version")
    body = saved.get_version(get_db(), scenario_id, None if version is None else int(version))
    return jsonify({**body, "versions": saved.versions(get_db(), scenario_id)})


@bp.post("/api/scenarios/<int:scenario_id>/versions")
def api_save_version(scenario_id: int):
    """Save a new version of a saved scenario; the earlier versions stay as they were."""
    user = require_editor()
    return jsonify(saved.save_version(get_db(), scenario_id, request.get_json(silent=True), user)), 201
