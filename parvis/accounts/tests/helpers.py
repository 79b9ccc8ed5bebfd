"""Helpers for the account tests: read links out of the emails that went through the SMTP server."""

import re
from urllib.parse import urlsplit

from parvis.testing.smtp import body_text

PASSWORD = "une phrase de passe solide"
ARGON2 = ["django.contrib.auth.hashers.Argon2PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
LINK_RE = re.compile(r"https?://\S+")
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def links_in(message):
    return LINK_RE.findall(body_text(message))


def path_of(link):
    return urlsplit(link).path


def only_message_to(mailbox, address):
    messages = mailbox.to(address)
    assert len(messages) == 1, [m["Subject"] for m in mailbox.messages]
    return messages[0]


def link_to(mailbox, address, contains):
    """The path of the one link containing `contains` in the one email sent to `address`."""
    links = [link for link in links_in(only_message_to(mailbox, address)) if contains in link]
    assert len(links) == 1, links
    return path_of(links[0])



def subject(message):
    """The subject, without the leading space that Python's header folding leaves on long encoded subjects."""
    return str(message["Subject"]).strip()


def without_csrf(page):
    """A page without its CSRF tokens (masked differently on each response), to compare two pages."""
    return CSRF_RE.sub("", page)
