"""Issue 21, first bullet: letters are signed by the person who decided.

The handler signs request letters, the reviewer signs review letters, the office signatory is
the fallback, and the setting `letters.signatory` says which; users carry a full name and a job
title (`foikit users add/edit --full-name --job-title`). Real register, real letter contexts.
"""

from __future__ import annotations

import pytest
from letters_support import OFFICER, lifecycle

from foikit.letters import build_context
from foikit.register.settings import set_setting
from foikit.register.users import add_user, edit_user

PASSWORD = "a long enough password"
OFFICE = ("Alethea Fuller", "Deputy Chief Executive")


@pytest.mark.parametrize(
    "kind, setting, named, expected, who, why",
    [
        ("acknowledgement", "decider", True, ("Dee Officer", "Disclosure Officer"), "handler",
         "a request letter is signed by its handler"),
        ("refusal", "decider", True, ("Dee Officer", "Disclosure Officer"), "handler",
         "a refusal too: the handler decided it"),
        ("review-outcome", "decider", True, ("Ravi Quenby", "Head of Legal Services"), "reviewer",
         "the issue: a review outcome is signed by the reviewer, not the officer reviewed"),
        ("review-acknowledgement", "decider", True, ("Ravi Quenby", "Head of Legal Services"),
         "reviewer", "the review's letters are the reviewer's"),
        ("review-outcome", "office", True, OFFICE, "office", "the setting says the office signs"),
        ("acknowledgement", "decider", False, OFFICE, "office",
         "no full name on the account: the office signatory is the fallback"),
    ],
)  # fmt: skip
def test_letters_are_signed_by_the_person_who_decided(
    register, kind, setting, named, expected, who, why
):
    refs = lifecycle(register)
    add_user(register, OFFICER, "officer", PASSWORD, actor="admin")
    add_user(register, "the.reviewer", "reviewer", PASSWORD, actor="admin")
    if named:
        edit_user(register, OFFICER, actor="admin", full_name="Dee Officer",
                  job_title="Disclosure Officer")  # fmt: skip
        edit_user(register, "the.reviewer", actor="admin", full_name="Ravi  Quenby\u200b",
                  job_title="Head of Legal Services")  # fmt: skip
    set_setting(register, "letters.signatory", setting, "admin")
    context = build_context(register, refs[kind], kind, today="2021-07-02")
    signatory = context["signatory"]
    assert (signatory["name"], signatory["title"]) == expected, why
    assert signatory["who"] == who, why
    assert all(isinstance(v, str | type(None)) for v in signatory.values()), "plain data"


def test_full_name_and_job_title_from_the_cli(empty_register, invoke, monkeypatch):
    monkeypatch.setenv("FOIKIT_NEW_PASSWORD", PASSWORD)
    result = invoke("users", "add", "ravi.quenby", "--role", "reviewer", "--full-name",
                    "Ravi Quenby", "--job-title", "Head of Legal Services")  # fmt: skip
    assert result.exit_code == 0, result.output
    result = invoke("users", "edit", "ravi.quenby", "--job-title", "Monitoring Officer", "--json")
    assert result.exit_code == 0, result.output
    assert '"job_title": "Monitoring Officer"' in result.output
    assert '"full_name": "Ravi Quenby"' in result.output, "what is not given is kept"
    listed = invoke("users", "list").output
    assert "Ravi Quenby, Monitoring Officer" in listed
    result = invoke("users", "edit", "nobody.here", "--full-name", "X")
    assert result.exit_code == 1 and result.output.startswith("Error: no user called")


@pytest.mark.parametrize(
    "value, ok, why",
    [("decider", True, "the default"), ("office", True, "always the office"),
     ("handler", False, "not a choice")],
)  # fmt: skip
def test_the_signatory_setting_takes_only_its_values(empty_register, invoke, value, ok, why):
    result = invoke("settings", "set", "letters.signatory", value)
    assert (result.exit_code == 0) is ok, why
