"""An issue as mail and as page: one rendering per edition and language, personalised by substitution.

Ten thousand subscribers must not mean ten thousand template renderings: the HTML (laid out in MJML and
compiled to tables that mail apps hold, its CSS inlined since some drop <style>) and the text are rendered
once per (edition, language) with a placeholder where each recipient's own unsubscribe link goes, and only
that link differs from mail to mail.
"""

from __future__ import annotations

import binascii
import hashlib
import secrets
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, formatdate, parseaddr
from urllib.parse import quote

import css_inline
from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup
from mjml import mjml2html

from ..delivery.outbox import RawMail, check_header
from ..models import NewsEdition, NewsIssue
from ..text import absolute_markdown, render_markdown
from . import tokens
from .images import sized_for_mail
from .languages import group_language, section_in, title_in

#: Gmail drops <style>, so every rule is also written on its elements; the <style> elements stay for the
#: clients that read them (the phone layout's media query, dark mode, Outlook's fixes)
_INLINER = css_inline.CSSInliner(keep_style_tags=True)

#: stands for the recipient's unsubscribe link until the mail is made for them
UNSUBSCRIBE_PLACEHOLDER = "https://unsubscribe.invalid/nmg-news-recipient-link"


@dataclass(frozen=True)
class ShownSection:
    heading: str
    html: Markup
    text: str
    members_only: bool
    #: the language the section is written in: the group's where the reader's has no text
    lang: str


@dataclass(frozen=True)
class RenderedEdition:
    subject: str
    html: str
    text: str


def sections_of(issue: NewsIssue, edition: NewsEdition, language: str) -> list[ShownSection]:
    """The sections an edition carries in a language, sanitised; empty sections are left out.

    Links and images the editor wrote relative (`/news`) are resolved against the issue's page on
    PUBLIC_URL, in the HTML and in the text alike: in a mail client a relative address leads nowhere."""
    page = web_url(issue)
    shown = []
    for section in issue.sections:
        if section.members_only and edition is NewsEdition.PUBLIC:
            continue
        text = section_in(section, language)
        if text.body.strip():
            shown.append(
                ShownSection(
                    text.heading,
                    render_markdown(text.body, images=True, base_url=page),
                    absolute_markdown(text.body, page),
                    section.members_only,
                    group_language() if text.falls_back else language,
                )
            )
    return shown


def web_url(issue: NewsIssue) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/news/{issue.number}"


def render(issue: NewsIssue, edition: NewsEdition, language: str) -> RenderedEdition:
    """The mail of one edition in one language, with UNSUBSCRIBE_PLACEHOLDER for the recipient's link."""
    context = {
        "issue": issue,
        "edition": edition,
        "sections": sections_of(issue, edition, language),
        "web_url": web_url(issue),
        "unsubscribe_url": UNSUBSCRIBE_PLACEHOLDER,
        "nmg_name": current_app.config["NMG_NAME"],
        "language": language,
    }
    subject = title_in(issue, language)
    with force_locale(language):
        layout = render_template("email/news_issue.mjml.html", subject=subject, **context)
        text = render_template("email/news_issue.txt", subject=subject, **context)
    return RenderedEdition(subject, sized_for_mail(_INLINER.inline(mjml2html(layout))), text)


def list_id(edition: NewsEdition) -> str:
    domain = current_app.config["MAIL_DOMAIN"]
    name = f"{current_app.config['NMG_SHORT_NAME']} e-news"
    if edition is NewsEdition.MEMBERS:
        return f'"{name} (members)" <enews-members.{domain}>'
    return f'"{name}" <enews.{domain}>'


def message_id(issue: NewsIssue, email: str) -> str:
    """The same for the same issue and address on every attempt and every run: a resend after a crash is
    recognisably the same mail to the mailbox provider, and the domain is always ours."""
    mark = hashlib.sha256(email.lower().encode()).hexdigest()[:20]
    return f"<enews.{issue.number}.{mark}@{current_app.config['MAIL_DOMAIN']}>"


@dataclass(frozen=True)
class MailTemplate:
    """An edition's mail with everything but the recipient filled in, encoded once."""

    #: the header lines every recipient's mail shares, CRLF-terminated
    common_headers: bytes
    subject: str
    boundary: str
    #: each body part, headers and quoted-printable body, cut where the recipient's link goes
    text_part: tuple[bytes, ...]
    html_part: tuple[bytes, ...]
    edition: NewsEdition
    #: where a mailed unsubscribe goes
    mailto_address: str


def mail_template(rendered: RenderedEdition, edition: NewsEdition) -> MailTemplate:
    """Encode the shared headers and the bodies once; a recipient's mail only adds its own link."""
    # Folded at 78 columns, a long one-click link would be RFC 2047-encoded, which no provider decodes in
    # List-Unsubscribe (RFC 2369 forbids it); lines up to RFC 5322's 998 keep it as it is.
    head = EmailMessage(policy=SMTP.clone(max_line_length=998))
    head["From"] = check_header("From", current_app.config["MAIL_DEFAULT_SENDER"])
    head["Subject"] = check_header("Subject", rendered.subject)
    head["Date"] = formatdate(localtime=False)
    head["List-Id"] = check_header("List-Id", list_id(edition))
    head["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    head["Precedence"] = "bulk"
    head["MIME-Version"] = "1.0"
    boundary = f"=_{secrets.token_hex(16)}"
    head["Content-Type"] = f'multipart/alternative; boundary="{boundary}"'
    common = head.as_bytes().split(b"\r\n\r\n", 1)[0] + b"\r\n"
    return MailTemplate(
        common,
        rendered.subject,
        boundary,
        _part("plain", rendered.text),
        _part("html", rendered.html),
        edition,
        _mailto_address(),
    )


def _mailto_address() -> str:
    # The calendar mailbox is read by the scheduler, which acts on these mails itself.
    config = current_app.config
    return (
        config["NEWS_UNSUBSCRIBE_MAILTO"]
        or config.get("CALENDAR_MAILBOX_ADDRESS")
        or parseaddr(config["MAIL_DEFAULT_SENDER"])[1]
    )


def _quoted_printable(text: str) -> bytes:
    # binascii's encoder is C; the email package's is Python and cost milliseconds a mail.
    encoded = binascii.b2a_qp(text.replace("\r\n", "\n").encode("utf-8"), istext=True)
    return encoded.replace(b"\n", b"\r\n")


#: a quoted-printable soft line break: it decodes to nothing, so pieces encoded apart join into one body
_SOFT_BREAK = b"=\r\n"


def _part(subtype: str, text: str) -> tuple[bytes, ...]:
    """The MIME part, its body encoded piece by piece around UNSUBSCRIBE_PLACEHOLDER: encoding a 20 KB
    body for every recipient cost more than everything else in their mail."""
    head = (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    ).encode()
    pieces = [_quoted_printable(piece) for piece in text.split(UNSUBSCRIBE_PLACEHOLDER)]
    return (head + pieces[0], *pieces[1:])


def _with_link(part: tuple[bytes, ...], link: bytes) -> bytes:
    return (_SOFT_BREAK + link + _SOFT_BREAK).join(part)


def prepared_mail(
    issue: NewsIssue,
    template: MailTemplate,
    holder_id: int,
    email: str,
    name: str,
    identifier: str | None = None,
) -> RawMail:
    """The recipient's mail, with the headers mailbox providers ask of bulk mail (RFC 2369, 2919, 8058):
    the template's shared bytes, the recipient's headers and the bodies with their own unsubscribe link.

    `identifier` replaces the Message-ID the issue has for this address (a test mail must not share it).
    Raises HeaderInjectionError for a line break in the name or the address."""
    token = tokens.unsubscribe_token(template.edition, holder_id, email)
    link = f"{current_app.config['PUBLIC_URL'].rstrip('/')}/news/unsubscribe/{token}"
    mailto = f"mailto:{template.mailto_address}?subject={quote('unsubscribe ' + token)}"
    to = formataddr((check_header("To", name), check_header("To", email)), charset="utf-8")
    identifier = identifier or message_id(issue, email)
    recipient_headers = (
        f"To: {to}\r\nMessage-ID: {identifier}\r\nList-Unsubscribe: <{link}>, <{mailto}>\r\n\r\n"
    ).encode()
    encoded_link = _quoted_printable(link)
    separator = f"\r\n--{template.boundary}\r\n".encode()
    content = b"".join(
        (
            template.common_headers,
            recipient_headers,
            separator[2:],
            _with_link(template.text_part, encoded_link),
            separator,
            _with_link(template.html_part, encoded_link),
            f"\r\n--{template.boundary}--\r\n".encode(),
        )
    )
    return RawMail(template.subject, identifier, content)
