#!/usr/bin/env python3
"""Booking rush benchmark: many residents try to book identity-document slots at the moment they open.
Not a test: a measurement.

    .venv/bin/python bench/appointments_rush.py [--clients 200] [--pool 500] [--workers 5] [--think-ms 0]

1. Drops and creates the PostgreSQL database `parvis_bench_appointments`, migrates it, creates two places
   with identical agendas of exactly `--pool` bookable 20-minute runs (10-minute units, 5 desks) and one
   resident account (with a session) per booking to make, plus spares.
2. HTTP rush: starts gunicorn (production settings, `--workers` sync workers, persistent DB connections),
   warms every worker up with a few uncounted views of the list (a server that has been running); then
   `--clients` threads released together; each takes the next resident and books through the real pages:
   GET the free times, POST one (the hold; a random one among the 10 earliest, as people in a rush do),
   POST the confirmation with an ANTS number (format check only: no ANTS server), and goes on with the
   next resident until no time is left. A time taken meanwhile is usually replaced by the nearest free one of
   the same day (APPOINTMENT_SUBSTITUTE_MINUTES; counted from the history); a 409 (nothing free near it)
   makes the client look again (at most `--attempts` times per resident), taking one of the nearest times
   the refusal page proposes. Optional
   `--think-ms`: a pause before each POST (a person reading).
3. Raw SQL: the same booking (hold transaction: lock the units FOR UPDATE, re-check, insert the appointment,
   guarded UPDATE of the units, history row; then the confirm transaction) done in SQL by `--raw-threads`
   connections on the second place, in the same database and the same run: the limit.
4. Checks: no unit with two holders, no two active appointments overlapping on a desk, exactly `--pool`
   bookings, every booking owning its 2 units.

Reports bookings per second, p50/p95/p99 latency (each request and a whole booking), errors, and the ratio
to the raw SQL rate. Only 127.0.0.1 is contacted; every loop is bounded; processes started are stopped.
Results: stdout and bench/results/appointments-rush-<date>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import math
import os
import queue
import random
import re
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from _common import (
    GUNICORN,
    PYTHON,
    ROOT,
    database_url,
    free_port,
    ms,
    percentile,
    recreate_database,
    run,
    start_process,
    stop,
    wait_http,
)

DB_NAME = "parvis_bench_appointments"
WORK = ROOT / "bench" / "results" / "work-appointments"
REQUEST_TIMEOUT = 60
DESKS = 5
HOURS = (("09:00", "12:00"), ("13:30", "17:00"))  # 9 + 10 runs of 20 minutes per desk and day


# --- Processes and database ---------------------------------------------------------------------------

def bench_env(http_port):
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url(DB_NAME), "DB_CONN_MAX_AGE": "3600", "DEBUG": "false",
        "SECRET_KEY": "bench-" + "k" * 60, "ALLOWED_HOSTS": "127.0.0.1", "SITE_URL": f"http://127.0.0.1:{http_port}",
        "TASKS_BACKEND": "database", "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MEDIA_ROOT": str(WORK / "media"), "LOG_LEVEL": "WARNING", "ANTS_API_URL": "",
    })
    return env


def django_setup(env):
    for key in ("DATABASE_URL", "DB_CONN_MAX_AGE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL",
                "TASKS_BACKEND", "EMAIL_BACKEND", "MEDIA_ROOT", "LOG_LEVEL", "ANTS_API_URL"):
        os.environ[key] = env[key]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- CPU accounting (Linux /proc): where the time goes ----------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_seconds(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def _children(pid):
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _postgres_backends():
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if cmdline.startswith("postgres: ") and DB_NAME in cmdline:
                pids.append(int(entry.name))
    return pids


def cpu_snapshot(gunicorn):
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "gunicorn": sum(_cpu_seconds(pid) for pid in [gunicorn.pid, *_children(gunicorn.pid)]),
        "postgres": {pid: _cpu_seconds(pid) for pid in _postgres_backends()},
        "client": usage.ru_utime + usage.ru_stime,
    }


def cpu_delta(before, after, bookings):
    postgres = sum(after["postgres"].values()) - sum(v for pid, v in before["postgres"].items()
                                                     if pid in after["postgres"])
    seconds = {"gunicorn": after["gunicorn"] - before["gunicorn"], "postgres": postgres,
               "client": after["client"] - before["client"]}
    return {f"{name}_cpu_seconds": round(value, 2) for name, value in seconds.items()} | {
        f"{name}_cpu_ms_per_booking": round(1000 * value / max(bookings, 1), 1) for name, value in seconds.items()}


# --- Data ---------------------------------------------------------------------------------------------

def create_place(department, meeting_type, slug, pool):
    """A place whose online pool is exactly `pool` runs of the meeting type, from tomorrow on."""
    from parvis.appointments import slots as slotlib
    from parvis.appointments.models import Desk, OpeningHours, Place, Slot

    per_day = DESKS * sum((int(e[:2]) * 60 + int(e[3:]) - int(s[:2]) * 60 - int(s[3:])) // 20 for s, e in HOURS)
    days = math.ceil(pool / per_day) + 1
    place = Place.objects.create(
        department=department, name=f"Hôtel de ville ({slug})", slug=slug, street="1 place de la République",
        postcode="99100", city="Admiville", slot_minutes=10, min_delay_hours=0, max_delay_days=days + 3,
        reserved_share=0, closed_on_public_holidays=False, ants_enabled=True)
    for index in range(DESKS):
        desk = Desk.objects.create(place=place, name=f"Guichet {index + 1}", order=index)
        desk.meeting_types.add(meeting_type)
        for weekday in range(7):
            for begin, end in HOURS:
                OpeningHours.objects.create(desk=desk, weekday=weekday, start_time=dt.time.fromisoformat(begin),
                                            end_time=dt.time.fromisoformat(end), valid_from=dt.date(2020, 1, 1))
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    slotlib.generate_slots(place, tomorrow, tomorrow + dt.timedelta(days=days))
    # Units of today (and of the days after the pool) are removed: exactly `pool` runs remain.
    runs = [(offer.start, desk) for offer in slotlib.free_starts(place, meeting_type) for desk in offer.desk_ids]
    runs.sort()
    keep = runs[:pool]
    assert len(keep) == pool, f"agenda trop petit : {len(runs)} < {pool}"
    last = max(start for start, _desk in keep)
    for start, desk in runs[pool:]:
        Slot.objects.filter(desk_id=desk, start__gte=start, start__lt=start + dt.timedelta(minutes=20)).delete()
    assert sum(len(o.desk_ids) for o in slotlib.free_starts(place, meeting_type)) == pool
    return place, last


def create_data(pool, residents):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from parvis.accounts.models import User
    from parvis.appointments.models import MeetingType
    from parvis.organisation.models import Commune, Department

    commune = Commune.objects.create(
        name="Admiville", street="1 place de la République", postcode="99100", city="Admiville",
        phone="01 23 45 67 89", email="mairie@admiville.fr", mayor_name="Claire Martin", dpo_name="DPO",
        dpo_email="dpo@admiville.fr")
    department = Department.objects.create(
        commune=commune, name="Démarches administratives et état civil", slug="etat-civil",
        street="1 place de la République", postcode="99100", city="Admiville", email="etat-civil@admiville.fr",
        phone="01 23 45 67 10", opening_hours="Du lundi au samedi")
    meeting_type = MeetingType.objects.create(
        department=department, name="Dépôt CNI — 1 personne", slug="depot-cni", kind="depot-titre",
        duration_minutes=20, requires_ants_number=True, documents_max=1, ants_reasons=["CNI"])
    http_place, _ = create_place(department, meeting_type, "rush-http", pool)
    raw_place, _ = create_place(department, meeting_type, "rush-sql", pool)
    users = User.objects.bulk_create([
        User(email=f"usager{n}@example.org", first_name="Camille", last_name=f"Durand{n}", password="!",
             email_verified_at=dt.datetime.now(dt.UTC)) for n in range(residents)])
    sessions = []
    for user in User.objects.filter(pk__in=[u.pk for u in users]).order_by("pk"):
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "parvis.accounts.backends.EmailBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append((user, store.session_key))
    return meeting_type, http_place, raw_place, sessions


# --- HTTP clients -------------------------------------------------------------------------------------

RADIO = re.compile(r'name="creneau" id="creneau-[^"]+" value="([^"]+)"')
NEAREST = re.compile(r'name="creneau" id="proche-[^"]+" value="([^"]+)"')
NEXT_WEEK = re.compile(r'<a class="button" href="(\?[^"]*semaine=[^"]+)">Voir le prochain horaire libre')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One resident's browser, kept light (http.client, its own cookies): 200 client threads share the machine's
    two cores and one interpreter with the server under test, and urllib's handler chain cost them three times
    more processor per request."""

    def __init__(self, base, session_key):
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname, parsed.port
        self.cookies = {"sessionid": session_key}

    def request(self, path, data=None):
        """(status, headers, text, seconds) of one request; redirects are answers."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
                   "Host": f"{self.host}:{self.port}"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request("POST" if body is not None else "GET", path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read()
            status, answer = response.status, response.headers
        finally:
            connection.close()
        took = time.perf_counter() - began
        for cookie in answer.get_all("Set-Cookie") or ():
            name, _sep, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in cookie.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return status, answer, text.decode(errors="replace"), took


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency = {"slots": [], "next-week": [], "hold": [], "confirm": [], "booking": []}
        self.statuses = {}
        self.bookings = 0
        self.conflicts = 0
        self.errors = []

    def add(self, kind, seconds, status):
        with self.lock:
            self.latency[kind].append(seconds)
            self.statuses[f"{kind} {status}"] = self.statuses.get(f"{kind} {status}", 0) + 1


def http_rush(base, sessions, clients, attempts, think_ms, slots_path):
    stats = Stats()
    residents = queue.Queue()
    for item in sessions:
        residents.put(item)
    exhausted = threading.Event()
    go = threading.Barrier(clients)

    def think(rng):
        if think_ms:
            time.sleep(rng.uniform(0.5, 1.5) * think_ms / 1000)

    def book_one(rng, user, session_key):
        browser = Browser(base, session_key)
        page = None
        for _attempt in range(attempts):
            if page is None:
                status, _headers, page, took = browser.request(slots_path)
                stats.add("slots", took, status)
                if status != 200:
                    stats.errors.append(f"slots {status}")
                    return False
            # After a refusal, the page proposes the nearest free times: take one, as a person would.
            values = NEAREST.findall(page) or RADIO.findall(page)
            if not values:
                following = NEXT_WEEK.search(page)
                if not following:
                    exhausted.set()
                    return False
                status, _headers, page, took = browser.request(slots_path.split("?")[0] + following.group(1)
                                                               .replace("&amp;", "&"))
                stats.add("next-week", took, status)
                values = RADIO.findall(page)
                if not values:
                    exhausted.set()
                    return False
            think(rng)
            token = CSRF.search(page).group(1)
            choice = rng.choice(values[:10])  # after a refusal: one of the (at most 5) nearest proposed
            status, headers, page, hold_took = browser.request(slots_path, {"csrfmiddlewaretoken": token,
                                                                            "creneau": choice})
            stats.add("hold", hold_took, status)
            if status == 409:
                with stats.lock:
                    stats.conflicts += 1
                continue
            if status != 302:
                stats.errors.append(f"hold {status}")
                return False
            think(rng)
            status, headers, _page, confirm_took = browser.request(headers["Location"], {
                "csrfmiddlewaretoken": token, "first_name": user.first_name, "last_name": user.last_name,
                "email": user.email, "phone": "", "application_ids": f"{user.pk:010d}"})
            stats.add("confirm", confirm_took, status)
            if status != 302 or "/gerer/" not in headers.get("Location", ""):
                stats.errors.append(f"confirm {status}")
                return False
            with stats.lock:
                stats.bookings += 1
                stats.latency["booking"].append(hold_took + confirm_took)
            return True
        return False

    def client_main(index):
        rng = random.Random(index)  # noqa: S311 (load generation, not security)
        try:
            go.wait(timeout=60)
            while not exhausted.is_set():
                try:
                    user, session_key = residents.get_nowait()
                except queue.Empty:
                    return
                book_one(rng, user, session_key)
        except Exception as exc:  # reported
            with stats.lock:
                stats.errors.append(repr(exc)[:200])

    threads = [threading.Thread(target=client_main, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=1800)
    elapsed = time.perf_counter() - started
    return stats, elapsed


def warm_up(base, spare, slots_path, workers):
    """A server that has been running: every worker has loaded its code, templates and database connection
    before the rush (a few concurrent views of the list by a spare resident, not counted), then the memory of
    the list expires (APPOINTMENT_LIST_CACHE_SECONDS) so that the rush reads it afresh."""
    count = 8 * workers
    browser = Browser(base, spare[1])
    threads = [threading.Thread(target=browser.request, args=(slots_path,)) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    time.sleep(1.5)
    return count


# --- Raw SQL, the limit -------------------------------------------------------------------------------

HOLD_SQL = """
SELECT id, taken_by_id, held_until, reserved FROM appointments_slot WHERE id = ANY(%s) ORDER BY start FOR UPDATE
"""
INSERT_SQL = """
INSERT INTO appointments_appointment (place_id, desk_id, meeting_type_id, start, "end", status, held_until, channel,
    applicant_id, first_name, last_name, email, phone, sms_reminder, future_claim, uid, sequence, created_at,
    agent_note)
VALUES (%s, %s, %s, %s, %s, 'held', now() + interval '15 minutes', 'web', NULL, 'Camille', 'Durand', '', '', false,
    NULL, gen_random_uuid(), 0, now(), '') RETURNING id
"""
TAKE_SQL = """
UPDATE appointments_slot SET taken_by_id = %s, held_until = now() + interval '15 minutes'
WHERE id = ANY(%s) AND (taken_by_id IS NULL OR held_until <= now())
"""
EVENT_SQL = """
INSERT INTO appointments_appointmentevent (appointment_id, at, channel, kind, description)
VALUES (%s, now(), 'web', %s, %s)
"""
CONFIRM_SQL = """
UPDATE appointments_appointment SET status = 'booked', held_until = NULL, booked_at = now(), email = 'a@example.org'
WHERE id = %s AND status = 'held'
"""


def raw_sql_rate(place, meeting_type, threads):
    import psycopg

    from parvis.appointments import slots as slotlib
    from parvis.appointments.models import Slot

    runs = queue.Queue()
    count = 0
    for offer in slotlib.free_starts(place, meeting_type):
        for desk in offer.desk_ids:
            units = list(Slot.objects.filter(desk_id=desk, start__gte=offer.start, start__lt=offer.end)
                         .order_by("start").values_list("pk", flat=True))
            runs.put((desk, offer.start, offer.end, units))
            count += 1
    done, failures = [0], [0]
    lock = threading.Lock()

    def worker():
        with psycopg.connect(database_url(DB_NAME)) as connection:
            while True:
                try:
                    desk, start, end, units = runs.get_nowait()
                except queue.Empty:
                    return
                with connection.transaction():
                    rows = connection.execute(HOLD_SQL, (units,)).fetchall()
                    if len(rows) != 2 or any(row[1] is not None for row in rows):
                        with lock:
                            failures[0] += 1
                        continue
                    appointment_id = connection.execute(INSERT_SQL, (place.pk, desk, meeting_type.pk, start, end)) \
                        .fetchone()[0]
                    if connection.execute(TAKE_SQL, (appointment_id, units)).rowcount != 2:
                        raise RuntimeError("unité prise malgré le verrou")
                    connection.execute(EVENT_SQL, (appointment_id, "held", "Créneau réservé."))
                with connection.transaction():
                    connection.execute("SELECT id FROM appointments_appointment WHERE id = %s FOR UPDATE",
                                       (appointment_id,))
                    connection.execute("SELECT id FROM appointments_slot WHERE taken_by_id = %s FOR UPDATE",
                                       (appointment_id,)).fetchall()
                    connection.execute(CONFIRM_SQL, (appointment_id,))
                    connection.execute("UPDATE appointments_slot SET held_until = NULL WHERE taken_by_id = %s",
                                       (appointment_id,))
                    connection.execute(EVENT_SQL, (appointment_id, "booked", "Rendez-vous confirmé."))
                with lock:
                    done[0] += 1

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=600)
    elapsed = time.perf_counter() - started
    return {"bookings": done[0], "of": count, "failures": failures[0], "seconds": round(elapsed, 2),
            "bookings_per_second": round(done[0] / elapsed, 1), "threads": threads}


# --- Checks and figures -------------------------------------------------------------------------------

def check_no_overbooking(place, pool):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*) FROM appointments_appointment a JOIN appointments_appointment b
              ON a.desk_id = b.desk_id AND a.id < b.id AND a.start < b."end" AND b.start < a."end"
            WHERE a.place_id = %s AND a.status IN ('held', 'booked') AND b.status IN ('held', 'booked')
              AND (a.status = 'booked' OR a.held_until > now()) AND (b.status = 'booked' OR b.held_until > now())
        """, [place.pk])
        overlaps = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM appointments_appointment WHERE place_id = %s AND status = 'booked'",
                       [place.pk])
        booked = cursor.fetchone()[0]
        cursor.execute("""
            SELECT count(*) FROM appointments_appointment a WHERE a.place_id = %s AND a.status = 'booked'
              AND (SELECT count(*) FROM appointments_slot s WHERE s.taken_by_id = a.id) <> 2
        """, [place.pk])
        not_owning = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM appointments_slot WHERE place_id = %s AND taken_by_id IS NULL",
                       [place.pk])
        free_units = cursor.fetchone()[0]
        cursor.execute("""
            SELECT count(*) FROM appointments_appointmentevent e JOIN appointments_appointment a
              ON a.id = e.appointment_id WHERE a.place_id = %s AND e.kind = 'held' AND e.description LIKE %s
        """, [place.pk, "%venait d'être pris%"])
        substituted = cursor.fetchone()[0]
    return {"overlapping_active_appointments": overlaps, "booked": booked, "pool": pool,
            "booked_without_their_2_units": not_owning, "free_units_left": free_units,
            "holds_of_the_nearest_time_instead": substituted}


def summary(values):
    return {"count": len(values), "p50_ms": ms(percentile(values, 50)), "p95_ms": ms(percentile(values, 95)),
            "p99_ms": ms(percentile(values, 99)), "max_ms": ms(max(values) if values else None)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--pool", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn sync workers")
    parser.add_argument("--think-ms", type=int, default=0, help="mean pause before each POST (0: none)")
    parser.add_argument("--attempts", type=int, default=20, help="tries per resident when a time is taken")
    parser.add_argument("--raw-threads", type=int, default=16)
    args = parser.parse_args()
    if not (1 <= args.clients <= 400 and 50 <= args.pool <= 2000 and 1 <= args.workers <= 32
            and 0 <= args.think_ms <= 10000 and 1 <= args.attempts <= 50 and 1 <= args.raw_threads <= 64):
        parser.error("limits: clients 1-400, pool 50-2000, workers 1-32, think-ms 0-10000, attempts 1-50, "
                     "raw-threads 1-64")

    WORK.mkdir(parents=True, exist_ok=True)
    log = WORK / "bench.log"
    log.write_text("")
    http_port = free_port()
    env = bench_env(http_port)
    results = {"date": dt.datetime.now().isoformat(timespec="seconds"), "cpu_count": os.cpu_count(),
               "gunicorn_workers": args.workers, "clients": args.clients, "pool": args.pool,
               "think_ms": args.think_ms, "load_average_before": os.getloadavg()[0]}
    gunicorn = None
    try:
        print(f"Base {DB_NAME} recréée, migrations… (journal : {log})", flush=True)
        recreate_database(DB_NAME)
        run([str(PYTHON), "manage.py", "migrate", "--noinput"], env, log)
        django_setup(env)
        meeting_type, http_place, raw_place, sessions = create_data(args.pool, 2 * args.pool + args.clients)
        from django.db import connection

        connection.close()
        gunicorn = start_process([str(GUNICORN), "parvis.wsgi:application", "--bind", f"127.0.0.1:{http_port}",
                          "--workers", str(args.workers), "--timeout", "120", "--backlog", "2048"], env, log)
        base = f"http://127.0.0.1:{http_port}"
        wait_http(f"{base}/rendez-vous/")
        slots_path = f"/rendez-vous/creneaux/?motif={meeting_type.slug}&lieu={http_place.slug}"
        results["warmup_requests"] = warm_up(base, sessions.pop(), slots_path, args.workers)
        print(f"Ruée HTTP : {args.clients} clients, {args.pool} créneaux, {args.workers} workers gunicorn…",
              flush=True)
        before = cpu_snapshot(gunicorn)
        stats, elapsed = http_rush(base, sessions, args.clients, args.attempts, args.think_ms, slots_path)
        cpu = cpu_delta(before, cpu_snapshot(gunicorn), stats.bookings)
        requests = sum(len(v) for k, v in stats.latency.items() if k != "booking")
        results["http"] = {
            "bookings": stats.bookings, "seconds": round(elapsed, 2),
            "bookings_per_second": round(stats.bookings / elapsed, 1),
            "requests": requests, "requests_per_second": round(requests / elapsed, 1),
            "taken_meanwhile_409": stats.conflicts, "errors": len(stats.errors), "error_samples": stats.errors[:10],
            "server_errors_5xx": sum(n for key, n in stats.statuses.items() if key.split()[1].startswith("5")),
            "statuses": stats.statuses,
            "latency": {kind: summary(values) for kind, values in stats.latency.items()},
            "cpu": cpu,
        }
        print(json.dumps(results["http"], indent=2, ensure_ascii=False), flush=True)
        results["checks"] = check_no_overbooking(http_place, args.pool)
        print(json.dumps(results["checks"], indent=2), flush=True)
        stop(gunicorn)
        gunicorn = None
        print(f"Même réservation en SQL brut, {args.raw_threads} connexions…", flush=True)
        results["raw_sql"] = raw_sql_rate(raw_place, meeting_type, args.raw_threads)
        results["raw_sql"]["checks"] = check_no_overbooking(raw_place, args.pool)
        print(json.dumps(results["raw_sql"], indent=2), flush=True)
        ratio = results["http"]["bookings_per_second"] / results["raw_sql"]["bookings_per_second"]
        p99 = max(results["http"]["latency"][kind]["p99_ms"] or 0 for kind in ("slots", "next-week", "hold", "confirm"))
        results["verdict"] = {
            "http_over_raw_sql": round(ratio, 3),
            "zero_overbooking": results["checks"]["overlapping_active_appointments"] == 0
            and results["checks"]["booked_without_their_2_units"] == 0,
            "all_slots_booked": results["checks"]["booked"] == args.pool,
            "zero_server_errors": results["http"]["server_errors_5xx"] == 0,
            "request_p99_ms": p99, "request_p99_under_1s": p99 < 1000, "at_least_20_percent": ratio >= 0.2,
        }
        print(json.dumps(results["verdict"], indent=2), flush=True)
    finally:
        stop(gunicorn)
    results["load_average_after"] = os.getloadavg()[0]
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"appointments-rush-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"Résultats : {path}")


if __name__ == "__main__":
    main()
