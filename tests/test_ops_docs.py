"""Operations docs: every ops setting and every exposed metric is documented (undocumented = failing)."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import ROOT

OPERATIONS = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
SUFFIX = {"counter": "_total", "info": "_info"}


@pytest.mark.parametrize(
    "key",
    ["DATABASE", "DATABASE_URL", "DATABASE_POOL_MAX", "DATABASE_TIMEOUT_S", "METRICS", "METRICS_ALLOW", "LOG_FORMAT"],
)
def test_every_ops_setting_is_a_config_key_and_documented(app, key):
    assert key in app.config
    assert f"`QIJIANG_{key}`" in OPERATIONS and f"`QIJIANG_{key}`" in README


def test_every_exposed_atlas_metric_is_documented(make_app):
    text = make_app(METRICS=True).test_client().get("/metrics").get_data(as_text=True)
    names = [
        f.name + SUFFIX.get(f.type, "") for f in text_string_to_metric_families(text) if f.name.startswith("qijiang_")
    ]
    assert len(names) >= 11
    assert [name for name in names if f"`{name}`" not in OPERATIONS] == []
