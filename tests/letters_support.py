"""Requests in the register in the states letters are written for (shared by the letter tests)."""

from __future__ import annotations

from foikit.register import Register

OFFICER = "disclosure.officer"


def june_2021(reg: Register, *, close: bool = True) -> str:
    """The June 2021 OPCC request, answered from the register as `make demo` does."""
    from foikit.casework.lifecycle import add_request, answer_question, close_request

    ref = add_request(
        reg,
        OFFICER,
        received="2021-06-05",
        subject="Community Safety Partnerships and Domestic Homicide Reviews",
        requester_name="A. Requester",
        requester_email="a.requester@example.org",
        handler=OFFICER,
        today="2021-06-07",
        questions=[
            "How many Community Safety Partnerships (CSP) are there in total within the West "
            "Midlands police force area?",
            "List all relevant CSPs and provide web addresses.",
            "How many Domestic Homicide Reviews (DHRs) did each CSP conduct between 1 Jan 17 to "
            "31 Dec 19?",
            "Are all DHRs available on each CSP website?",
            "If no to question 4 above, how can each DHR be accessed?",
        ],
    )
    answers = {
        1: "There are {{ csps|length }} Community Safety Partnerships in the West Midlands police "
        "force area.",
        2: "{% for c in csps %}{{ c.name }}: {{ c.website or 'web address not held' }}"
        "{{ '; ' if not loop.last else '.' }}{% endfor %}",
        3: "Claims for 2019-20: {% for f in figures if f.topic == 'dhr' and f.measure == 'claimed'"
        " %}{{ f.area }} {{ f.value }}{{ ' (' ~ f.note ~ ')' if f.note and 'Wolves' not in f.note"
        " else '' }}{{ '; ' if not loop.last else '.' }}{% endfor %} Sandwell: "
        "{{ figure('dhr', 'claimed', area='Sandwell', period='2019-20') }}.",
    }
    for number, text in answers.items():
        answer_question(reg, OFFICER, ref, number, text=text)
    answer_question(reg, OFFICER, ref, 4, not_held=True)
    answer_question(
        reg,
        OFFICER,
        ref,
        5,
        text="{% for c in csps %}{{ c.name }} - {% if c.email %}{{ c.email }}{% else %}"
        "withheld: {{ c.withheld_reason }}{% endif %}\n{% endfor %}",
        exemptions=[("40(2)", "Some addresses name individual officers.", None)],
    )
    if close:
        close_request(
            reg,
            OFFICER,
            ref,
            responded="2021-06-10",
            outcome="partially-withheld",
            today="2021-06-10",
        )
    return ref


def lifecycle(reg: Register) -> dict[str, str]:
    """One request per letter kind, each in the state its letter is for."""
    from foikit.casework import lifecycle as requests
    from foikit.casework import reviews

    def new(subject: str) -> str:
        return requests.add_request(
            reg,
            OFFICER,
            received="2021-06-05",
            subject=subject,
            requester_name="A. Requester",
            requester_address=["1 High Street", "Walsall", "WS1 1AA"],
            handler=OFFICER,
            questions=["All the figures, please."],
            today="2021-06-07",
        )

    refs = {"acknowledgement": new("Acknowledged")}
    refs["clarification"] = new("Unclear")
    requests.clarify(
        reg,
        OFFICER,
        refs["clarification"],
        sent="2021-06-08",
        detail="Which years?",
        today="2021-06-08",
    )
    refs["fees"] = new("Costly")
    requests.fee(
        reg,
        OFFICER,
        refs["fees"],
        sent="2021-06-09",
        amount="12.50",
        detail="By card.",
        today="2021-06-09",
    )
    refs["extension"] = new("Sensitive")
    requests.extend(
        reg,
        OFFICER,
        refs["extension"],
        reason="public-interest",
        detail="section 31(1)(a)",
        today="2021-06-20",
    )
    refs["refusal"] = new("Everything")
    requests.answer_question(
        reg,
        OFFICER,
        refs["refusal"],
        1,
        text="Ask for one year only.",
        exemptions=[("12", "About 40 hours.", None)],
    )
    refs["response"] = new("Answered")
    requests.answer_question(reg, OFFICER, refs["response"], 1, text="Here they are & more.")
    reviewed = new("Reviewed")
    requests.answer_question(reg, OFFICER, reviewed, 1, text="Here.")
    requests.close_request(
        reg,
        OFFICER,
        reviewed,
        responded="2021-06-10",
        outcome="granted-in-full",
        today="2021-06-10",
    )
    reviews.open_review(
        reg,
        "the.reviewer",
        reviewed,
        received="2021-06-15",
        reviewer="the.reviewer",
        today="2021-06-15",
    )
    refs["review-acknowledgement"] = reviewed
    decided = new("Decided")
    requests.answer_question(reg, OFFICER, decided, 1, text="Here.")
    requests.close_request(
        reg, OFFICER, decided, responded="2021-06-10", outcome="granted-in-full", today="2021-06-10"
    )
    reviews.open_review(
        reg,
        "the.reviewer",
        decided,
        received="2021-06-15",
        reviewer="the.reviewer",
        today="2021-06-15",
    )
    reviews.close_review(
        reg,
        "the.reviewer",
        decided,
        decided="2021-07-01",
        outcome="upheld",
        reasons="The answer was complete.",
        today="2021-07-01",
    )
    refs["review-outcome"] = decided
    return refs  # fmt: skip
