"""A bad policy is refused with one ConfigError that names the file, the key path and the problem."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from tether.errors import ConfigError, TetherError
from tether.model import Mode
from tether.policy import Policy

TOOL = '[tools.x]\nrisk = "low"\nreversible = "yes"\n'

# The policy file shown in DESIGN.md, verbatim.
DESIGN_EXAMPLE = """
[defaults]
unknown_tool = "approve"
escalate_below = 0.80      # confidence
urgent_below = 0.60

[autonomy]
start = "ceiling"          # or "shadow" | "approve" | "override" to start new lanes conservatively
promote = "suggest"        # or "auto"
min_cases = 100
min_accuracy = 0.95
critical_free_days = 14
max_override_rate = 0.05
review_p99_bottleneck = "30m"

[tools.classify_ticket]
risk = "low"
reversible = "yes"

[tools.send_email]
risk = "medium"
reversible = "yes"
window = "10m"

[tools.transfer_funds]
risk = "critical"
reversible = "no"
quorum = 2
timeout = "4h"
on_timeout = "reject"
reviewers = "finance"

[[rules]]
id = "large-refund"
tool = "refund"
when = "args.amount > 1000"      # CEL
mode = "approve"

[[limits]]
id = "email-blast"
tool = "send_email"
max = 50
per = "1h"
fanout = "size(args.to)"         # CEL; a call counts this many
"""


def refused(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        Policy.from_toml(dedent(text), source="p.toml")
    return caught.value


def test_the_policy_file_in_the_design_loads() -> None:
    loaded = Policy.from_toml(DESIGN_EXAMPLE, source="tether.toml")
    assert loaded.config.tools["transfer_funds"].quorum == 2
    assert [rule.id for rule in loaded.config.rules] == ["large-refund"]


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        pytest.param(
            '[tools.x]\nrisk = "extreme"\nreversible = "yes"', "tools.x.risk", "'extreme' is not allowed", id="risk"
        ),
        pytest.param('[tools.x]\nrisk = "low"\nreversible = "maybe"', "tools.x.reversible", "'maybe'", id="reversible"),
        pytest.param(TOOL + 'colour = "red"', "tools.x.colour", "unknown key", id="unknown-key"),
        pytest.param('[toolz.x]\nrisk = "low"', "toolz", "unknown key", id="unknown-section"),
        pytest.param('[tools.x]\nrisk = "low"', "tools.x.reversible", "required key is missing", id="missing"),
        pytest.param('[defaults]\nescalate_below = "high"', "defaults.escalate_below", "valid number", id="wrong-type"),
        pytest.param("[defaults]\nurgent_below = 1.5", "defaults.urgent_below", "less than or equal to 1", id="range"),
        pytest.param(TOOL + 'window = "ten minutes"', "tools.x.window", "'ten minutes'", id="bad-duration"),
        pytest.param(TOOL + "quorum = 0", "tools.x.quorum", "greater than or equal to 1", id="quorum"),
        pytest.param(TOOL + 'on_timeout = "approve"', "tools.x.on_timeout", "'approve'", id="on-timeout"),
        pytest.param(TOOL + 'decisions = ["approve", "veto"]', "tools.x.decisions[1]", "'veto'", id="decision-kind"),
        pytest.param(TOOL + "decisions = []", "tools.x", "at least one", id="no-decisions"),
        pytest.param(TOOL + 'decisions = ["reject", "reject"]', "tools.x", "names one twice", id="decision-twice"),
        pytest.param('[matrix.low]\nyes = "sometimes"', "matrix.low.yes", "'sometimes'", id="matrix-cell"),
        pytest.param('[matrix.extreme]\nyes = "auto"', "matrix.extreme", "unknown key", id="matrix-row"),
        pytest.param('[autonomy]\nstart = "auto"', "autonomy.start", "'auto'", id="autonomy-start"),
        pytest.param('[[rules]]\nid = "r"\nwhen = "true"\nmode = "panic"', "rules[0].mode", "'panic'", id="rule-mode"),
        pytest.param('[[rules]]\nid = "r"\nmode = "deny"', "rules[0].when", "required key is missing", id="no-when"),
        pytest.param(
            '[[rules]]\nid = "r"\nwhen = "true"\nmode = "deny"\nurgency = "now"', "rules[0].urgency", "'now'", id="urg"
        ),
        pytest.param('[[limits]]\nid = "l"\nmax = 0\nper = "1h"', "limits[0].max", "greater than 0", id="limit-max"),
        pytest.param('[[limits]]\nid = "l"\nmax = 5\nper = 0', "limits[0].per", "longer than zero", id="limit-per"),
    ],
)
def test_a_bad_value_names_the_file_the_key_and_the_problem(text: str, key: str, problem: str) -> None:
    error = refused(text)
    assert (error.file, error.key) == ("p.toml", key)
    assert f"p.toml: {key}: " in str(error)
    assert problem in str(error)


def test_a_config_error_is_a_tether_error() -> None:
    assert isinstance(refused(TOOL + "colour = 1"), TetherError)


def test_every_problem_is_reported_at_once() -> None:
    message = str(refused('[tools.x]\nrisk = "extreme"\nreversible = "maybe"\ncolour = "red"'))
    assert "tools.x.risk" in message
    assert "tools.x.reversible" in message
    assert "tools.x.colour" in message


def test_an_unknown_mode_lists_the_allowed_modes_as_a_person_writes_them() -> None:
    message = str(refused('[defaults]\nunknown_tool = "auto"'))
    assert "defaults.unknown_tool" in message
    assert "'approve'" in message
    assert "<Mode." not in message


def test_a_rule_with_bad_cel_names_the_rule_and_the_position() -> None:
    error = refused('[[rules]]\nid = "r"\nwhen = "args.amount >"\nmode = "approve"')
    assert (error.file, error.key) == ("p.toml", "rules[0].when")
    assert str(error).startswith("p.toml: rules[0].when: invalid CEL expression 'args.amount >'")
    assert "line 1, column 14" in str(error)


def test_bad_cel_on_a_later_line_reports_that_line() -> None:
    error = refused(
        '[[rules]]\nid = "ok"\nwhen = "true"\nmode = "approve"\n'
        '[[rules]]\nid = "r"\nwhen = """args.amount > 1 &&\n  > 3"""\nmode = "approve"'
    )
    assert error.key == "rules[1].when"
    assert "line 2, column 3" in str(error)


def test_a_limit_with_bad_cel_names_the_limit_fanout() -> None:
    error = refused('[[limits]]\nid = "l"\nmax = 5\nper = "1h"\nfanout = "size("')
    assert (error.file, error.key) == ("p.toml", "limits[0].fanout")
    assert "invalid CEL expression" in str(error)


def test_duplicate_rule_ids_are_refused() -> None:
    error = refused(
        '[[rules]]\nid = "r"\nwhen = "true"\nmode = "approve"\n[[rules]]\nid = "r"\nwhen = "false"\nmode = "deny"'
    )
    assert error.key == "rules[1].id"
    assert str(error) == "p.toml: rules[1].id: the id 'r' is already used by rules[0]"


def test_duplicate_limit_ids_are_refused() -> None:
    error = refused('[[limits]]\nid = "l"\nmax = 1\nper = "1h"\n[[limits]]\nid = "l"\nmax = 2\nper = "1d"')
    assert error.key == "limits[1].id"
    assert "'l' is already used by limits[0]" in str(error)


def test_a_toml_syntax_error_names_the_file_and_the_line() -> None:
    error = refused('[tools.x]\nrisk = "low"\nreversible = yes\n')
    assert error.file == "p.toml"
    assert str(error).startswith("p.toml: not valid TOML")
    assert "line 3" in str(error)


def test_a_missing_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError) as caught:
        Policy.from_file(path)
    assert caught.value.file == str(path)
    assert str(caught.value).startswith(f"{path}: no such policy file")


def test_a_directory_is_not_a_policy_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the policy file"):
        Policy.from_file(tmp_path)


def test_a_bad_file_names_its_path_and_the_key(tmp_path: Path) -> None:
    path = tmp_path / "tether.toml"
    path.write_text(TOOL + 'window = "ten minutes"', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Policy.from_file(path)
    assert str(caught.value).startswith(f"{path}: tools.x.window: ")


def test_a_file_with_bad_cel_names_its_path(tmp_path: Path) -> None:
    path = tmp_path / "tether.toml"
    path.write_text('[[rules]]\nid = "r"\nwhen = "args.amount >"\nmode = "approve"', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        Policy.from_file(path)
    assert (caught.value.file, caught.value.key) == (str(path), "rules[0].when")


def test_a_file_with_a_toml_syntax_error_names_its_path(tmp_path: Path) -> None:
    path = tmp_path / "tether.toml"
    path.write_text("[tools.x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML") as caught:
        Policy.from_file(path)
    assert caught.value.file == str(path)


def test_a_file_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "tether.toml"
    path.write_bytes(b'[tools.x]\nrisk = "l\xffw"\nreversible = "yes"\n')
    with pytest.raises(ConfigError) as caught:
        Policy.from_file(path)
    assert caught.value.file == str(path)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("inf", id="infinite"),
        pytest.param("1e20", id="huge-number"),
        pytest.param('"99999999999d"', id="huge-days"),
    ],
)
def test_a_duration_too_long_to_represent_is_a_config_error(value: str) -> None:
    error = refused(f"[defaults]\nwindow = {value}")
    assert error.key == "defaults.window"


def test_a_valid_unknown_tool_setting_is_a_mode() -> None:
    loaded = Policy.from_toml('[defaults]\nunknown_tool = "shadow"')
    assert loaded.config.defaults.unknown_tool is Mode.SHADOW
