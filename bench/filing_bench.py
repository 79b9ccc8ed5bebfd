#!/usr/bin/env python3
"""Benchmark of online filing and of acknowledgement PDFs. Not a test: a measurement.

    .venv/bin/python bench/filing_bench.py [--clients 20] [--per-client 3] [--workers 4] [--pdfs 40]

1. Creates the PostgreSQL database `parvis_bench` (dropped first), migrates it, and creates a
   20-field, 2-upload procedure and one resident per client.
2. Acknowledgement PDFs by one worker: files `--pdfs` cases, then runs the acknowledgement task
   function (`send_acknowledgement`: render the PDF, store it, email it to a local SMTP server) in a
   loop, one case after the other; reports PDFs per second and p50/p95 per PDF.
3. Filing over HTTP: starts gunicorn (production settings, `--workers` sync workers) and one
   `db_worker` for the background tasks, then `--clients` concurrent clients (threads, urllib) each log
   in through the login page and file `--per-client` requests through the real filing pages (start,
   two form pages with two uploads, review, submit). Reports submissions per second and p50/p95
   latency of a whole filing and of the final submit request, then how long the worker took to send
   every receipt and acknowledgement.

Only 127.0.0.1 is contacted; every loop is bounded; the processes started are stopped at the end.
Figures are written to stdout and to bench/results/filing-<date>.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import io
import json
import os
import random
import re
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from html import unescape
from pathlib import Path

from _common import (
    GUNICORN,
    PYTHON,
    ROOT,
    NoRedirect,
    database_url,
    free_port,
    ms,
    percentile,
    recreate_database,
    run,
    start_process,
    stop,
    timed_request,
    wait_http,
)

DB_NAME = "parvis_bench"
PASSWORD = "banc d'essai solide 2026"
REQUEST_TIMEOUT = 60
WORK = Path(os.environ.get("BENCH_WORKDIR", str(ROOT / "bench" / "results" / "work")))


# --- Data ---------------------------------------------------------------------------------------------

def bench_schema():
    """20 fields on two pages, two of them uploads (PDF and PNG)."""
    identity = [{"key": f"champ_{n:02d}", "label": f"Information n° {n}", "type": "text"} for n in range(1, 9)]
    identity += [
        {"key": "courriel_contact", "label": "Courriel de contact", "type": "email"},
        {"key": "nombre_personnes", "label": "Nombre de personnes", "type": "integer", "min": 1, "max": 500},
    ]
    project = [{"key": f"detail_{n:02d}", "label": f"Précision n° {n}", "type": "text"} for n in range(1, 5)]
    project += [
        {"key": "description", "label": "Description du projet", "type": "textarea"},
        {"key": "remarques", "label": "Remarques", "type": "textarea", "required": False},
        {"key": "type_evenement", "label": "Type d'événement", "type": "choice",
         "choices": [{"value": "fete", "label": "Fête"}, {"value": "reunion", "label": "Réunion"}]},
        {"key": "nombre_tables", "label": "Nombre de tables", "type": "integer", "min": 0, "max": 100},
        {"key": "plan", "label": "Plan de l'installation", "type": "file", "accept": ["pdf"]},
        {"key": "photo", "label": "Photo du lieu", "type": "file", "accept": ["png", "jpeg"]},
    ]
    return {"version": 1, "pages": [
        {"key": "identite", "title": "Vous", "sections": [{"key": "vous", "title": "Vous", "fields": identity}]},
        {"key": "projet", "title": "Votre projet", "sections": [{"key": "projet", "title": "Votre projet",
                                                                  "fields": project}]},
    ]}


def page_answers(page_key, n):
    if page_key == "identite":
        answers = {f"champ_{i:02d}": f"Valeur {i} <b>du client</b> {n}" for i in range(1, 9)}
        answers.update({"courriel_contact": f"contact{n}@example.org", "nombre_personnes": "42"})
        return answers
    answers = {f"detail_{i:02d}": f"Précision {i} — client {n}" for i in range(1, 5)}
    answers.update({"description": "Une fête de quartier\nsur la place.", "remarques": "",
                    "type_evenement": "fete", "nombre_tables": "12"})
    return answers


def sample_pdf(size=120_000):
    body = b"%PDF-1.4\n1 0 obj<< /Type /Catalog >>endobj\n%" + b"x" * size + b"\ntrailer<<>>\n%%EOF\n"
    return body


def sample_png():
    from PIL import Image

    image = Image.effect_noise((160, 120), 64).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


# --- Processes and database ---------------------------------------------------------------------------

def bench_env(smtp_port, http_port):
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url(DB_NAME), "DB_CONN_MAX_AGE": "60", "DEBUG": "false",
        "SECRET_KEY": "bench-" + "k" * 60, "ALLOWED_HOSTS": "127.0.0.1", "SITE_URL": f"http://127.0.0.1:{http_port}",
        "TASKS_BACKEND": "database", "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port), "MEDIA_ROOT": str(WORK / "media"),
        "LOG_LEVEL": "WARNING", "LOGIN_MAX_FAILURES_PER_IP": "1000",
    })
    return env


# --- Django side (this process) -----------------------------------------------------------------------

def django_setup(env):
    os.environ.update({key: env[key] for key in (
        "DATABASE_URL", "DB_CONN_MAX_AGE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "TASKS_BACKEND",
        "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "MEDIA_ROOT", "LOG_LEVEL")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "parvis.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def create_data(clients):
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from parvis.accounts.models import User
    from parvis.organisation.models import Commune, Department
    from parvis.procedures.models import Category, Procedure, ProcedureRevision, ProcedureStatus

    commune = Commune.objects.create(
        name="Admiville", street="1 place de la Mairie", postcode="99100", city="Admiville", phone="01 23 45 67 89",
        email="contact@admiville.fr", mayor_name="Claire Martin", dpo_name="DPO", dpo_email="dpo@admiville.fr")
    department = Department.objects.create(
        commune=commune, name="Accueil, courrier et location de salles", slug="salles", street="1 place de la Mairie",
        postcode="99100", city="Admiville", email="salles@admiville.fr", phone="01 23 45 67 42",
        opening_hours="Du lundi au vendredi")
    category = Category.objects.create(name="Salles", slug="salles")
    procedure = Procedure.objects.create(
        title="Location d'une salle municipale", slug="location-salle", summary="Réserver une salle.",
        category=category, department=department, offline_alternative="À l'accueil de la mairie.",
        regime="SVR", period_value=2, period_unit="months", account_required=True,
        legal_basis="CRPA L231-4", privacy_purpose="Instruire la demande.")
    revision = ProcedureRevision.objects.create(procedure=procedure, number=1, form_schema=bench_schema(),
                                                published_at=timezone.now())
    procedure.status, procedure.published_revision = ProcedureStatus.PUBLISHED, revision
    procedure.save()
    password = make_password(PASSWORD)
    User.objects.bulk_create([
        User(email=f"usager{n}@bench.example.org", password=password, first_name="Camille", last_name=f"Banc{n}",
             street=f"{n} rue des Essais", postcode="99100", city="Admiville", email_verified_at=timezone.now())
        for n in range(clients)
    ])
    return procedure


def pdf_benchmark(procedure, count, smtp):
    """The acknowledgement task, one case after the other, as one worker runs it."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from parvis.accounts.models import User
    from parvis.cases.acknowledgements import render_acknowledgement_pdf
    from parvis.cases.models import Case
    from parvis.cases.services import submit_case
    from parvis.cases.tasks import send_acknowledgement

    user = User.objects.order_by("pk").first()
    answers = {**page_answers("identite", 0), **page_answers("projet", 0)}
    answers["nombre_personnes"], answers["nombre_tables"] = 42, 12
    case_ids = [submit_case(revision=procedure.published_revision, answers=answers, applicant=user).pk
                for _ in range(count)]
    DBTaskResult.objects.all().delete()  # no worker runs now: the loop below does the work
    smtp.clear()
    # Warm-up (fonts, templates): not measured.
    render_acknowledgement_pdf(Case.objects.get(pk=case_ids[0]))
    render_times, task_times = [], []
    for case_id in case_ids[:min(count, 20)]:
        case = Case.objects.select_related("procedure", "department", "applicant", "revision").get(pk=case_id)
        began = time.perf_counter()
        render_acknowledgement_pdf(case)
        render_times.append(time.perf_counter() - began)
    began_all = time.perf_counter()
    for case_id in case_ids:
        began = time.perf_counter()
        send_acknowledgement.call(case_id)
        task_times.append(time.perf_counter() - began)
    total = time.perf_counter() - began_all
    smtp.wait_for(count, timeout=60)
    connection.close()
    return {
        "pdfs": count, "seconds": round(total, 2), "pdfs_per_second": round(count / total, 2),
        "task_p50_ms": ms(percentile(task_times, 50)), "task_p95_ms": ms(percentile(task_times, 95)),
        "render_only_p50_ms": ms(percentile(render_times, 50)), "render_only_p95_ms": ms(percentile(render_times, 95)),
        "emails_received": len(smtp.messages),
    }


# --- HTTP clients -------------------------------------------------------------------------------------

TAG = re.compile(r"<(input|form)\b([^>]*)>", re.IGNORECASE)
ATTR = re.compile(r'([a-zA-Z_:-]+)="([^"]*)"')


class Page:
    """Hidden inputs and form actions of a page (regular expressions: the client must cost little CPU, it
    shares the machine with the server)."""

    def __init__(self, html):
        self.hidden, self.actions = {}, []
        for tag, raw in TAG.findall(html):
            attrs = {name.lower(): unescape(value) for name, value in ATTR.findall(raw)}
            if tag.lower() == "form" and attrs.get("method", "").lower() == "post":
                self.actions.append(attrs.get("action") or "")
            elif tag.lower() == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
                self.hidden.setdefault(attrs["name"], attrs.get("value") or "")


def parse(html):
    return Page(html)


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    lines = []
    for name, value in fields.items():
        lines += [f"--{boundary}".encode(), f'Content-Disposition: form-data; name="{name}"'.encode(), b"",
                  str(value).encode()]
    for name, (filename, content_type, content) in files.items():
        lines += [f"--{boundary}".encode(),
                  f'Content-Disposition: form-data; name="{name}"; filename="{filename}"'.encode(),
                  f"Content-Type: {content_type}".encode(), b"", content]
    lines += [f"--{boundary}--".encode(), b""]
    return b"\r\n".join(lines), f"multipart/form-data; boundary={boundary}"


class Client:
    """A browser: cookies, redirects followed by hand so that every HTTP request is timed on its own."""

    def __init__(self, base, timings=None, think_ms=0, rng=None):
        self.base = base
        self.timings = timings if timings is not None else []  # (kind, seconds, status)
        self.think_ms = think_ms
        self.last_think = 0.0
        self.rng = rng or random.Random(0)  # noqa: S311 (load generation)
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  NoRedirect())

    def _one(self, url, data, content_type, kind):
        status, headers, text, seconds = timed_request(self.opener, url, data, content_type, timeout=REQUEST_TIMEOUT)
        self.timings.append((kind, seconds, status))
        return status, headers, text

    def request(self, path, data=None, content_type=None, kind=None):
        url = path if path.startswith("http") else self.base + path
        self.last_think = 0.0
        if data is not None and self.think_ms:
            self.last_think = self.rng.uniform(0.5, 1.5) * self.think_ms / 1000
            time.sleep(self.last_think)  # a person filling in the page (not counted in the latencies)
        status, headers, text = self._one(url, data, content_type, kind or ("POST" if data is not None else "GET"))
        for _hop in range(5):
            if status not in (301, 302, 303):
                break
            url = urllib.parse.urljoin(url, headers["Location"])
            status, headers, text = self._one(url, None, None, "GET")
        if status >= 400:
            raise RuntimeError(f"HTTP {status} sur {url}")
        return url, text

    def get(self, path):
        return self.request(path)

    def post(self, path, fields, files=None, kind=None):
        if files:
            body, content_type = multipart(fields, files)
        else:
            body, content_type = urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request(path, body, content_type, kind=kind)

    def login(self, email):
        url, html = self.get("/compte/connexion/")
        url, html = self.post(url, {**parse(html).hidden, "email": email, "password": PASSWORD})
        if "/connexion/" in url:
            raise RuntimeError(f"connexion refusée pour {email}")

    def file_one(self, slug, n, uploads, prefix):
        """Start a filing, fill both pages (with two uploads), review and submit. Returns (reference, submit s)."""
        url, html = self.get(f"/demarches/{slug}/deposer/")
        url, html = self.post(url, parse(html).hidden)
        if not url.rstrip("/").endswith("/identite"):
            raise RuntimeError(f"première page attendue, reçu {url}")
        url, html = self.post(url, {**parse(html).hidden, **page_answers("identite", n), "action": "continue"})
        if not url.rstrip("/").endswith("/projet"):
            raise RuntimeError(f"page « projet » attendue, reçu {url}")
        url, html = self.post(url, {**parse(html).hidden, **page_answers("projet", n), "action": "continue"},
                              files=uploads)
        if "/verification/" not in url:
            raise RuntimeError(f"page de vérification attendue, reçu {url}")
        page = parse(html)
        submit_url = next(action for action in page.actions if action.rstrip("/").endswith("/envoyer"))
        began = time.perf_counter()
        url, html = self.post(submit_url, page.hidden, kind="submit POST")
        # The submit and the confirmation page it redirects to, without the pause before clicking.
        submit_seconds = time.perf_counter() - began - self.last_think
        if "/confirmation/" not in url:
            raise RuntimeError(f"confirmation attendue, reçu {url}")
        match = re.search(rf"{prefix}-\d{{4}}-\d{{6}}", html)
        if not match:
            raise RuntimeError("référence absente de la confirmation")
        return match.group(0), submit_seconds


def http_benchmark(base, clients, per_client, slug, prefix, think_ms=0):
    uploads = {"plan": ("plan.pdf", "application/pdf", sample_pdf()),
               "photo": ("photo.png", "image/png", sample_png())}
    barrier = threading.Barrier(clients)
    lock = threading.Lock()
    flows, submits, references, errors, timings = [], [], [], [], []

    def client_main(index):
        client = Client(base, think_ms=think_ms, rng=random.Random(index))  # noqa: S311 (load generation)
        try:
            client.login(f"usager{index}@bench.example.org")
            client.timings.clear()  # the logins are not measured
        except Exception as exc:
            with lock:
                errors.append(f"login {index}: {exc}")
            barrier.abort()
            return
        try:
            barrier.wait(timeout=120)
        except threading.BrokenBarrierError:
            return
        for n in range(per_client):
            began = time.perf_counter()
            try:
                reference, submit_seconds = client.file_one(slug, index * 1000 + n, uploads, prefix)
            except Exception as exc:
                with lock:
                    errors.append(f"client {index} dépôt {n}: {type(exc).__name__}: {exc}")
                continue
            with lock:
                flows.append(time.perf_counter() - began)
                submits.append(submit_seconds)
                references.append(reference)
        with lock:
            timings.extend(client.timings)

    threads = [threading.Thread(target=client_main, args=(index,)) for index in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)
    wall = time.perf_counter() - began
    every = [seconds for _kind, seconds, _status in timings]
    submit_posts = [seconds for kind, seconds, _status in timings if kind == "submit POST"]
    return {
        "clients": clients, "think_ms": think_ms, "submissions": len(references), "errors": errors[:10],
        "error_count": len(errors), "server_errors_5xx": sum(1 for *_rest, status in timings if status >= 500),
        "distinct_references": len(set(references)), "seconds": round(wall, 2),
        "submissions_per_second": round(len(references) / wall, 2) if wall else 0,
        "requests": len(every), "requests_per_second": round(len(every) / wall, 1) if wall else 0,
        "request_p50_ms": ms(percentile(every, 50)), "request_p95_ms": ms(percentile(every, 95)),
        "request_p99_ms": ms(percentile(every, 99)),
        "submit_post_p50_ms": ms(percentile(submit_posts, 50)), "submit_post_p95_ms": ms(percentile(submit_posts, 95)),
        "submit_and_confirmation_p50_ms": ms(percentile(submits, 50)),
        "submit_and_confirmation_p95_ms": ms(percentile(submits, 95)),
        "filing_p50_ms": ms(percentile(flows, 50)), "filing_p95_ms": ms(percentile(flows, 95)),
    }


def pending_tasks():
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    count = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
    connection.close()
    return count


def queue_backlog(procedure, count):
    """`count` filings made before the rush, whose receipts and acknowledgements wait for the worker."""
    from django.db import connection

    from parvis.accounts.models import User
    from parvis.cases.services import submit_case

    user = User.objects.order_by("pk").first()
    answers = {**page_answers("identite", 0), **page_answers("projet", 0)}
    answers["nombre_personnes"], answers["nombre_tables"] = 42, 12
    for _ in range(count):
        submit_case(revision=procedure.published_revision, answers=answers, applicant=user)
    connection.close()


def wait_for_tasks(timeout=300):
    """Seconds until the worker has run every task (receipts, acknowledgements), or None."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    began = time.perf_counter()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
        if left == 0:
            connection.close()
            return round(time.perf_counter() - began, 1)
        time.sleep(0.5)
    connection.close()
    return None


# --- Figures ------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--pdfs", type=int, default=40)
    parser.add_argument("--skip-http", action="store_true", help="only the PDF part")
    parser.add_argument("--think-ms", type=int, default=0, help="mean pause before each POST (0: none)")
    parser.add_argument("--backlog", type=int, default=200,
                        help="filings queued before the rush: the worker drains their PDFs during it")
    parser.add_argument("--worker-nice", type=int, default=10, help="CPU priority of the task worker (nice)")
    args = parser.parse_args()
    if not (1 <= args.clients <= 100 and 1 <= args.per_client <= 20 and 1 <= args.pdfs <= 500
            and 0 <= args.backlog <= 2000 and 0 <= args.think_ms <= 60_000 and 0 <= args.worker_nice <= 19):
        parser.error("limits: clients 1-100, per-client 1-20, pdfs 1-500, backlog 0-2000, think-ms 0-60000, "
                     "worker-nice 0-19")

    WORK.mkdir(parents=True, exist_ok=True)
    log = WORK / "bench.log"
    log.write_text("")
    http_port = free_port()
    sys.path.insert(0, str(ROOT))
    from parvis.testing.smtp import SMTPServer

    smtp = SMTPServer().start()
    env = bench_env(smtp.port, http_port)
    results = {"date": dt.datetime.now().isoformat(timespec="seconds"), "cpu_count": os.cpu_count(),
               "gunicorn_workers": args.workers, "worker_nice": args.worker_nice, "backlog": args.backlog,
               "load_average_before": os.getloadavg()[0]}
    gunicorn = worker = None
    try:
        print(f"Base {DB_NAME} recréée, migrations… (journal : {log})", flush=True)
        recreate_database(DB_NAME)
        run([str(PYTHON), "manage.py", "migrate", "--noinput"], env, log)
        django_setup(env)
        from django.conf import settings

        procedure = create_data(args.clients)

        print(f"Accusés de réception : {args.pdfs} PDF par un seul worker…", flush=True)
        results["pdf"] = pdf_benchmark(procedure, args.pdfs, smtp)
        print(json.dumps(results["pdf"], indent=2, ensure_ascii=False), flush=True)

        if not args.skip_http:
            smtp.clear()
            queue_backlog(procedure, args.backlog)
            gunicorn = start_process([str(GUNICORN), "parvis.wsgi:application", "--bind", f"127.0.0.1:{http_port}",
                              "--workers", str(args.workers), "--timeout", "120"], env, log)
            worker = start_process(["nice", "-n", str(args.worker_nice), str(PYTHON), "manage.py", "db_worker",
                            "--interval", "0.2", "--no-startup-delay",
                            "--no-reload"], env, log)
            wait_http(f"http://127.0.0.1:{http_port}/compte/connexion/")
            total = args.clients * args.per_client
            print(f"Dépôts en ligne : {args.clients} clients × {args.per_client} = {total} demandes…", flush=True)
            backlog_at_start = pending_tasks()
            results["http"] = http_benchmark(f"http://127.0.0.1:{http_port}", args.clients, args.per_client,
                                             procedure.slug, settings.CASE_REFERENCE_PREFIX, think_ms=args.think_ms)
            results["http"]["tasks_pending_at_start"] = backlog_at_start
            results["http"]["tasks_pending_at_end"] = pending_tasks()
            results["http"]["tasks_drained_after_seconds"] = wait_for_tasks()
            results["http"]["emails_received"] = len(smtp.messages)
            results["http"]["emails_expected"] = 2 * (args.backlog + results["http"]["submissions"])
            print(json.dumps(results["http"], indent=2, ensure_ascii=False), flush=True)
    finally:
        stop(gunicorn)
        stop(worker)
        smtp.stop()
    results["load_average_after"] = os.getloadavg()[0]
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"filing-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"Résultats : {path}")


if __name__ == "__main__":
    main()
