"""What the default redaction list hides, in every spelling a caller uses, and passwords inside URLs — without
changing the version of a policy that keeps the default."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tether import Policy
from tether.audit import REDACTED, redact
from tether.policy._config import REDACT

SECRET_KEYS = [
    "password", "Password", "passwd", "pwd", "db_password", "client_secret", "access_token", "refresh-token",
    "api_key", "apiKey", "x-api-key", "API-KEY", "Authorization", "private_key", "privateKey", "credentials",
    "aws_access_key_id", "AWS_ACCESS_KEY_ID", "Cookie", "set-cookie",
]  # fmt: skip


@pytest.mark.parametrize("key", SECRET_KEYS)
def test_the_default_list_hides_every_spelling_of_a_secret_key(key: str) -> None:
    assert redact({"outer": [{key: "s3cr3t"}]}, REDACT) == {"outer": [{key: REDACTED}]}


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("postgresql://app:hunter2@db.internal:5432/prod", f"postgresql://app:{REDACTED}@db.internal:5432/prod"),
        ("see https://user:pa55@example.com/x and smtp://u:p@mail", f"see https://user:{REDACTED}@example.com/x and "
         f"smtp://u:{REDACTED}@mail"),
        ("https://example.com/profile/@ana", "https://example.com/profile/@ana"),
        ("mailto:ana@example.com", "mailto:ana@example.com"),
    ],
)  # fmt: skip
def test_passwords_inside_urls_are_hidden_in_any_value(value: str, shown: str) -> None:
    assert redact({"note": value}, REDACT) == {"note": shown}


@given(st.dictionaries(st.sampled_from(["to", "subject", "amount", "account", "query"]), st.text()))
def test_ordinary_keys_and_values_without_urls_are_left_alone(args: dict[str, str]) -> None:
    if not any("://" in v for v in args.values()):
        assert redact(args, REDACT) == args


def test_a_policy_that_keeps_the_default_keeps_the_version_it_had() -> None:
    assert Policy.default().version == "8c4367d2e1a12de9ffe6db9d45aae41e991de6fcb50d4e0ee7e02911c862dffb"
    custom = Policy.from_dict({"audit": {"redact": ["ssn"]}})
    assert custom.version != Policy.default().version
    assert redact({"ssn": "1", "password": "2"}, custom.config.audit.redact) == {"ssn": REDACTED, "password": "2"}
