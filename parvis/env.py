"""Typed reading of environment variables.

Every setting of Parvis comes from the environment through these helpers, so that a bad value fails
loudly at start-up with the variable's name, instead of misbehaving later. Defaults make `make demo`
work on a fresh machine. Every variable is documented in docs/operations.md.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

_TRUE = {"1", "true", "yes", "on", "oui"}
_FALSE = {"0", "false", "no", "off", "non", ""}


class ImproperlyConfiguredEnv(ValueError):
    """Raised when an environment variable holds a value of the wrong type."""


def _read(name: str, default: T, parse: Callable[[str], T]) -> T:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return parse(raw.strip())
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfiguredEnv(f"Variable d'environnement {name}={raw!r} invalide : {exc}") from exc


def env_str(name: str, default: str) -> str:
    return _read(name, default, str)


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    def parse(raw: str) -> int:
        value = int(raw)
        if minimum is not None and value < minimum:
            raise ValueError(f"doit être au moins {minimum}")
        return value

    return _read(name, default, parse)


def env_bool(name: str, default: bool) -> bool:
    def parse(raw: str) -> bool:
        lowered = raw.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError("attendu : true/false, 1/0, yes/no")

    return _read(name, default, parse)


def env_list(name: str, default: list[str]) -> list[str]:
    return _read(name, default, lambda raw: [item.strip() for item in raw.split(",") if item.strip()])
