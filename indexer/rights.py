"""Who is asking, and which spaces they may read.

The user is the OS login (``getpass``) unless the caller names one. ``passeur.toml`` maps logins to
profiles in a ``[users]`` table, a login to one profile or to a list of profiles (the first is the
one used when none is asked for)::

    default_profile = "agent"

    [users]
    slebreton = ["rh", "agent"]
    akessler = "juridique"
    "*" = "agent"          # optional: any other login

Logins are compared case-insensitively (Windows logins are). A login that is not listed (and no
``"*"``) is an unknown user: it gets ``default_profile`` — which must be the least-privileged
profile — and nothing else. Asking for a profile that is not the user's is refused with a French
message; a profile whose spaces are not defined in ``[profiles]`` reads nothing (fail closed).

This is the single-machine mode: the login is whatever the OS says, so it keeps colleagues
sharing a PC out of each other's spaces, not a local administrator (docs/SECURITY.md).
"""

from __future__ import annotations

import dataclasses

import getpass
import logging
from dataclasses import dataclass
from pathlib import Path

from . import errors

log = logging.getLogger(__name__)

ANY_USER = "*"
UNKNOWN_LOGIN = "inconnu"


@dataclass(frozen=True)
class Access:
    user: str
    profile: str
    spaces: tuple[str, ...]


def current_user() -> str:
    """The OS login of the person running Passeur."""
    try:
        return getpass.getuser() or UNKNOWN_LOGIN
    except (KeyError, OSError, ImportError):  # no passwd entry (containers), no login variable
        return UNKNOWN_LOGIN


def _users(settings) -> dict[str, list[str]]:
    raw = getattr(settings, "users", None) or {}
    out: dict[str, list[str]] = {}
    for login, value in raw.items():
        profiles = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else None
        if not profiles or not all(isinstance(p, str) and p for p in profiles):
            raise errors.bad_settings(_settings_file(settings),
                                      f"dans [users], « {login} » doit être associé à un profil "
                                      "ou à une liste de profils")
        out[str(login).casefold()] = profiles
    return out


def _settings_file(settings) -> str:
    home = getattr(settings, "home", None)
    return str(Path(home) / "passeur.toml") if home else "passeur.toml"


def profiles_of(settings, user: str | None = None) -> list[str]:
    """The profiles ``user`` may use, the default one first."""
    login = (user or current_user()).casefold()
    users = _users(settings)
    if login in users:
        return users[login]
    if ANY_USER in users:
        return users[ANY_USER]
    return [settings.default_profile]


def is_known(settings, user: str | None = None) -> bool:
    users = _users(settings)
    return (user or current_user()).casefold() in users or ANY_USER in users


def resolve(settings, user: str | None = None, profile: str | None = None) -> Access:
    """The user's identity, the profile they act under and the spaces it reads.

    ``profile`` None: the user's default profile. A profile that is not the user's is refused.
    """
    login = user or current_user()
    allowed = profiles_of(settings, login)
    chosen = profile or allowed[0]
    if chosen not in allowed:
        log.warning("user %r asked for profile %r, not theirs (allowed: %s)", login, chosen, allowed)
        raise errors.PasseurError(
            fr=(f"Le profil « {chosen} » n'est pas attribué à l'utilisateur « {login} » "
                f"(profils autorisés : {', '.join(allowed)}). Demandez à l'administrateur de l'ajouter "
                "dans la section [users] de passeur.toml."),
            en=f"profile {chosen!r} is not granted to user {login!r} (allowed: {allowed})")
    spaces = settings.profiles.get(chosen)
    if spaces is None:
        log.warning("profile %r has no [profiles] entry: it reads nothing", chosen)
        spaces = []
    return Access(user=login, profile=chosen, spaces=tuple(dict.fromkeys(spaces)))


def spaces_for(settings, user: str | None = None, profile: str | None = None) -> list[str]:
    """The spaces ``user`` may read under ``profile`` (their default profile when None)."""
    return list(resolve(settings, user, profile).spaces)


def restrict(filters, spaces: list[str] | tuple[str, ...]):
    """``filters`` (an :class:`indexer.search.Filters` or None) narrowed to ``spaces``: a space the
    caller asked for but may not read is dropped, never added."""
    from .search import Filters

    f = filters or Filters()
    allowed = list(spaces)
    chosen = allowed if f.spaces is None else [s for s in f.spaces if s in allowed]
    return dataclasses.replace(f, spaces=chosen)
