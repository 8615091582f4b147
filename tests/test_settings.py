"""Settings come from the environment, and production refuses unsafe ones with a reason."""

from __future__ import annotations

import pytest

from app.errors import ConfigError
from app.settings import Environment, Settings

SECRET = "s" * 48


def test_defaults_are_a_development_sqlite_file_with_graphiql():
    settings = Settings.from_env({})

    assert settings.env is Environment.DEVELOPMENT
    assert settings.database_url.startswith("sqlite://") and settings.database_url.endswith(
        "var/ledgerport.sqlite3"
    )
    assert settings.graphiql is True
    assert settings.tenants_dir.name == "tenants"


def test_environment_variables_override_defaults(tmp_path):
    settings = Settings.from_env(
        {
            "LEDGERPORT_ENV": "test",
            "LEDGERPORT_DATABASE_URL": "postgres://u@db/x",
            "LEDGERPORT_TENANTS_DIR": str(tmp_path),
            "LEDGERPORT_GRAPHIQL": "false",
        }
    )

    assert (settings.env, settings.database_url, settings.tenants_dir, settings.graphiql) == (
        Environment.TEST,
        "postgres://u@db/x",
        tmp_path,
        False,
    )


def test_production_without_a_secret_key_refuses_to_start_and_says_why():
    with pytest.raises(ConfigError, match="LEDGERPORT_SECRET_KEY is not set"):
        Settings.from_env({"LEDGERPORT_ENV": "production", "LEDGERPORT_GRAPHIQL": "false"})


def test_production_with_graphiql_on_refuses_to_start():
    with pytest.raises(ConfigError, match="LEDGERPORT_GRAPHIQL is on in production"):
        Settings.from_env(
            {"LEDGERPORT_ENV": "production", "LEDGERPORT_SECRET_KEY": SECRET, "LEDGERPORT_GRAPHIQL": "1"}
        )


def test_production_turns_graphiql_off_by_default():
    settings = Settings.from_env({"LEDGERPORT_ENV": "production", "LEDGERPORT_SECRET_KEY": SECRET})

    assert settings.is_production and settings.graphiql is False


def test_short_secret_key_is_refused_in_production():
    with pytest.raises(ConfigError, match="too short"):
        Settings.from_env({"LEDGERPORT_ENV": "production", "LEDGERPORT_SECRET_KEY": "short"})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LEDGERPORT_ENV": "staging"}, "LEDGERPORT_ENV: expected one of development, test, production"),
        ({"LEDGERPORT_GRAPHIQL": "maybe"}, "LEDGERPORT_GRAPHIQL: expected true or false"),
        ({"LEDGERPORT_MAX_PAGE_SIZE": "lots"}, "LEDGERPORT_MAX_PAGE_SIZE: expected a whole number"),
    ],
)
def test_bad_values_name_the_variable(env, message):
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)
