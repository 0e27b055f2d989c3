"""Typed errors; each carries the HTTP status the web layer answers with."""

from __future__ import annotations


class AtlasError(Exception):
    """Base error with an HTTP status and a message that says what to fix."""

    status = 500

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.parameter = parameter

    def to_dict(self) -> dict:
        """Return a JSON-able description of the error."""
        body = {"error": type(self).__name__, "message": self.message, "status": self.status}
        if self.parameter:
            body["parameter"] = self.parameter
        return body


class UnknownLayer(AtlasError):
    """A layer id that is not in the catalog."""

    status = 404


class UnknownFeature(AtlasError):
    """A feature id that no layer holds."""

    status = 404


class UnknownTile(AtlasError):
    """A vector-tile address outside the tile pyramid (zoom, column or row out of range)."""

    status = 404


class BadParameter(AtlasError):
    """A query parameter or request body that cannot be used."""

    status = 400


class LayerUnavailable(AtlasError):
    """A declared layer whose data file is missing or broken."""

    status = 503


class DeclarationError(AtlasError):
    """A layer declaration that is inconsistent; raised when the catalog loads."""

    status = 500


class DataError(AtlasError):
    """A data file with problems; ``problems`` lists each one."""

    status = 422

    def __init__(self, message: str, problems: list | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])

    def to_dict(self) -> dict:
        body = super().to_dict()
        body["problems"] = [str(p) for p in self.problems]
        return body
