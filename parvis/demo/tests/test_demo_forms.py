"""The forms of the demo procedures: every schema is usable, together they show every feature of the form
engine, and every demo procedure can be filed end to end through the HTTP pages, as a resident or, when
the procedure allows it, without an account.

The end-to-end filing reads each page as a browser would (the values the page shows, pre-filled ones
included), fills what is missing with valid values generated from the schema (`generate`), and follows
the redirects of the filing pages until the review; then it submits and checks the case and its emails.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from parvis.accounts.models import User
from parvis.cases.models import Case, CaseDocument
from parvis.demo import data
from parvis.demo.forms import FORMS
from parvis.filing.models import Draft
from parvis.formengine import FormDefinition, validate_schema
from parvis.formengine.conditions import evaluate, is_filled
from parvis.formengine.schema import FIELD_TYPES, RESERVED_PAGE_KEYS, parse_date_bound
from parvis.formengine.tests.helpers import docx_bytes, jpeg_bytes, odt_bytes, pdf_bytes, png_bytes
from parvis.procedures.models import Procedure
from parvis.testing.pdf import pdf_text
from parvis.testing.smtp import attachments

RESIDENT_EMAIL = data.RESIDENTS[0]["email"]
CONTACT_EMAIL = "voisin.anonyme@example.org"
ANONYMOUS_SLUGS = [slug for slug, procedure in data.PROCEDURES.items() if procedure["allow_anonymous"]]
VARIANTS = ("complet", "obligatoire")  # every visible field / only the required ones, other branches


# --- Walking a schema ---------------------------------------------------------------------------------

def walk(schema):
    """(page, section, field) of every field of a schema, in order."""
    for page in schema["pages"]:
        for section in page["sections"]:
            for field in section["fields"]:
                yield page, section, field


def leaves(condition):
    """The simple conditions inside a condition (through all/any)."""
    if not condition:
        return []
    if "all" in condition or "any" in condition:
        return [leaf for sub in condition.get("all") or condition.get("any") for leaf in leaves(sub)]
    return [condition]


def all_fields():
    return [(slug, field) for slug, schema in FORMS.items() for _, _, field in walk(schema)]


# --- The schemas themselves -----------------------------------------------------------------------------

def test_every_demo_procedure_has_its_form_in_the_demo_data():
    assert set(FORMS) == set(data.PROCEDURES)
    for slug, schema in FORMS.items():
        assert data.PROCEDURES[slug]["form_schema"] is schema


@pytest.mark.parametrize("slug", sorted(FORMS))
def test_demo_form_is_valid(slug):
    schema = FORMS[slug]
    assert validate_schema(schema) == []
    definition = FormDefinition(schema)
    assert definition.pages
    # Keys are unique in the whole form (pages, sections and fields together), as the format asks.
    keys = [page["key"] for page in schema["pages"]]
    keys += [section["key"] for page in schema["pages"] for section in page["sections"]]
    keys += [field["key"] for _, _, field in walk(schema)]
    assert len(keys) == len(set(keys)), sorted(key for key in keys if keys.count(key) > 1)
    assert not {page.key for page in definition.pages} & RESERVED_PAGE_KEYS
    # Say it once: something in every form is pre-filled from the resident's profile.
    assert any(field.prefill for field in definition.fields.values())
    # Every form can be answered: at least one required answer, and every label in plain words.
    assert any(field.required for field in definition.fields.values())
    for field in definition.fields.values():
        assert field.label.strip() and field.label == field.label.strip(), field.key


def test_demo_forms_use_every_field_type_and_widget():
    used = {field["type"] for _, field in all_fields()}
    assert used == set(FIELD_TYPES)
    choices = [field for _, field in all_fields() if field["type"] == "choice"]
    assert {field.get("widget", "radio") for field in choices} == {"radio", "select"}
    files = [field for _, field in all_fields() if field["type"] == "file"]
    assert {bool(field.get("multiple")) for field in files} == {True, False}
    assert any(field.get("prefill") == "profile.civility" for field in choices)


def test_demo_forms_use_every_kind_of_condition():
    page_conditions = [(slug, page) for slug, schema in FORMS.items() for page in schema["pages"]
                       if page.get("condition")]
    assert page_conditions, "a page condition"
    assert any(len(FORMS[slug]["pages"]) > 1 for slug, _ in page_conditions)
    assert any(section.get("condition") for schema in FORMS.values() for page in schema["pages"]
               for section in page["sections"]), "a section condition"
    field_operators = {leaf["op"] for _, field in all_fields() for leaf in leaves(field.get("condition"))}
    assert field_operators == {"equals", "not_equals", "one_of", "filled"}


def test_demo_has_uploads_and_an_anonymous_procedure():
    with_uploads = [slug for slug, field in all_fields() if field["type"] == "file"]
    assert len(set(with_uploads)) >= 3
    assert "signalement-espace-public" in ANONYMOUS_SLUGS
    report_types = {field["type"] for _, _, field in walk(FORMS["signalement-espace-public"])}
    assert "file" in report_types and "address" in report_types


def test_demo_forms_ask_for_no_health_or_religious_data():
    """Only strictly necessary data (GDPR): never health or religion as such."""
    forbidden = re.compile(r"santé|médic|maladi|handicap|religi|confession|culte|allerg", re.IGNORECASE)
    for slug, schema in FORMS.items():
        texts = [page.get("title", "") + page.get("help", "") for page in schema["pages"]]
        texts += [f"{field['label']} {field.get('help', '')} "
                  + " ".join(choice["label"] for choice in field.get("choices", [])) for _, _, field in walk(schema)]
        for text in texts:
            assert not forbidden.search(text), (slug, text)


# --- Loading the demo -----------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db):
    call_command("load_demo", "--core", stdout=io.StringIO())


def test_load_demo_publishes_each_form_once(demo):
    for slug, schema in FORMS.items():
        procedure = Procedure.objects.get(slug=slug)
        assert procedure.published_revision.form_schema == schema, slug
    revisions = {slug: Procedure.objects.get(slug=slug).published_revision_id for slug in FORMS}
    call_command("load_demo", "--core", stdout=io.StringIO())
    assert {slug: Procedure.objects.get(slug=slug).published_revision_id for slug in FORMS} == revisions


# --- A browser, roughly: what the page's form would post ---------------------------------------------------

class FormReader(HTMLParser):
    """Reads the controls of the `<form data-fe-form>` of a page and what a browser would post by default:
    text inputs with their value, checked boxes and radios, the selected option (else the first one)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: dict[str, list[str]] = {}
        self.file_inputs: list[str] = []
        self.in_form = False
        self.select = None  # [name, selected value or None, first value or None]
        self.textarea = None  # [name, text]

    def add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "data-fe-form" in attrs:
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                self.file_inputs.append(name)
            elif kind in ("radio", "checkbox"):
                if "checked" in attrs:
                    self.add(name, attrs.get("value") or "on")
            elif kind not in ("submit", "button", "reset", "image"):
                self.add(name, attrs.get("value") or "")
        elif tag == "select" and name:
            self.select = [name, None, None]
        elif tag == "option" and self.select is not None:
            value = attrs.get("value") or ""
            if self.select[2] is None:
                self.select[2] = value
            if "selected" in attrs:
                self.select[1] = value
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, text):
        if self.textarea is not None:
            self.textarea[1] += text

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "select" and self.select is not None:
            name, selected, first = self.select
            if selected is not None or first is not None:
                self.add(name, selected if selected is not None else first)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.add(self.textarea[0], self.textarea[1].removeprefix("\n"))
            self.textarea = None


def read_form(response):
    reader = FormReader()
    reader.feed(response.content.decode())
    return reader


def shown_answer(field, post):
    """The answer a field has in the posted data (what the page showed, pre-filled values included)."""
    values = post.get(field.key, [])
    first = values[0] if values else ""
    if field.type == "address":
        parts = {part: (post.get(f"{field.key}__{part}") or [""])[0] for part in ("street", "postcode", "city")}
        return parts if any(parts.values()) else None
    if field.type == "multichoice":
        return list(values)
    if field.type == "yesno":
        return {"true": True, "false": False}.get(first)
    if field.type == "consent":
        return True if values else None
    if field.type == "file":
        return None
    return first or None


# --- Valid answers from the schema -------------------------------------------------------------------------

FILE_CONTENTS = {"pdf": ("justificatif.pdf", pdf_bytes), "png": ("photo.png", png_bytes),
                 "jpeg": ("photo.jpg", jpeg_bytes), "odt": ("document.odt", odt_bytes),
                 "docx": ("document.docx", docx_bytes)}


def a_file(field, number=1):
    accept = field.options.get("accept", ["pdf", "jpeg", "png"])
    kind = next(kind for kind in accept if kind in FILE_CONTENTS)
    name, content = FILE_CONTENTS[kind]
    stem, extension = name.rsplit(".", 1)
    return SimpleUploadedFile(f"{field.key}-{stem}-{number}.{extension}", content())


def _bounded(field, full):
    low, high = field.options.get("min"), field.options.get("max")
    if full:
        return high if high is not None else (low if low is not None else 0) + 2
    return low if low is not None else (high if high is not None and high < 1 else 1)


def generate(field, full):
    """A valid value for `field`: (answer used for conditions, what to post). `full` picks the other
    branch of choices and the other bound of numbers, so the two variants cover more of each form."""
    options = field.options
    if field.type == "text":
        value = "Texte d'exemple"[: options.get("max_length", 255)]
        return value, value
    if field.type == "textarea":
        return "Une réponse de quelques lignes.", "Une réponse de quelques lignes."
    if field.type == "email":
        return "reponse@example.org", "reponse@example.org"
    if field.type == "phone":
        return "06 11 22 33 44", "06 11 22 33 44"
    if field.type == "date":
        today = timezone.localdate()
        low, high = parse_date_bound(options.get("min"), today), parse_date_bound(options.get("max"), today)
        if low:
            day = low + dt.timedelta(days=20)
            day = min(day, high) if high else day
        elif high:
            day = high - dt.timedelta(days=3650)
        else:
            day = today + dt.timedelta(days=20)
        return day.isoformat(), day.strftime("%d/%m/%Y")
    if field.type == "integer":
        value = _bounded(field, full)
        return value, str(value)
    if field.type == "decimal":
        low, high = options.get("min"), options.get("max")
        value = Decimal(str(_bounded(field, full)))
        if full and options.get("decimal_places", 2) >= 1 and low is not None:
            value = Decimal(str(low)) + Decimal("0.5")  # a fraction, typed with a comma
            value = min(value, Decimal(str(high))) if high is not None else value
        return str(value), str(value).replace(".", ",")
    if field.type == "yesno":
        return full, "true" if full else "false"
    if field.type == "choice":
        value = field.choices[0 if full else -1][0]
        return value, value
    if field.type == "multichoice":
        values = [value for value, _ in field.choices]
        low, high = options.get("min") or 1, options.get("max") or len(values)
        chosen = values[: min(high, len(values))] if full else values[-max(low, 1):]
        return chosen, chosen
    if field.type == "address":
        value = {"street": "12 rue de la Mairie", "postcode": "99100", "city": "Admiville"}
        return value, value
    if field.type == "file":
        count = min(2, options.get("max_files", 10)) if options.get("multiple") and full else 1
        return [{"name": "…"}] * count, [a_file(field, number) for number in range(1, count + 1)]
    if field.type == "consent":
        return True, "on"
    raise AssertionError(f"type {field.type}")


def fill_page(page, answers, post, full):
    """Completes the posted data of one page in place; returns the uploads. `answers` (the answers of
    the visible fields so far) is updated, in order, so that conditions are decided as the engine does."""
    uploads = {}
    for section in page.sections:
        if not evaluate(section.condition, answers):
            continue
        for field in section.fields:
            if field.type == "info" or not evaluate(field.condition, answers):
                continue
            shown = shown_answer(field, post)
            if is_filled(shown):  # pre-filled: kept as it is
                answers[field.key] = shown
                continue
            if not (field.required or full):
                continue
            answer, posted = generate(field, full)
            answers[field.key] = answer
            if field.type == "file":
                uploads[field.key] = posted
            elif field.type == "address":
                for part, value in posted.items():
                    post[f"{field.key}__{part}"] = [value]
            elif field.type == "multichoice":
                post[field.key] = list(posted)
            else:
                post[field.key] = [posted]
    return uploads


def page_errors(response):
    content = unescape(response.content.decode())
    match = re.search(r'<div class="error-summary".*?</div>', content, re.DOTALL)
    return re.sub(r"<[^>]+>|\s+", " ", match.group(0)) if match else content[:2000]


# --- Filing every demo procedure end to end ---------------------------------------------------------------

def file_online(client, slug, full, contact_email=""):
    """Files procedure `slug` through the HTTP pages; returns (case, form definition, keys of the pages
    visited, number of files uploaded)."""
    base = f"/demarches/{slug}/deposer/"
    response = client.get(base)
    assert response.status_code == 200, response.status_code
    assert "momentanément indisponible" not in response.content.decode()
    response = client.post(base)
    assert response.status_code == 302
    draft = Draft.objects.order_by("-created_at").first()
    definition = FormDefinition(draft.revision.form_schema)
    review_url = f"{base}{draft.pk}/verification/"
    location, visited, answers, file_count = response["Location"], [], {}, 0
    while location != review_url:
        assert location.startswith(f"{base}{draft.pk}/"), location
        page = definition.page(location.rstrip("/").rsplit("/", 1)[-1])
        assert page.key not in visited and len(visited) < len(definition.pages)
        visited.append(page.key)
        response = client.get(location)
        assert response.status_code == 200
        reader = read_form(response)
        assert reader.data.get("revision") == [str(draft.revision_id)]
        post = {key: values for key, values in reader.data.items() if key != "csrfmiddlewaretoken"}
        uploads = fill_page(page, answers, post, full)
        file_count += sum(len(files) for files in uploads.values())
        response = client.post(location, {**post, **uploads, "action": "continue"})
        assert response.status_code == 302, f"{slug} / {page.key} : {page_errors(response)}"
        location = response["Location"]

    response = client.get(review_url)
    assert response.status_code == 200
    assert "Certaines réponses manquent" not in unescape(response.content.decode())
    payload = {"revision": str(draft.revision_id)}
    if contact_email:
        payload["email"] = contact_email
    response = client.post(f"{base}{draft.pk}/envoyer/", payload)
    assert response.status_code == 302 and response["Location"] == f"{base}{draft.pk}/confirmation/", \
        page_errors(response)
    draft.refresh_from_db()
    case = draft.submitted_case
    assert case is not None
    assert case.reference in unescape(client.get(response["Location"]).content.decode())
    return case, definition, visited, file_count


def check_case(case, definition, visited, file_count, slug):
    assert re.fullmatch(rf"{settings.CASE_REFERENCE_PREFIX}-\d{{4}}-\d{{6}}", case.reference)
    assert case.procedure.slug == slug and case.channel == "web"
    # The pages the filing went through are exactly the pages visible for the answers filed.
    assert visited == [page.key for page in definition.visible_pages(case.answers)]
    # Only answers of visible fields are kept, and every visible required field is answered.
    visible = {key for key in definition.fields if definition.is_visible(key, case.answers)}
    assert set(case.answers) <= visible, set(case.answers) - visible
    for key in visible:
        field = definition.fields[key]
        if field.required:
            assert is_filled(case.answers.get(key)), key
    assert CaseDocument.objects.filter(case=case, kind="attachment").count() == file_count
    assert len(definition.file_refs(case.answers)) == file_count


def check_emails(mailbox, case, address):
    acknowledgement_due = case.procedure.acknowledgement_due
    messages = mailbox.wait_for(2 if acknowledgement_due else 1)
    assert all(address in str(message["To"]) for message in messages)
    subjects = [str(message["Subject"]) for message in messages]
    assert any(subject.startswith(f"Demande {case.reference} enregistrée") for subject in subjects), subjects
    acknowledgements = [message for message in messages
                        if str(message["Subject"]) == f"Accusé de réception de votre demande {case.reference}"]
    if not acknowledgement_due:
        assert not acknowledgements and len(messages) == 1
        return
    assert len(acknowledgements) == 1
    pdfs = [content for _, content_type, content in attachments(acknowledgements[0])
            if content_type == "application/pdf"]
    assert len(pdfs) == 1 and pdfs[0].startswith(b"%PDF")
    assert case.reference in pdf_text(pdfs[0])


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("slug", sorted(FORMS))
def test_resident_files_every_demo_procedure_online(slug, variant, demo, client, mailbox,
                                                    django_capture_on_commit_callbacks):
    resident = User.objects.get(email=RESIDENT_EMAIL)
    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        case, definition, visited, file_count = file_online(client, slug, full=variant == "complet")
    assert case.applicant == resident
    check_case(case, definition, visited, file_count, slug)
    # Say it once: the values pre-filled from the profile reached the case unchanged.
    prefilled = definition.prefill_values(resident)
    assert prefilled
    for key, (value, _source) in prefilled.items():
        if definition.is_visible(key, case.answers):
            assert case.answers[key] == value, key
    check_emails(mailbox, case, resident.email)
    assert Case.objects.count() == 1


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("slug", ANONYMOUS_SLUGS)
def test_anonymous_files_demo_procedures_open_without_account(slug, variant, demo, client, mailbox,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case, definition, visited, file_count = file_online(client, slug, full=variant == "complet",
                                                            contact_email=CONTACT_EMAIL)
    assert case.applicant is None and case.contact_email == CONTACT_EMAIL and case.tracking_token
    check_case(case, definition, visited, file_count, slug)
    check_emails(mailbox, case, CONTACT_EMAIL)
