"""pygeoapi (the reference OGC API – Features server) configured by the benchmark in a temp dir.

Its stock GeoJSON provider points at the benchmark's COPIES of the layer files; the OpenAPI document is
generated from that config with pygeoapi's own generator. Served by gunicorn with the same worker config
as the atlas.
"""

from __future__ import annotations

import socket
from pathlib import Path

import yaml

from bench.common import GUNICORN, GUNICORN_ARGS, Server
from tests.synthetic import LAT, LON

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pygeoapi_config(collections: dict[str, Path], port: int) -> dict:
    resources = {}
    for cid, path in collections.items():
        resources[cid] = {
            "type": "collection",
            "title": cid,
            "description": f"{cid} (benchmark copy)",
            "keywords": [cid],
            "extents": {"spatial": {"bbox": [LON[0], LAT[0], LON[1], LAT[1]], "crs": CRS84}},
            "providers": [{"type": "feature", "name": "GeoJSON", "data": str(path), "id_field": "id"}],
        }
    return {
        "server": {
            "bind": {"host": "127.0.0.1", "port": port},
            "url": f"http://127.0.0.1:{port}",
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "language": "en-US",
            "cors": False,
            "pretty_print": False,
            "limits": {"default_items": 10, "max_items": 10000},
            "map": {"url": "http://127.0.0.1/none/{z}/{x}/{y}.png", "attribution": "none"},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {
                "title": "Qijiang benchmark peer",
                "description": "pygeoapi on copies of the atlas data",
                "keywords": ["benchmark"],
                "keywords_type": "theme",
                "terms_of_service": "none",
                "url": f"http://127.0.0.1:{port}",
            },
            "license": {"name": "CC-BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
            "provider": {"name": "benchmark", "url": f"http://127.0.0.1:{port}"},
            "contact": {
                "name": "benchmark",
                "position": "none",
                "address": "none",
                "city": "Qijiang",
                "stateorprovince": "Chongqing",
                "postalcode": "401420",
                "country": "China",
                "phone": "+86-0",
                "fax": "+86-0",
                "email": "none@example.org",
                "url": f"http://127.0.0.1:{port}",
                "hours": "none",
                "instructions": "none",
                "role": "pointOfContact",
            },
        },
        "resources": resources,
    }


def start_pygeoapi(tmp: Path, collections: dict[str, Path], logdir: Path) -> Server:
    """Write config + OpenAPI into ``tmp`` and start pygeoapi's Flask app under gunicorn on 127.0.0.1."""
    from pygeoapi.openapi import generate_openapi_document

    port = free_port()
    tmp.mkdir(parents=True, exist_ok=True)
    cfg_path = tmp / "pygeoapi-config.yml"
    cfg_path.write_text(yaml.safe_dump(pygeoapi_config(collections, port), allow_unicode=True), encoding="utf-8")
    openapi_path = tmp / "pygeoapi-openapi.yml"
    with cfg_path.open() as fh:
        openapi_path.write_text(generate_openapi_document(fh, "yaml"), encoding="utf-8")
    env = {"PYGEOAPI_CONFIG": str(cfg_path), "PYGEOAPI_OPENAPI": str(openapi_path)}
    cmd = [GUNICORN, *GUNICORN_ARGS, "--bind", f"127.0.0.1:{port}", "--log-level", "info", "pygeoapi.flask_app:APP"]
    return Server("pygeoapi", cmd, env, logdir / "pygeoapi.log").start("/collections?f=json", timeout=120)
