"""Real-shaped request emails, built here (no fixture files): what the OPCC's inbox receives.

Each builder returns the bytes of a message as a mail server would store it. The Outlook
`.msg` is a real compound file written with extract-msg's own OLE writer, carrying the MAPI
properties Outlook writes (subject, sender, plain and HTML bodies, transport headers, an
attachment), so the reader is tested on the format, not on a stand-in.
"""

from __future__ import annotations

import struct
from email.message import EmailMessage
from email.policy import SMTP

WDTK_ADDRESS = "request-812345-6f1e2d3c@whatdotheyknow.com"

WDTK_BODY = f"""Dear Office of the Police and Crime Commissioner for the West Midlands,

Please could you tell me:

1. How many Domestic Homicide Reviews were commissioned by each Community Safety
Partnership in 2019-20?
2. How many of those reviews have been published?
3. Which CSP chairs the regional DHR panel?

Yours faithfully,

Daniel Okafor

-------------------------------------------------------------------

Please use this email address for all replies to this request:
{WDTK_ADDRESS}

Is foi@westmidlands-pcc.gov.uk the wrong address for Freedom of Information requests to Office of
the Police and Crime Commissioner for the West Midlands? If so, please contact us using this form:
https://www.whatdotheyknow.com/change_request/new?body=west_midlands_pcc

Disclaimer: This message and any reply that you make will be published on the internet. Our
privacy and copyright policies:
https://www.whatdotheyknow.com/help/officers

-------------------------------------------------------------------
"""


def _received(when: str, by: str = "mx1.westmidlands-pcc.gov.uk") -> str:
    return f"from mail.example.net (mail.example.net [192.0.2.10]) by {by} with ESMTPS; {when}"


def wdtk() -> bytes:
    msg = EmailMessage()
    msg["Received"] = _received("Tue, 04 Jun 2024 09:12:44 +0100")
    msg["Received"] = _received("Tue, 04 Jun 2024 08:12:40 +0000", by="relay.example.net")
    msg["From"] = f"Daniel Okafor <{WDTK_ADDRESS}>"
    msg["To"] = "FOI requests at West Midlands PCC <foi@westmidlands-pcc.gov.uk>"
    msg["Subject"] = "Freedom of Information request - Domestic Homicide Reviews"
    msg["Date"] = "Tue, 04 Jun 2024 08:12:31 +0000"
    msg["Message-ID"] = "<request-812345-6f1e2d3c@whatdotheyknow.com>"
    msg.set_content(WDTK_BODY)
    return msg.as_bytes(policy=SMTP)


OUTLOOK_HTML = """<html><head><style>p {margin:0}</style></head><body>
<p>Hello,</p>
<p>I would like the following under the FOI Act:</p>
<ol>
<li>The total MARAC referrals in Birmingham for 2018-19.</li>
<li>The number of those referrals that were repeat referrals.</li>
</ol>
<p>Kind regards,</p>
<p>Priya Shah<br>Research Officer<br>Example Charity</p>
</body></html>"""

OUTLOOK_TEXT = """Hello,

I would like the following under the FOI Act:

  1.  The total MARAC referrals in Birmingham for 2018-19.
  2.  The number of those referrals that were repeat referrals.

Kind regards,

Priya Shah
Research Officer
Example Charity
"""

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def outlook_with_attachment() -> bytes:
    msg = EmailMessage()
    msg["Received"] = _received("Wed, 05 Jun 2024 14:01:02 +0100")
    msg["From"] = '"Shah, Priya" <Priya.Shah@Example-Charity.org.uk>'
    msg["To"] = "foi@westmidlands-pcc.gov.uk"
    msg["Subject"] = "FOI: MARAC referrals"
    msg["Date"] = "Wed, 5 Jun 2024 13:00:58 +0000"
    msg["X-Mailer"] = "Microsoft Outlook 16.0"
    msg.set_content(OUTLOOK_TEXT)
    msg.add_alternative(OUTLOOK_HTML, subtype="html")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="earlier-letter.pdf")
    return msg.as_bytes(policy=SMTP)


def html_only_cp1252() -> bytes:
    """HTML only, quoted-printable, Windows-1252 (curly quotes, a pound sign, an en dash)."""
    html = (
        "<html><body><div>Good afternoon,</div><div><br></div>"
        "<div>Under the Freedom of Information Act, please tell me the OPCC\u2019s "
        "\u00a3 spend on the \u201cEarly Youth Intervention Fund\u201d in 2019\u201320 for "
        "each CSP.</div><div><br></div><div>Best wishes</div><div>Sin\u00e9ad Murphy</div>"
        "</body></html>"
    )
    import quopri

    body = quopri.encodestring(html.encode("cp1252")).decode("ascii")
    return (
        "Received: from smtp.example.ie by mx1.westmidlands-pcc.gov.uk with ESMTP;"
        " Mon, 10 Jun 2024 10:02:03 +0100\r\n"
        "From: =?windows-1252?Q?Sin=E9ad_Murphy?= <sinead.murphy@example.ie>\r\n"
        "To: foi@westmidlands-pcc.gov.uk\r\n"
        "Subject: =?windows-1252?Q?EYIF_spend_=96_2019-20?=\r\n"
        "Date: Mon, 10 Jun 2024 09:01:59 +0000\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: text/html; charset="windows-1252"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "\r\n" + body.replace("\n", "\r\n")
    ).encode("ascii")


REPLY_BODY = """Hi,

Thanks for your answer. Following on from that:

a) How many of the seven CSPs have a published DHR action plan?
b) When was each plan last updated?

Thanks,
Tom

On Mon, 3 Jun 2024 at 10:15, FOI Team <foi@westmidlands-pcc.gov.uk> wrote:
> Dear Mr Reid,
>
> 1. There are seven CSPs in the West Midlands.
> 2. The information is not held.
>
> Yours sincerely,
> FOI Team
"""


def reply_quoting() -> bytes:
    msg = EmailMessage()
    msg["Received"] = _received("Tue, 11 Jun 2024 16:40:00 +0100")
    msg["From"] = "Tom Reid <tom.reid@example.com>"
    msg["To"] = "foi@westmidlands-pcc.gov.uk"
    msg["Subject"] = "Re: Your FOI request FOI-2024-0003"
    msg["Date"] = "Tue, 11 Jun 2024 15:39:51 +0000"
    msg["In-Reply-To"] = "<foi-2024-0003@westmidlands-pcc.gov.uk>"
    msg.set_content(REPLY_BODY)
    return msg.as_bytes(policy=SMTP)


def friday_night() -> bytes:
    """Sent and delivered at 23:30 UTC on Friday 14 June 2024: 00:30 on Saturday in the UK."""
    msg = EmailMessage()
    msg["Received"] = _received("Fri, 14 Jun 2024 23:30:07 +0000")
    msg["From"] = "Night Owl <night.owl@example.org>"
    msg["To"] = "foi@westmidlands-pcc.gov.uk"
    msg["Subject"] = "Funding allocations"
    msg["Date"] = "Fri, 14 Jun 2024 23:30:00 +0000"
    msg.set_content(
        "Dear Sir/Madam,\n\nWhat was the community safety budget for 2019-20?\n\n"
        "Regards,\nNight Owl\n"
    )
    return msg.as_bytes(policy=SMTP)


# -- a real Outlook .msg ----------------------------------------------------------------------

_PT_UNICODE, _PT_BINARY, _PT_LONG = 0x001F, 0x0102, 0x0003


def _props(entries: list[tuple[int, int, int]], header: bytes) -> bytes:
    """A MAPI property stream: the header, then 16 bytes a property (tag, flags, value)."""
    out = bytearray(header)
    for prop_id, prop_type, value in entries:
        out += struct.pack("<IIQ", (prop_id << 16) | prop_type, 0x6, value)
    return bytes(out)


def outlook_msg(headers: str, body: str, html: str, attachment: tuple[str, bytes]) -> bytes:
    """An Outlook .msg: the property streams of [MS-OXMSG] written by extract-msg's OleWriter."""
    import io

    from extract_msg.ole_writer import OleWriter

    w = OleWriter()
    # the named-property map every .msg carries (empty: this message uses none)
    w.addEntry("__nameid_version1.0", storage=True)
    for stream in ("00020102", "00030102", "00040102"):
        w.addEntry(f"__nameid_version1.0/__substg1.0_{stream}", b"")
    strings = {
        0x001A: "IPM.Note",
        0x0037: "FOI: MARAC referrals (from Outlook)",
        0x0C1A: "Priya Shah",
        0x0C1F: "priya.shah@example-charity.org.uk",
        0x5D01: "priya.shah@example-charity.org.uk",
        0x0065: "priya.shah@example-charity.org.uk",
        0x0042: "Priya Shah",
        0x1000: body,
        0x007D: headers,
    }
    props = []
    for prop_id, text in strings.items():
        data = text.encode("utf-16-le")  # the stream has no terminator; its size counts one
        w.addEntry(f"__substg1.0_{prop_id:04X}{_PT_UNICODE:04X}", data)
        props.append((prop_id, _PT_UNICODE, len(data) + 2))
    html_bytes = html.encode("utf-8")
    w.addEntry(f"__substg1.0_1013{_PT_BINARY:04X}", html_bytes)
    props.append((0x1013, _PT_BINARY, len(html_bytes)))
    w.addEntry("__properties_version1.0", _props(props, struct.pack("<8xIIII8x", 1, 1, 0, 1)))
    name, data = attachment
    folder = "__attach_version1.0_#00000000"
    w.addEntry(folder, storage=True)
    encoded = name.encode("utf-16-le")
    mime = "application/pdf".encode("utf-16-le")
    w.addEntry(f"{folder}/__substg1.0_3707001F", encoded)
    w.addEntry(f"{folder}/__substg1.0_3704001F", encoded)
    w.addEntry(f"{folder}/__substg1.0_370E001F", mime)
    w.addEntry(f"{folder}/__substg1.0_37010102", data)
    w.addEntry(
        f"{folder}/__properties_version1.0",
        _props(
            [
                (0x3705, _PT_LONG, 1),  # PR_ATTACH_METHOD: by value
                (0x3707, _PT_UNICODE, len(encoded) + 2),
                (0x3704, _PT_UNICODE, len(encoded) + 2),
                (0x370E, _PT_UNICODE, len(mime) + 2),
                (0x3701, _PT_BINARY, len(data)),
                (0x0E21, _PT_LONG, 0),  # PR_ATTACH_NUM
            ],
            b"\0" * 8,
        ),
    )
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def outlook_msg_bytes() -> bytes:
    headers = (
        "Received: from EX01.example-charity.org.uk by mx1.westmidlands-pcc.gov.uk with ESMTPS;"
        " Wed, 05 Jun 2024 14:01:02 +0100\r\n"
        "From: Priya Shah <priya.shah@example-charity.org.uk>\r\n"
        "To: foi@westmidlands-pcc.gov.uk\r\n"
        "Subject: FOI: MARAC referrals (from Outlook)\r\n"
        "Date: Wed, 5 Jun 2024 13:00:58 +0000\r\n"
        "MIME-Version: 1.0\r\n\r\n"
    )
    return outlook_msg(headers, OUTLOOK_TEXT, OUTLOOK_HTML, ("earlier-letter.pdf", PDF))
