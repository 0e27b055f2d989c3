"""Read what a planner asks to compare (corridor ids, buffer, a proposed line) from a query or a JSON body."""

from __future__ import annotations

import math
from collections.abc import Sequence

from atlas.corridors.proposed import URL_MAX_CHARS, ProposedLine, decode_proposed, encode_proposed, parse_proposed
from atlas.errors import BadParameter
from atlas.validate import loads_strict

BUFFER_MIN_M = 500.0
BUFFER_MAX_M = 20_000.0
BUFFER_DEFAULT_M = 5_000.0

CompareInputs = tuple[tuple[str, ...], float, ProposedLine | None]  # (ids, buffer_m, proposed)


def parse_buffer_m(raw) -> float:
    """Return a catchment buffer in metres from a number or numeric string, or raise BadParameter."""
    if raw is None or raw == "":
        return BUFFER_DEFAULT_M
    if isinstance(raw, bool):
        raise BadParameter("buffer_m must be a number of metres", parameter="buffer_m")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise BadParameter(
            f"buffer_m must be a number of metres, got {str(raw)[:40]!r}", parameter="buffer_m"
        ) from None
    if not math.isfinite(value) or not BUFFER_MIN_M <= value <= BUFFER_MAX_M:
        raise BadParameter(
            f"buffer_m must be between {BUFFER_MIN_M:.0f} and {BUFFER_MAX_M:.0f} metres, got {raw}",
            parameter="buffer_m",
        )
    return value


def parse_ids(raw) -> tuple[str, ...]:
    """Return corridor ids from a comma-separated string or a list of strings, or raise BadParameter."""
    if raw is None or raw == "":
        return ()
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise BadParameter("ids must be a comma-separated string or a list of corridor ids", parameter="ids")
    ids = tuple(i.strip() for i in items if i.strip())
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise BadParameter(f"ids lists {', '.join(dupes)} more than once", parameter="ids")
    return ids


def query_inputs(
    ids: Sequence[str], buffer_m: str | None, proposed: str | None, proposed_name: str | None
) -> CompareInputs:
    """(ids, buffer_m, proposed) from query parameters: ids (repeatable), buffer_m, a proposed line in a link."""
    return (
        parse_ids(",".join(ids)),
        parse_buffer_m(buffer_m),
        decode_proposed(proposed, proposed_name) if proposed else None,
    )


def body_inputs(body, raw: bytes) -> CompareInputs:
    """(ids, buffer_m, proposed) from a parsed JSON body (None when it did not parse) and its raw bytes."""
    if not isinstance(body, dict):
        why = json_problem(raw)
        raise BadParameter(
            "the request body must be a JSON object with ids, buffer_m and optionally proposed"
            + (f" ({why})" if why else ""),
            parameter="body",
        )
    proposed = body.get("proposed")
    return (
        parse_ids(body.get("ids")),
        parse_buffer_m(body.get("buffer_m")),
        None if proposed is None else parse_proposed(proposed),
    )


def json_problem(data: bytes) -> str:
    """Why a request body is not usable JSON ('' if it parses)."""
    try:
        loads_strict(data.decode("utf-8"))
    except UnicodeDecodeError:
        return "not UTF-8 text"
    except ValueError as exc:
        return str(exc)
    return ""


def proposed_link(proposed: ProposedLine) -> dict:
    """What the page puts in its URL so that a shared link reproduces a comparison with ``proposed``."""
    return {"proposed": encode_proposed(proposed), "proposed_name": proposed.name_zh, "max_chars": URL_MAX_CHARS}
