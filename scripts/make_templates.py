"""Build the default letter templates with python-docx, in foikit/letters/templates/ (the set
shipped in the package) unless DIR is given.

    .venv/bin/python scripts/make_templates.py [DIR]

The generated .docx files are committed; `foikit init` copies them to templates/ beside a new
register, where officers restyle them in Word (fonts, spacing, a logo) without touching code.
Rerun this only to change the wording for everyone, then check the result with
`foikit templates check`.

Tags follow docxtpl: `{%p ... %}` on a paragraph of its own is replaced by the tag, so loops and
conditions add or drop whole paragraphs; `{{ ... }}` and `{% if %}` inside a paragraph work on
text. Every value is escaped when rendered, so nothing here needs to escape.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
Item = str | tuple[str, str]

# -- the parts every letter shares ------------------------------------------------------------

LETTERHEAD: list[Item] = [
    ("office", "{{ office.name }}"),
    "{%p for line in office.address %}",
    ("right", "{{ line }}"),
    "{%p endfor %}",
    ("right", "Telephone: {{ office.phone }}"),
    ("right", "Email: {{ office.email }}"),
    "{%p if office.website %}",
    ("right", "Website: {{ office.website }}"),
    "{%p endif %}",
    "{%p if draft %}",
    ("draft", "DRAFT: NOT FOR SENDING"),
    "{%p endif %}",
    "{%p if published %}",
    ("note", "Published copy for the disclosure log: the requester's details have been removed."),
    "{%p endif %}",
    ("blank", ""),
    "Our reference: {{ request.reference }}",
    "Date: {{ today|uk_date }}",
    ("blank", ""),
    "{%p if requester %}",
    ("tight", "{{ requester.name }}"),
    "{%p for line in requester.address %}",
    ("tight", "{{ line }}"),
    "{%p endfor %}",
    "{%p if requester.email and not requester.address %}",
    ("tight", "By email: {{ requester.email }}"),
    "{%p endif %}",
    ("blank", ""),
    "{%p endif %}",
    "Dear {% if requester and requester.salutation %}{{ requester.salutation }}{% else %}Applicant"
    "{% endif %},",
    ("title", "Re: {{ request.subject }}"),
]

QUESTIONS: list[Item] = [
    "{%p for q in request.questions %}",
    ("quote", "{{ q.number }}) {{ q.text }}"),
    "{%p endfor %}",
]

ADDRESS_OFFICE: list[Item] = [
    ("tight", "{{ office.name }}"),
    "{%p for line in office.address %}",
    ("tight", "{{ line }}"),
    "{%p endfor %}",
    ("tight", "Email: {{ office.email }}"),
    ("tight", "Telephone: {{ office.phone }}"),
    ("blank", ""),
]

ICO_ADDRESS: list[Item] = [
    ("tight", "{{ ico.name }}"),
    "{%p for line in ico.address %}",
    ("tight", "{{ line }}"),
    "{%p endfor %}",
    ("tight", "Helpline: {{ ico.helpline }}"),
    ("tight", "Website: {{ ico.website }}"),
    ("tight", "Complaints: {{ ico.complaint_url }}"),
    ("blank", ""),
]

# When the ICO asks complaints to be made: FOIA and EIR, weeks after the final response (the
# setting ico.complaint_weeks); subject access, three months after the last meaningful contact.
COMPLAINT_TIME = (
    "{% if regime.complaint_time %}{{ regime.complaint_time }}{% else %}within "
    "{{ ico.complaint_weeks|words }} weeks of our final response{% endif %}"
)

NO_CHARGE = (
    "There is no charge for asking for an internal review or for complaining to the "
    "Information Commissioner."
)

RIGHT_OF_APPEAL: list[Item] = [
    ("heading", "Your right to ask for a review and to complain"),
    "If you are unhappy with the way we have handled your request, you may ask for an internal "
    "review{% if regime.review_law %}, by making representations under {{ regime.review_law }}"
    "{% endif %}. Please write to us, by letter or email, within {{ office.review_within_days }} "
    "working days of the date of our response, quoting your reference {{ request.reference }} "
    "and saying why you would like a review, to:",
    *ADDRESS_OFFICE,
    "We will acknowledge your request for a review and tell you when to expect the outcome. The "
    "review will be carried out by someone who was not involved in the original response. "
    "{{ regime.review_time }}",
    "If you remain dissatisfied after the internal review, you have the right to complain to the "
    "Information Commissioner under {{ regime.complaint_law }}. The Commissioner asks that "
    "complaints are made " + COMPLAINT_TIME + ". "
    "The Information Commissioner's Office can be contacted at:",
    *ICO_ADDRESS,
    NO_CHARGE,
]

# Signed by whoever decided (foikit.letters.signatory: handler, reviewer, else the office).
SIGN_OFF: list[Item] = [
    ("blank", ""),
    "Yours sincerely,",
    ("blank", ""),
    ("tight", "{{ signatory.name }}"),
    "{%p if signatory.title %}",
    ("tight", "{{ signatory.title }}"),
    "{%p endif %}",
    ("tight", "{{ office.name }}"),
]

# The s.17(1) content for one exemption `e` on question `q` (s.17(1)(a)-(c), s.17(3)).
# What a s.12 refusal says (s.12, the Fees Regulations 2004, s.17(5)): the estimate, the limit.
COST_LIMIT = (
    "the cost of complying would exceed the appropriate limit of {{ office.cost_limit|money }}, "
    "which represents {{ office.cost_limit // office.hourly_rate }} hours of staff time at "
    "{{ office.hourly_rate|money }} an hour (the Freedom of Information and Data Protection "
    "(Appropriate Limit and Fees) Regulations 2004), counting only the time needed to find out "
    "whether we hold the information and to locate, retrieve and extract it"
)

# The public interest paragraph: FOIA s.2(2)(b), s.17(3); EIR regs 12(1)(b) and 12(2); NCND
# weighs confirming or denying, not withholding (s.2(1)(b)).
PUBLIC_INTEREST = (
    "{% if e.ground == 'exception' %}{% if e.section == 'reg 12(4)(a)' %}{% elif "
    "e.public_interest_test %}Under regulation 12(1)(b) of the Regulations we may refuse to "
    "disclose only if, in all the circumstances, the public interest in maintaining the "
    "exception outweighs the public interest in disclosing the information, and regulation "
    "12(2) requires us to apply a presumption in favour of disclosure.{% if e.public_interest %} "
    "{{ e.public_interest }}{% endif %}{% else %}The public interest test in regulation "
    "12(1)(b) does not apply to personal data refused under regulation 13 on this ground."
    "{% endif %}{% elif e.refusal %}No public interest test applies to {{ e.label }}."
    "{% elif e.ground == 'exemption' and e.section.startswith(('sch ', 'art ')) %}This "
    "restriction has no public interest test, but applies only so far as the law allows; we "
    "have given our reasons above.{% elif e.public_interest_test %}This is a qualified "
    "exemption, so we have considered whether the public interest in {% if e.ncnd %}"
    "maintaining the exclusion of the duty to confirm or deny outweighs the public interest in "
    "telling you whether we hold the information{% else %}withholding the information "
    "outweighs the public interest in disclosing it{% endif %}.{% if e.public_interest %} "
    "{{ e.public_interest }}{% endif %}{% else %}This is an absolute exemption, so the public "
    "interest test does not apply.{% endif %}"
)

# How the ground is named: FOIA "withholding ... under section N"; an EIR exception "refusing
# to disclose ... under regulation N"; not held under the EIR is reg 12(4)(a); NCND relies on
# the provision that removes the duty to confirm or deny (s.31(3), not s.31(1)(a)).
GROUND = (
    "{% if e.ncnd %}We neither confirm nor deny whether we hold this information, relying on "
    "{{ e.ncnd_label }} of {{ regime.short }}, which removes the duty to confirm or deny where "
    "{{ e.label }} ({{ e.name }}) would apply.{% elif e.section == 'reg 12(4)(a)' %}We do not "
    "hold this information, so regulation 12(4)(a) of the Regulations applies.{% elif e.ground "
    "== 'exception' %}We are refusing to disclose this information under the exception in "
    "{{ e.label }} of the Regulations ({{ e.name }}).{% elif e.section.startswith(('sch ', "
    "'art ')) %}We are not providing this information: {{ e.label }} ({{ e.name }}) applies."
    "{% else %}We are withholding this information under {{ e.label }} of {{ regime.short }} "
    "({{ e.name }}).{% endif %}"
)

EXEMPTION: list[Item] = [
    "{% if e.section == '12' %}We are not obliged to answer this question (section 12 of "
    "{{ regime.short }}): " + COST_LIMIT + ".{% if e.reason %} Our estimate: {{ e.reason }}"
    "{% endif %}{% elif "
    "e.section in ['14', '14(1)'] %}We are not obliged to answer this question because we "
    "consider the request vexatious (section 14(1) of {{ regime.short }}).{% elif e.section == "
    "'14(2)' %}We are not obliged to answer this question because it repeats an earlier request "
    "(section 14(2) of {{ regime.short }}).{% else %}" + GROUND + "{% endif %}"
    "{% if e.reason and e.section != '12' %} {{ e.reason }}{% endif %}",
    PUBLIC_INTEREST,
]

# The figures an answer cites (`q.figures`, read from its figure() calls), as a table with the
# source of each noted under it, so a figure is never a bare number on a line.
FIGURES_TABLE: list[Item] = [
    "{%p if q.figures %}",
    ("table", "figures"),
    "{%p for source in q.figures|map(attribute='source')|unique %}",
    ("source", "Source: {{ source }}"),
    "{%p endfor %}",
    "{%p endif %}",
]

# -- the kinds ------------------------------------------------------------------------------------

ACKNOWLEDGEMENT: list[Item] = [
    "Thank you for your request for information under {{ regime.act }}, which we received on "
    "{{ request.received|uk_date }}. We have logged it under the reference "
    "{{ request.reference }}; please quote it whenever you contact us about this request.",
    "{%p if request.questions %}",
    "You asked:",
    *QUESTIONS,
    "{%p endif %}",
    "{%p if request.due %}",
    "We will respond promptly and in any event by {{ request.due|uk_date }}, "
    "{{ regime.time_limit }} after the day we received your request."
    "{% if regime.key != 'sar' %} Working days exclude weekends and the bank holidays of every "
    "part of the United Kingdom.{% endif %}",
    "{%p else %}",
    "The time for our response is paused at the moment; we will write to you separately "
    "about what we need from you.",
    "{%p endif %}",
    "If we need you to clarify your request, or if a fee is payable, we will write to you; the "
    "time for our response is then paused until we hear from you.",
    *RIGHT_OF_APPEAL,
]

CLARIFICATION: list[Item] = [
    "Thank you for your request for information under {{ regime.act }}, which we received on "
    "{{ request.received|uk_date }} (our reference {{ request.reference }}).",
    "Before we can answer it, we need you to clarify it:",
    ("quote", "{{ event.detail or 'Please tell us more precisely what information you want.' }}"),
    "Under {{ regime.clarify_law }} we are not obliged to deal with your request until we have "
    "this further information. The time for our response stopped on {{ event.date|uk_date }}, "
    "when we asked you for clarification, and {{ regime.clarify_effect }}.",
    "We are happy to advise and assist you in rewording your request; please contact us at "
    "{{ office.email }} or on {{ office.phone }}.",
    "If we have not heard from you within three months of the date of this letter, we may treat "
    "your request as closed; you are welcome to make a fresh request at any time.",
    *RIGHT_OF_APPEAL,
]

FEES: list[Item] = [
    "Thank you for your request under {{ regime.act }}, which we received on "
    "{{ request.received|uk_date }} (our reference {{ request.reference }}).",
    "This letter is a fees notice under {{ regime.fee_law }}. A fee of "
    "{{ event.amount|money }} is payable before "
    "we provide the information.{% if regime.fee_basis %} {{ regime.fee_basis }}{% endif %}",
    ("bold", "How to pay"),
    "{{ event.detail or 'Please contact us at ' ~ office.email ~ ' or on ' ~ office.phone ~ "
    "' to arrange payment, quoting your reference.' }}",
    "{% if regime.fee_time_law %}The working days from the date of this notice"
    "{% if event.date %}, {{ event.date|uk_date }},{% endif %} until the day we receive your "
    "payment do not count towards the time we have to respond ({{ regime.fee_time_law }})."
    "{% else %}The {{ regime.time_limit }} we have to respond runs from the day we receive your "
    "payment.{% endif %}",
    "{%p if regime.fee_lapse %}",
    "If the fee is not paid within {{ regime.fee_lapse }} of the date of this notice"
    "{% if event.lapses %}, that is by {{ event.lapses|uk_date }}{% endif %}, we are not obliged "
    "to provide the information ({{ regime.fee_lapse_law }}) and we will close your request.",
    "{%p else %}",
    "We are not obliged to respond to your request until the fee is paid.",
    "{%p endif %}",
    *RIGHT_OF_APPEAL,
]

EXTENSION: list[Item] = [
    "Thank you for your request for information under {{ regime.act }}, which we received on "
    "{{ request.received|uk_date }} (our reference {{ request.reference }}).",
    "{%p if event.reason == 'complex' %}",
    "Your request is complex and voluminous. {% if regime.key == 'sar' %}Article 12(3) of the "
    "UK General Data Protection Regulation allows us to extend the time for our response by up to "
    "two further months.{% else %}Regulation 7(1) of the Environmental Information Regulations "
    "2004 allows us to extend the time for our response to 40 working days.{% endif %} "
    "We will respond by {{ request.due|uk_date if request.due else 'a date we will confirm' }}.",
    "{%p else %}",
    "We hold information within the scope of your request that we believe is exempt under "
    "{{ event.considering }}. This is a qualified exemption, so we must decide whether the "
    "public interest in withholding the information outweighs the public interest in disclosing "
    "it. Section 10(3) of the Freedom of Information Act 2000 allows us such further time as is "
    "reasonable to decide.",
    "This letter is our notice under section 17(2) of the Act{% if event.late %}. It is sent "
    "after the date our response was due, and we apologise that it is late: a late notice does "
    "not extend the time we had to respond{% endif %}. We estimate that we "
    "will reach our decision on the public interest, and send you our response, by "
    "{{ request.due|uk_date if request.due else 'a date we will confirm' }}.",
    "{%p endif %}",
    "If we are able to respond sooner, we will.",
    *RIGHT_OF_APPEAL,
]

RESPONSE: list[Item] = [
    "Thank you for your request for information under {{ regime.act }}, received in this office "
    "on {{ request.received|uk_date }}. Each of your questions is set out below in your own "
    "words, followed by our response.",
    "{%p for q in request.questions %}",
    ("bold", "Question {{ q.number }}"),
    ("quote", "{{ q.text }}"),
    "{%p if q.status == 'answered' %}",
    "{{ q.answer }}",
    *FIGURES_TABLE,
    "{%p elif q.status == 'not-held' %}",
    "We do not hold this information.{% if regime.key.startswith('eir') %} Regulation 12(4)(a) "
    "of the Regulations applies: we did not hold it when we received your request.{% endif %}"
    "{% if q.answer %} {{ q.answer }}{% endif %}",
    "{%p elif q.status == 'exempt' %}",
    "{%p if q.answer and not q.exemptions|selectattr('section', 'equalto', '12')|list %}",
    "{{ q.answer }}",
    "{%p endif %}",
    "{%p for e in q.exemptions %}",
    *EXEMPTION,
    "{%p endfor %}",
    "{%p if q.answer and q.exemptions|selectattr('section', 'equalto', '12')|list %}",
    "Advice and assistance (section 16 of the Act): {{ q.answer }}",
    "{%p endif %}",
    "{%p else %}",
    ("draft", "[No answer recorded yet]"),
    "{%p endif %}",
    "{%p endfor %}",
    "{%p if office.disclosure_log_url %}",
    "We publish our responses to information requests, without the requester's name or contact "
    "details, in our disclosure log at {{ office.disclosure_log_url }}.",
    "{%p endif %}",
    *RIGHT_OF_APPEAL,
]

REFUSAL: list[Item] = [
    "Thank you for your request for information under {{ regime.act }}, received in this office "
    "on {{ request.received|uk_date }}, in which you asked:",
    *QUESTIONS,
    "This letter is our refusal notice under {{ regime.refusal_law }}. It sets out each "
    "ground on which we are refusing your request and why it applies.",
    "{%p for e in exemptions %}",
    ("bold", "{{ e.label|capitalize }}: {{ e.name }}"),
    "This applies to question{{ 's' if e.questions|length > 1 else '' }} "
    "{{ e.questions|and_list }}.",
    "{%p if e.section == '12' %}",
    "We estimate that " + COST_LIMIT + ". Section 12 of the Act therefore does not oblige us "
    "to comply with your request.{% if e.reason %} Our estimate: {{ e.reason }}{% endif %}",
    ("subheading", "Advice and assistance"),
    "Under section 16 of the Act we offer the following advice on how you could narrow your "
    "request so that we may be able to answer it within the limit: "
    "{{ e.advice or '[advice to be given]' }}",
    "{%p elif e.section in ['14', '14(1)'] %}",
    "We consider your request vexatious, so section 14(1) of the Act means we are not obliged to "
    "comply with it.{% if e.reason %} {{ e.reason }}{% endif %} No public interest test applies "
    "to section 14.",
    "{%p elif e.section == '14(2)' %}",
    "Your request is identical or substantially similar to an earlier request from you which we "
    "complied with, and a reasonable interval has not passed since then, so section 14(2) of the "
    "Act means we are not obliged to comply with it.{% if e.reason %} {{ e.reason }}{% endif %} "
    "No public interest test applies to section 14.",
    "{%p else %}",
    GROUND + "{% if e.reason %} {{ e.reason }}{% endif %}",
    "{%p endif %}",
    "{%p if not e.refusal %}",
    PUBLIC_INTEREST,
    "{%p endif %}",
    "{%p endfor %}",
    *RIGHT_OF_APPEAL,
]

# The requester's grounds, in their words (review open --grounds); `release` drops them.
REVIEW_GROUNDS: list[Item] = [
    "{%p if review.grounds %}", "You asked us to review our response because:",
    ("quote", "{{ review.grounds }}"), "{%p endif %}",
]

REVIEW_ACKNOWLEDGEMENT: list[Item] = [
    "Thank you for your request, received on {{ review.received|uk_date }}, for an internal "
    "review of our response to your request {{ request.reference }}"
    "{% if request.responded %}, which we sent on {{ request.responded|uk_date }}{% endif %}.",
    *REVIEW_GROUNDS,
    "The review will be carried out by someone who was not involved in the original response. We "
    "aim to send you the outcome by {{ review.due|uk_date }}, {{ review.days }} working days "
    "after we received your request for a review.{% if review.days < 40 %} If the review needs "
    "longer in exceptional circumstances we will tell you before then, and it will not take more "
    "than 40 working days in total.{% endif %}",
    "{%p if regime.review_law %}",
    "We are reconsidering our response on your representations under {{ regime.review_law }}. "
    "{{ regime.review_time }}",
    "{%p endif %}",
    "{%p if review.late_request %}",
    "Your request for a review reached us more than {{ office.review_within_days }} working days "
    "after our response. We have accepted it nonetheless.",
    "{%p endif %}",
    ("heading", "Your right to complain to the Information Commissioner"),
    "If you remain dissatisfied once the review is complete, you have the right to complain to "
    "the Information Commissioner under {{ regime.complaint_law }}. The Commissioner asks that "
    "complaints are made " + COMPLAINT_TIME + ", "
    "which will be the outcome of this review. The Information Commissioner's Office can be "
    "contacted at:",
    *ICO_ADDRESS,
    NO_CHARGE,
]

REVIEW_OUTCOME: list[Item] = [
    "We have completed the internal review, which you asked for on "
    "{{ review.received|uk_date }}, of our response to your request {{ request.reference }}"
    "{% if request.responded %}, sent on {{ request.responded|uk_date }}{% endif %}. The review "
    "was carried out by someone who was not involved in the original response"
    "{% if review.decided %}, and was decided on {{ review.decided|uk_date }}{% endif %}.",
    *REVIEW_GROUNDS,
    ("bold", "Decision"),
    "{% if review.outcome == 'upheld' %}The review upholds our original response.{% elif "
    "review.outcome == 'partly-upheld' %}The review upholds our original response in part."
    "{% elif review.outcome == 'overturned' %}The review does not uphold our original response. "
    "We will send you a fresh response{% if request.due and request.status == 'open' %} by "
    "{{ request.due|uk_date }}{% endif %}.{% else %}[The review has not been decided yet.]"
    "{% endif %}",
    "{%p if regime.review_law %}",
    "This is our decision on your representations under {{ regime.review_law }}.",
    "{%p endif %}",
    ("bold", "Reasons"),
    "{{ review.reasons or '[reasons to be given]' }}",
    ("heading", "Your right to complain to the Information Commissioner"),
    "{%p if review.outcome == 'overturned' %}",
    "Our fresh response will be our final response. If you remain dissatisfied with it, you "
    "have the right to complain to the Information Commissioner under "
    "{{ regime.complaint_law }}; the Commissioner asks that complaints are made "
    + COMPLAINT_TIME
    + ". The Information Commissioner's Office can be contacted at:",
    "{%p else %}",
    "If you remain dissatisfied, you have the right to complain to the Information Commissioner "
    "under {{ regime.complaint_law }}. This letter is our final response: the Commissioner asks "
    "that complaints are made " + COMPLAINT_TIME + ". The Information Commissioner's Office "
    "can be contacted at:",
    "{%p endif %}",
    *ICO_ADDRESS,
    "There is no charge for complaining to the Information Commissioner.",
]


KINDS: dict[str, list[Item]] = {
    "acknowledgement": ACKNOWLEDGEMENT,
    "clarification": CLARIFICATION,
    "fees": FEES,
    "extension": EXTENSION,
    "response": RESPONSE,
    "refusal": REFUSAL,
    "review-acknowledgement": REVIEW_ACKNOWLEDGEMENT,
    "review-outcome": REVIEW_OUTCOME,
}

# -- building the documents ---------------------------------------------------------------------


def _style(doc: DocumentObject) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(8)
    for section in doc.sections:
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4
        section.top_margin = section.bottom_margin = Cm(2.0)
        section.left_margin = section.right_margin = Cm(2.5)


# -- accessibility: styles, language, page numbers, tables, properties ----------------------------

# Item kinds drawn as real Word styles (a screen reader's heading list, a tagged PDF's H1/H2).
STYLE_OF = {
    "title": "Heading 1",
    "heading": "Heading 2",
    "bold": "Heading 2",
    "subheading": "Heading 3",
    "tight": "Address",
    "quote": "Quote",
    "source": "Caption",
}
HEADING_SIZES = {"Heading 1": 13, "Heading 2": 12, "Heading 3": 11}
LANGUAGE = "en-GB"


def _plain_fonts(style: Any) -> None:
    """Arial in black, not the theme's fonts and colours (which Word would prefer)."""
    rpr = style.element.get_or_add_rPr()
    for old in rpr.findall(qn("w:rFonts")) + rpr.findall(qn("w:color")):
        rpr.remove(old)
    style.font.name = "Arial"
    style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)


def _accessible_styles(doc: DocumentObject) -> None:
    """Headings as Heading 1-3 that keep with the next paragraph; an Address style whose lines
    keep together (an address never splits across pages); Quote and Caption in plain type."""
    for name, size in HEADING_SIZES.items():
        style = doc.styles[name]
        _plain_fonts(style)
        style.font.size = Pt(size)
        style.font.bold = True
        fmt = style.paragraph_format
        fmt.keep_with_next = True
        fmt.keep_together = True
        fmt.space_before = Pt(12)
        fmt.space_after = Pt(6)
    address = doc.styles.add_style("Address", WD_STYLE_TYPE.PARAGRAPH)
    address.base_style = doc.styles["Normal"]
    address.paragraph_format.space_after = Pt(0)
    address.paragraph_format.keep_with_next = True
    address.paragraph_format.keep_together = True
    quote = doc.styles["Quote"]
    _plain_fonts(quote)
    quote.font.italic = True
    quote.paragraph_format.left_indent = Cm(1)
    caption = doc.styles["Caption"]
    _plain_fonts(caption)
    caption.font.size = Pt(9)
    caption.font.bold = False
    caption.paragraph_format.space_before = Pt(4)


def _language(doc: DocumentObject) -> None:
    """British English for the spelling checker, the screen reader and the PDF's /Lang."""
    styles = doc.styles.element
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), LANGUAGE)
        lang.set(qn("w:eastAsia"), LANGUAGE)
    settings = doc.settings.element
    for lang in settings.iter(qn("w:themeFontLang")):
        lang.set(qn("w:val"), LANGUAGE)
        lang.set(qn("w:eastAsia"), LANGUAGE)


def _field(paragraph: Any, instruction: str) -> None:
    """A simple field (PAGE, NUMPAGES) that Word and LibreOffice fill in."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _page_numbers(doc: DocumentObject) -> None:
    """Page numbers, "Page 1 of 2", under the footer line of every page."""
    footer = doc.sections[0].footer
    p = footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in ("Page ", "PAGE", " of ", "NUMPAGES"):
        if piece.isupper():
            _field(p, f" {piece} ")
        else:
            p.add_run(piece)
    for run in p.runs:
        run.font.size = Pt(8)


def _figures_table(doc: DocumentObject) -> None:
    """A table of the figures a question's answer cites: a header row repeated on each page,
    a caption for assistive technology, and a docxtpl row loop over `q.figures`."""
    headings = ("Figure", "Area", "Period", "Value")
    table = doc.add_table(rows=4, cols=len(headings))
    table.style = doc.styles["Table Grid"]
    tbl_pr = table._tbl.tblPr
    for tag, value in (
        ("w:tblCaption", "Figures used in this answer"),
        ("w:tblDescription", "Each figure with its area, period and value"),
    ):
        el = OxmlElement(tag)
        el.set(qn("w:val"), value)
        tbl_pr.append(el)
    header = table.rows[0]
    header_pr = header._tr.get_or_add_trPr()
    header_pr.append(OxmlElement("w:tblHeader"))
    for cell, text in zip(header.cells, headings, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for f in q.figures %}")
    for cell, key in zip(table.rows[2].cells, ("measure", "area", "period", "value"), strict=True):
        cell.paragraphs[0].add_run(f"{{{{ f.{key} }}}}")
    table.rows[2].cells[3].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")


# Properties from the office and the letter, never from the template: no 2013 date, no
# "python-docx". docProps/core.xml is rendered like the body (foikit.letters.docx).
CORE_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{title}</dc:title>"
    "<dc:subject>{{{{ request.reference }}}}</dc:subject>"
    "<dc:creator>{{{{ office.name }}}}</dc:creator>"
    "<cp:lastModifiedBy>{{{{ office.name }}}}</cp:lastModifiedBy>"
    "<dc:language>" + LANGUAGE + "</dc:language>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{{{{ today }}}}T00:00:00Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{{{{ today }}}}T00:00:00Z</dcterms:modified>'
    "</cp:coreProperties>"
)
APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
    'properties"><Application>foikit</Application><DocSecurity>0</DocSecurity></Properties>'
)


def _set_properties(path: Path, kind: str) -> None:
    """Rewrite the saved template's document properties (see CORE_XML)."""
    title = f"{KIND_TITLES.get(kind, kind.capitalize())} {{{{ request.reference }}}}"
    with zipfile.ZipFile(path) as z:
        members = [(info, z.read(info.filename)) for info in z.infolist()]
    replaced = {
        "docProps/core.xml": CORE_XML.format(title=title).encode(),
        "docProps/app.xml": APP_XML.encode(),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in members:
            z.writestr(info, replaced.get(info.filename, data))


KIND_TITLES = {
    "acknowledgement": "Acknowledgement of request",
    "clarification": "Request for clarification",
    "fees": "Fees notice",
    "extension": "Extension notice",
    "response": "Response to request",
    "refusal": "Refusal notice",
    "review-acknowledgement": "Acknowledgement of internal review",
    "review-outcome": "Outcome of internal review",
}


def _add(doc: DocumentObject, item: Item) -> None:
    style, text = ("plain", item) if isinstance(item, str) else item
    if style == "table":
        _figures_table(doc)
        return
    p = doc.add_paragraph(style=STYLE_OF.get(style))
    run = p.add_run(text)
    fmt = p.paragraph_format
    if style in ("right", "office"):
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.space_after = Pt(0)
    if style == "office":
        run.bold = True
        run.font.size = Pt(13)
    if style == "blank":
        fmt.space_after = Pt(0)
    if style == "draft":
        run.bold = True
        run.font.size = Pt(16)
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if style == "note":
        run.italic = True
        run.font.size = Pt(9)


def _footer(doc: DocumentObject) -> None:
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    mark = header.add_run("{% if draft %}DRAFT{% endif %}")
    mark.bold = True
    mark.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = footer.add_run(
        "{{ office.name }}, {{ office.address|join(', ') }} · Our reference {{ request.reference }}"
    )
    run.font.size = Pt(8)


def build(kind: str, body: list[Item]) -> DocumentObject:
    doc = Document()
    _style(doc)
    _accessible_styles(doc)
    _language(doc)
    _footer(doc)
    _page_numbers(doc)
    # A fresh Document() starts with no paragraphs; everything is ours.
    for item in [*LETTERHEAD, *body, *SIGN_OFF]:
        _add(doc, item)
    return doc


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "foikit" / "letters" / "templates"
    out.mkdir(parents=True, exist_ok=True)
    for kind, body in KINDS.items():
        path = out / f"{kind}.docx"
        build(kind, body).save(str(path))
        _set_properties(path, kind)
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
