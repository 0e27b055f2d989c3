"""PDF fact sheets: they open with pdftotext (poppler), carry the park's Chinese name, its score and
未知/unknown for unknown values; hostile names are text; the corridor sheets carry the comparison and coverage."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from atlas import pdfsheet
from atlas.pdfsheet import FontMissing, Sheet, Table, clean_text, render_pdf
from tests.conftest import GEODATA
from tests.hostile import HOSTILE

PDFTOTEXT = shutil.which("pdftotext")


def pdf_text(data: bytes, tmp_path, name: str = "sheet.pdf") -> str:
    """The text poppler's pdftotext reads from a PDF (fails if the file does not open)."""
    assert PDFTOTEXT, "pdftotext not found: run `make system` (apt-get install poppler-utils)"
    path = tmp_path / name
    path.write_bytes(data)
    out = subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, timeout=60)
    return out.stdout.decode("utf-8")


def parks() -> list[dict]:
    return json.loads((GEODATA / "parks.geojson").read_text(encoding="utf-8"))["features"]


def test_park_pdf_has_name_score_and_unknowns(client, tmp_path):
    park = next(f for f in parks() if f["geometry"] is not None)  # placed: with its static map
    pid = park["properties"]["id"]
    resp = client.get(f"/parks/{pid}.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf" and resp.data.startswith(b"%PDF")
    text = pdf_text(resp.data, tmp_path)
    entry = client.get("/api/parks/rank").get_json()
    score = next(p["score"] for p in entry["parks"] if p["id"] == pid)
    assert park["properties"]["name_zh"] in text
    assert f"{score:.1f} / 100" in text
    assert "未知" in text  # e.g. the built area or the distance to an interchange is unknown
    assert "位置精度" in text and "示意（仅供参考）" in text  # the accuracy class of the park's position
    assert "排名依据（当前权重）" in text and "数据截至" in text and "来源" in text
    assert b"/Subtype /Image" in resp.data  # the static map


def test_park_pdf_in_english_follows_the_weights_of_the_query(client, tmp_path):
    unplaced = next(f for f in parks() if f["geometry"] is None)["properties"]
    resp = client.get(f"/parks/{unplaced['id']}.pdf?lang=en&w_area=5&w_interchange=0")
    text = pdf_text(resp.data, tmp_path)
    assert unplaced["name_zh"] in text or unplaced["name_en"] in text
    assert "unknown" in text and "Unplaced" in text
    assert "Park area 5" in text and "Distance to expressway interchange 0" in text


def test_unknown_park_pdf_is_404(client):
    assert client.get("/parks/no-such-park.pdf").status_code == 404


def test_hostile_park_names_render_as_text(tmp_path, geodata_copy, make_app):
    data_dir = geodata_copy
    fc = json.loads((data_dir / "parks.geojson").read_text(encoding="utf-8"))
    picks = [HOSTILE[0], HOSTILE[-4], HOSTILE[-6], HOSTILE[-7], HOSTILE[-3]]  # script, bidi, control chars, 4000 chars
    for feature, name in zip(fc["features"], picks):
        feature["properties"]["name_zh"] = name
        feature["properties"]["source"] = name
    (data_dir / "parks.geojson").write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    client = make_app(GEODATA_DIR=str(data_dir)).test_client()
    for feature, name in zip(fc["features"], picks):
        resp = client.get(f"/parks/{feature['properties']['id']}.pdf")
        assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
        text = pdf_text(resp.data, tmp_path)
        assert clean_text(name)[:10] in text.replace("\n", "")
    assert "<script>window.__pwned=1</script>" in pdf_text(
        client.get(f"/parks/{fc['features'][0]['properties']['id']}.pdf").data, tmp_path
    )


def test_every_hostile_string_lays_out_in_one_sheet(tmp_path):
    sheet = Sheet(
        title=HOSTILE[0],
        subtitle=HOSTILE[1],
        lines=HOSTILE[2:5],
        tables=[Table("t", ("a", "b"), [(h, h[::-1]) for h in HOSTILE])],
        notes=HOSTILE[:3],
    )
    text = pdf_text(render_pdf(sheet), tmp_path)
    assert "00<script>" in text and "{{7*7}}" in text


def test_a_missing_cjk_font_is_a_clear_error(monkeypatch):
    pdfsheet.cjk_font.cache_clear()
    monkeypatch.setattr(pdfsheet, "_fc_list_chinese", lambda: [])
    monkeypatch.setattr(pdfsheet, "FONT_CANDIDATES", (("/nonexistent/font.ttc", 0),))
    try:
        with pytest.raises(FontMissing, match="fonts-noto-cjk"):
            pdfsheet.cjk_font()
    finally:
        pdfsheet.cjk_font.cache_clear()


def test_corridor_comparison_pdf_has_the_table_and_coverage(client, tmp_path):
    api = client.get("/api/corridors/compare?ids=yugui-railway,chuanqian-railway&buffer_m=5000").get_json()
    text = pdf_text(
        client.get("/corridors/compare.pdf?ids=yugui-railway,chuanqian-railway&buffer_m=5000").data, tmp_path
    )
    assert "渝贵铁路" in text and "川黔铁路" in text and "占全区面积" in text
    for c in api["corridors"]:
        assert f"{c['coverage']['district_share'] * 100:.1f} %" in text
        best = c["coverage"]["towns"][0]
        assert best["name_zh"] in text
    assert "服务半径: 5,000 米" in text


def test_before_after_pdf_lists_what_2018_added(client, tmp_path):
    text = pdf_text(client.get("/corridors/compare.pdf?before=2017&after=2018&lang=en").data, tmp_path)
    assert "Chongqing–Guiyang Railway" in text and "Added" in text and "2017" in text and "2018" in text


def test_comparison_pdf_with_a_proposed_line_from_the_link(client, tmp_path):
    from atlas.corridors.proposed import encode_proposed, parse_proposed

    text = encode_proposed(parse_proposed({"type": "LineString", "coordinates": [[106.6, 29.0], [106.7, 28.9]]}))
    resp = client.get(f"/corridors/compare.pdf?ids=yugui-railway&proposed={text}&proposed_name=<b>西线</b>")
    assert resp.status_code == 200
    assert "<b>西线</b>" in pdf_text(resp.data, tmp_path)
    bad = client.get("/corridors/compare.pdf?ids=yugui-railway&proposed=" + "?" * 5000)
    assert bad.status_code == 400
