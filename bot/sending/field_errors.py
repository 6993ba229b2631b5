"""Why a value the operator typed cannot go into the form."""

from __future__ import annotations


class FieldError(Exception):
    """A value the operator typed that cannot go into the form; `key` is the message id."""

    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
