"""Who is asking and which spaces they may read."""

import getpass
from datetime import date
from types import SimpleNamespace

import pytest

from indexer import errors, rights
from indexer.search import Filters
from indexer.settings import Settings

PROFILES = {"agent": ["general"], "rh": ["general", "rh"], "juridique": ["general", "juridique"],
            "admin": ["general", "rh", "juridique"]}


def settings(users=None, default="agent", profiles=None):
    return SimpleNamespace(profiles=profiles or PROFILES, default_profile=default, users=users or {}, home=None)


def test_current_user_is_the_os_login(monkeypatch):
    monkeypatch.setattr(getpass, "getuser", lambda: "slebreton")
    assert rights.current_user() == "slebreton"
    assert rights.resolve(settings({"slebreton": "rh"})) == rights.Access("slebreton", "rh", ("general", "rh"))


def test_current_user_without_a_login(monkeypatch):
    def broken():
        raise OSError("no login")

    monkeypatch.setattr(getpass, "getuser", broken)
    assert rights.current_user() == rights.UNKNOWN_LOGIN
    assert rights.spaces_for(settings({"slebreton": "rh"})) == ["general"]


def test_mapped_users_get_their_profile():
    s = settings({"slebreton": ["rh", "agent"], "akessler": "juridique", "dgs": "admin"})
    assert rights.spaces_for(s, "slebreton") == ["general", "rh"]
    assert rights.spaces_for(s, "slebreton", "agent") == ["general"]
    assert rights.spaces_for(s, "akessler") == ["general", "juridique"]
    assert rights.spaces_for(s, "dgs") == ["general", "rh", "juridique"]
    assert rights.profiles_of(s, "slebreton") == ["rh", "agent"]


def test_logins_are_case_insensitive():
    s = settings({"SLebreton": "rh"})
    assert rights.resolve(s, "slebreton").profile == "rh"
    assert rights.resolve(s, "SLEBRETON").profile == "rh"
    assert rights.is_known(s, "sLEBRETON") and not rights.is_known(s, "mallory")


def test_unknown_users_get_the_least_privileged_default_profile():
    s = settings({"slebreton": "rh"})
    access = rights.resolve(s, "mallory")
    assert access.profile == "agent" and access.spaces == ("general",)


@pytest.mark.parametrize("user, profile", [("mallory", "rh"), ("mallory", "admin"), ("akessler", "rh"),
                                           ("slebreton", "admin")])
def test_a_profile_that_is_not_yours_is_refused(user, profile):
    s = settings({"slebreton": "rh", "akessler": "juridique"})
    with pytest.raises(errors.PasseurError) as exc:
        rights.spaces_for(s, user, profile)
    assert f"« {profile} » n'est pas attribué" in exc.value.fr and "[users]" in exc.value.fr


def test_wildcard_maps_every_other_login():
    s = settings({"*": "rh", "dgs": "admin"})
    assert rights.spaces_for(s, "anyone") == ["general", "rh"]
    assert rights.spaces_for(s, "dgs") == ["general", "rh", "juridique"]
    with pytest.raises(errors.PasseurError):
        rights.spaces_for(s, "anyone", "admin")


def test_profile_without_spaces_reads_nothing():
    s = settings({"stagiaire": "visiteur"})
    assert rights.spaces_for(s, "stagiaire") == []


def test_bad_users_table_is_a_settings_error():
    with pytest.raises(errors.PasseurError) as exc:
        rights.profiles_of(settings({"x": 3}), "x")
    assert exc.value.exit_code == 2 and "[users]" in exc.value.fr
    with pytest.raises(errors.PasseurError):
        rights.profiles_of(settings({"x": []}), "x")


def test_works_with_the_real_settings_without_a_users_table(passeur_home):
    s = Settings.load()
    assert rights.spaces_for(s, "quelquun") == ["general"]
    with pytest.raises(errors.PasseurError):
        rights.spaces_for(s, "quelquun", "rh")


def test_restrict_never_widens_the_filters():
    f = rights.restrict(None, ["general", "rh"])
    assert f.spaces == ["general", "rh"]
    asked = Filters(spaces=["rh", "juridique"], types=["arrete"], since=date(2026, 1, 1))
    f = rights.restrict(asked, ["general", "rh"])
    assert f.spaces == ["rh"] and f.types == ["arrete"] and f.since == date(2026, 1, 1)
    assert rights.restrict(Filters(spaces=["juridique"]), ["general"]).spaces == []
    assert rights.restrict(None, []).spaces == []
