#!/usr/bin/env python3
"""Benchmark of the agents' inbox at 10,000 and at 1,000,000 cases, in one run. Not a test: a measurement.

    .venv/bin/python bench/inbox_bench.py [--small 10000] [--large 1000000] [--residents 60000] [--runs 60]
                                          [--without-requested-indexes] [--measure-only]

1. Creates the PostgreSQL database `parvis_bench_inbox` (dropped first) and migrates it, with the inbox's
   indexes (docs/performance-inbox.md; `CREATE INDEX IF NOT EXISTS` again for an older schema), or without
   them with `--without-requested-indexes`.
2. `generate_demo_data`: 60,000 residents and the `--small` most recent cases (the current flow of a
   commune receiving 100,000 requests a year: about five weeks), then measures.
3. Grows the archive to `--large` cases: the same generator adds the older years (all handled, a few
   forgotten), so the inbox's open cases barely change while the table grows a hundredfold; measures again.

Each page is requested `--runs` times through Django's test client in this process (after warm-up), as a case
officer of one department (or its head for the heads' pages): server time per request, p50 and p95. Beside
it, the page's raw SQL: every SELECT the page sent, replayed one after the other on the same connection,
`--runs` times: p50 and p95 of their total; the EXPLAIN ANALYZE plan of the slowest is kept in the JSON. The
number of SQL queries of each page is reported at both sizes. The two sizes are measured in alternation,
round after round (the 10,000-case state is kept as a copy, `parvis_bench_inbox_small`), so that the other
load of the machine weighs on both alike; `--measure-only` measures the two databases of a previous run again.

Only 127.0.0.1 is contacted; every loop is bounded. Figures on stdout and in bench/results/inbox-<date>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from urllib.parse import urlencode

from _common import ADMIN_URL, ROOT, database_url, recreate_database

DB_NAME = "parvis_bench_inbox"
DEPARTMENT = "etat-civil"
AGENT = "instructeur.etatcivil@admiville.fr"
HEAD = "chef.etatcivil@admiville.fr"

# The inbox's indexes, asked of the cases part (docs/performance-inbox.md) and now in its migrations 0005 and
# 0006: created again with IF NOT EXISTS (for an older schema), or dropped by --without-requested-indexes.
REQUESTED_INDEXES = {
    "case_open_idx":
        "CREATE INDEX IF NOT EXISTS case_open_idx ON cases_case (department_id, implicit_decision_on, id) "
        "WHERE closed_at IS NULL",
    "case_status_deadline_idx":
        "CREATE INDEX IF NOT EXISTS case_status_deadline_idx ON cases_case "
        "(department_id, status, implicit_decision_on, id)",
    "case_dept_received_idx":
        "CREATE INDEX IF NOT EXISTS case_dept_received_idx ON cases_case (department_id, received_at, id)",
    "case_answers_search_idx":
        "CREATE INDEX IF NOT EXISTS case_answers_search_idx ON cases_case USING gin "
        "(jsonb_to_tsvector('french_unaccent'::regconfig, answers, '[\"string\"]'::jsonb))",
    "case_contact_email_idx":
        "CREATE INDEX IF NOT EXISTS case_contact_email_idx ON cases_case (upper(contact_email::text)) "
        "WHERE contact_email::text <> ''",
    "user_name_search_idx":
        "CREATE INDEX IF NOT EXISTS user_name_search_idx ON accounts_user USING gin "
        "((to_tsvector('french_unaccent'::regconfig, COALESCE(first_name, '') || ' ' || COALESCE(last_name, ''))))",
}


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def django_setup():
    os.environ.update({"DATABASE_URL": database_url(DB_NAME), "DEBUG": "false", "DB_CONN_MAX_AGE": "600",
                       "SECRET_KEY": "bench-" + "k" * 60, "ALLOWED_HOSTS": "testserver,127.0.0.1",
                       "LOG_LEVEL": "WARNING", "TASKS_BACKEND": "immediate"})
    os.environ["DJANGO_SETTINGS_MODULE"] = "parvis.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def copy_database(source, target):
    """A copy of `source` (CREATE DATABASE … TEMPLATE): the small state, kept to be measured beside the large."""
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def table_size():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('cases_case'))")
        return cursor.fetchone()[0]


def drop_requested_indexes():
    from django.db import connection

    with connection.cursor() as cursor:
        for name in REQUESTED_INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
            print(f"  index {name} supprimé", flush=True)


def create_requested_indexes():
    from django.db import connection

    with connection.cursor() as cursor:
        for name, sql in REQUESTED_INDEXES.items():
            started = time.monotonic()
            cursor.execute(sql)
            print(f"  index {name} : {time.monotonic() - started:.1f} s", flush=True)


def generate(residents, cases, years, until=None):
    from parvis.backoffice.demo_data import generate as run

    started = time.monotonic()
    last = [started]

    def progress(report):
        if time.monotonic() - last[0] > 30:
            last[0] = time.monotonic()
            print(f"    {report.cases:,} demandes, {time.monotonic() - started:.0f} s", flush=True)

    report = run(residents=residents, cases=cases, years=years, until=until, seed=2026, progress=progress,
                 log=lambda text: print(f"    {text}", flush=True))
    return {"residents": report.residents, "cases": report.cases, "events": report.events,
            "decisions": report.decisions, "seconds": round(time.monotonic() - started, 1),
            "statuses": dict(report.statuses)}


# --- The pages --------------------------------------------------------------------------------------------

def pages(agent, department):
    """The pages measured: (key, label, query parameters). Built from the data (a reference, a resident)."""
    from django.db.models import Count
    from django.db.models.functions import Length

    from parvis.backoffice.keyset import SortKey
    from parvis.cases.models import Case

    mine = Case.objects.filter(department=department, is_test=False)
    # A deep page: the cursor of the row at 90 % of the department's open list sorted by deadline (what
    # "Page suivante" would reach), and at 90 % of its whole archive sorted by date of receipt.
    open_list = mine.filter(closed_at__isnull=True, implicit_decision_on__isnull=False).order_by(
        "implicit_decision_on", "pk")
    total_open = open_list.count()
    deep_row = open_list[max(0, int(total_open * 0.9) - 1)]
    deep_open = SortKey("implicit_decision_on", nullable=True).encode(deep_row.implicit_decision_on, deep_row.pk)
    archive = mine.order_by("-received_at", "-pk")
    total = mine.count()
    deep_archive_row = archive[max(0, int(total * 0.9) - 1)]
    deep_archive = SortKey("received_at", descending=True, kind="datetime").encode(deep_archive_row.received_at,
                                                                                     deep_archive_row.pk)
    # Search: a reference from the middle of the archive; a resident (first and last name) with cases here,
    # whose last name is a single word carried by few people (as when an agent types a name).
    reference = archive[total // 2].reference
    resident = (mine.filter(applicant__isnull=False).exclude(applicant__last_name__contains=" ")
                .annotate(name_length=Length("applicant__last_name")).filter(name_length__gte=4)
                .values("applicant__first_name", "applicant__last_name")
                .annotate(n=Count("pk")).order_by("-n", "applicant__last_name").first())
    name = f"{resident['applicant__first_name']} {resident['applicant__last_name']}"
    service = str(department.pk)
    return [
        ("first", "1re page : service + statut (en cours), tri par échéance",
         {"service": service, "tri": "echeance"}),
        ("first_status", "1re page : service + statut « Reçue », tri par échéance",
         {"service": service, "statut": "received", "tri": "echeance"}),
        ("deep", f"Page profonde (90 % de {total_open} dossiers en cours), tri par échéance",
         {"service": service, "tri": "echeance", "apres": deep_open}),
        ("search_reference", "Recherche par référence, tous statuts", {"q": reference, "statut": "tous"}),
        ("search_name", "Recherche par nom d'usager (prénom et nom), tous statuts",
         {"q": name, "statut": "tous", "tri": "recentes"}),
        # Informative: the archive.
        ("deep_archive", "Page profonde de toute l'archive (à 90 %), tri par réception",
         {"service": service, "statut": "tous", "tri": "recentes", "apres": deep_archive}),
        ("final_status", "Statut terminé « Acceptée », tri par échéance (choisi)",
         {"service": service, "statut": "accepted", "tri": "echeance"}),
        ("all_deadline", "Tous les statuts, tri par échéance (choisi)",
         {"service": service, "statut": "tous", "tri": "echeance"}),
        ("all_recent", "Tous les statuts, tri par défaut (réception)", {"service": service, "statut": "tous"}),
        ("search_last_name", "Recherche par nom de famille seul, tous statuts",
         {"q": resident["applicant__last_name"], "statut": "tous", "tri": "recentes"}),
        ("search_answers", "Recherche dans le contenu des demandes (« mariage »), tous statuts",
         {"q": "mariage", "dans": "reponses", "statut": "tous", "tri": "recentes"}),
        ("workload", "Charge du service (chef de service)", {}, "/agents/charge/", "head"),
        ("overdue", "Dossiers en retard (chef de service)", {}, "/agents/en-retard/", "head"),
    ]


class Recorder:
    """Records every SQL query of a request (text, parameters, duration) through an execute wrapper."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, (time.perf_counter() - started) * 1000))


def _main_query(queries):
    """The slowest query of the page (its plan is kept in the JSON)."""
    sql, params, _duration = max(queries, key=lambda query: query[2])
    return sql, params


class Target:
    """One database measured: its logged-in client and its pages (built from its own data)."""

    def __init__(self, name, label):
        self.name = name
        self.label = label
        self.clients = {}
        self.pages = {}
        self.facts = {}

    def use(self):
        from django.db import connection

        if connection.settings_dict["NAME"] != self.name:
            connection.close()
            connection.settings_dict["NAME"] = self.name

    def prepare(self):
        from django.test import Client

        from parvis.accounts.models import User
        from parvis.cases.models import Case
        from parvis.organisation.models import Department

        self.use()
        agent = User.objects.get(email=AGENT)
        department = Department.objects.get(slug=DEPARTMENT)
        self.clients = {"agent": Client(), "head": Client()}
        self.clients["agent"].force_login(agent)
        self.clients["head"].force_login(User.objects.get(email=HEAD))
        mine = Case.objects.filter(department=department)
        self.facts = {"cases": Case.objects.count(), "department_cases": mine.count(),
                      "open_cases": Case.objects.filter(closed_at__isnull=True).count(),
                      "department_open_cases": mine.filter(closed_at__isnull=True).count()}
        for key, text, params, *where in pages(agent, department):
            path, who = where or ("/agents/", "agent")
            url = path + ("?" + urlencode(params) if params else "")
            client = self.clients[who]
            recorder = Recorder()
            from django.db import connection

            for _ in range(3):
                assert client.get(url).status_code == 200
            with connection.execute_wrapper(recorder):
                assert client.get(url).status_code == 200
            sql, sql_params = _main_query(recorder.queries)
            selects = [(q_sql, q_params) for q_sql, q_params, _d in recorder.queries if q_sql.startswith("SELECT")]
            self.pages[key] = {"label": text, "url": url, "who": who, "queries": len(recorder.queries), "sql": sql,
                               "sql_params": sql_params, "selects": selects, "server": [], "sql_times": [],
                               "all_sql_one_request_ms": round(sum(q[2] for q in recorder.queries), 1)}

    def run(self, key, count):
        """`count` requests of the page, then `count` runs of its main query alone; times appended."""
        from django.db import connection

        self.use()
        page = self.pages[key]
        client = self.clients[page["who"]]
        assert client.get(page["url"]).status_code == 200  # (re)connection, caches
        for _ in range(count):
            started = time.perf_counter()
            response = client.get(page["url"])
            page["server"].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        with connection.cursor() as cursor:
            for _ in range(count):
                # Every SELECT of the page, one after the other, as the page sent them.
                started = time.perf_counter()
                for sql, params in page["selects"]:
                    cursor.execute(sql, params)
                    cursor.fetchall()
                page["sql_times"].append((time.perf_counter() - started) * 1000)

    def figures(self):
        from django.db import connection

        self.use()
        out = dict(self.facts, pages={})
        with connection.cursor() as cursor:
            for key, page in self.pages.items():
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + page["sql"], page["sql_params"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
                out["pages"][key] = {
                    "label": page["label"], "url": page["url"], "queries": page["queries"],
                    "server_p50_ms": round(statistics.median(page["server"]), 1),
                    "server_p95_ms": round(percentile(page["server"], 0.95), 1),
                    "sql_p50_ms": round(statistics.median(page["sql_times"]), 2),
                    "sql_p95_ms": round(percentile(page["sql_times"], 0.95), 2),
                    "all_sql_one_request_ms": page["all_sql_one_request_ms"],
                    "slowest_sql": str(connection.ops.compose_sql(page["sql"], page["sql_params"])), "plan": plan,
                }
        return out


def measure(targets, runs, rounds=6):
    """Measures every page on every target, interleaved: round after round, each target in turn (the order
    alternating), so that the machine's other load weighs on every database alike."""
    for target in targets:
        target.prepare()
        print(f"  {target.label} : {target.facts['cases']:,} demandes ({target.facts['department_cases']:,} "
              f"dans le service, {target.facts['department_open_cases']:,} en cours)".replace(",", " "), flush=True)
    per_round = max(1, runs // rounds)
    for key in targets[0].pages:
        for number in range(rounds):
            for target in (targets if number % 2 == 0 else list(reversed(targets))):
                target.run(key, per_round)
        print(f"  {targets[0].pages[key]['label']}", flush=True)
        for target in targets:
            page = target.pages[key]
            print(f"    {target.label} : serveur p50 {statistics.median(page['server']):.1f} ms, "
                  f"p95 {percentile(page['server'], 0.95):.1f} ms ; SQL de la page p50 "
                  f"{statistics.median(page['sql_times']):.2f} ms, p95 {percentile(page['sql_times'], 0.95):.2f} ms ; "
                  f"{page['queries']} requêtes SQL", flush=True)
    return [target.figures() for target in targets]


def table(small, large):
    keys = list(large["pages"]) if large else list(small["pages"])
    a_size = f"{small['cases']:,}".replace(",", " ")
    b_size = f"{large['cases']:,}".replace(",", " ") if large else "—"
    lines = [f"| Page | {a_size} : serveur p50 / p95 | SQL de la page p50 / p95 | {b_size} : serveur p50 / p95 | "
             "SQL de la page p50 / p95 | p95 grande / petite | Requêtes |", "|---|---|---|---|---|---|---|"]
    for key in keys:
        a = small["pages"][key]
        b = large["pages"][key] if large else None
        ratio = f"{b['server_p95_ms'] / a['server_p95_ms']:.2f}" if b else "—"
        lines.append(
            f"| {a['label'] if not b else b['label']} | {a['server_p50_ms']} / {a['server_p95_ms']} ms | "
            f"{a['sql_p50_ms']} / {a['sql_p95_ms']} ms | "
            + (f"{b['server_p50_ms']} / {b['server_p95_ms']} ms | {b['sql_p50_ms']} / {b['sql_p95_ms']} ms | "
               if b else "— | — | ")
            + f"{ratio} | {a['queries']}{' / ' + str(b['queries']) if b else ''} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--residents", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=60, help="requests per page and size (in 6 rounds)")
    parser.add_argument("--without-requested-indexes", action="store_true")
    parser.add_argument("--measure-only", action="store_true",
                        help="measure again the two databases of a previous run (no generation)")
    args = parser.parse_args()
    if not (1_000 <= args.small <= args.large <= 5_000_000 and 5 <= args.runs <= 1000):
        parser.error("limits: 1,000 <= small <= large <= 5,000,000; 5 <= runs <= 1000")
    results = {"date": dt.datetime.now().isoformat(timespec="seconds"), "cpu_count": os.cpu_count(),
               "load_average_before": os.getloadavg()[0], "requested_indexes": not args.without_requested_indexes,
               "runs": args.runs}
    if args.measure_only:
        django_setup()
        print("Mesure des deux bases d'une exécution précédente, en alternance…", flush=True)
        results["small"], results["large"] = measure(
            [Target(f"{DB_NAME}_small", "petite base"), Target(DB_NAME, "grande base")], args.runs)
        return finish(results, results["small"], results["large"])
    recreate_database(DB_NAME)
    django_setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"Base {DB_NAME} recréée, migrations…", flush=True)
    call_command("migrate", verbosity=0)
    if args.without_requested_indexes:
        drop_requested_indexes()
    else:
        create_requested_indexes()
    # The current flow: --small cases over the last weeks (100,000 a year).
    weeks = args.small / 100_000 * 52
    print(f"Génération : {args.residents} usagers, {args.small} demandes sur {weeks:.1f} semaines…", flush=True)
    results["generate_small"] = generate(args.residents, args.small, years=weeks / 52)
    results["table_size_small"] = table_size()
    print("\nMesure à la petite taille…", flush=True)
    [results["small_alone"]] = measure([Target(DB_NAME, "petite base")], args.runs)

    large = None
    if args.large > args.small:
        from parvis.cases.models import Case

        snapshot = f"{DB_NAME}_small"
        connection.close()
        copy_database(DB_NAME, snapshot)
        oldest = Case.objects.order_by("received_at").values_list("received_at", flat=True).first()
        grow = args.large - args.small
        years = grow / 100_000
        print(f"\nCroissance de l'archive : {grow} demandes plus anciennes, sur {years:.1f} ans…", flush=True)
        results["generate_large"] = generate(0, grow, years=years, until=oldest - dt.timedelta(minutes=1))
        print(f"  {results['generate_large']['seconds']} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE cases_case")
        results["table_size_large"] = table_size()
        print("\nMesure des deux tailles, en alternance…", flush=True)
        small_target = Target(snapshot, f"{args.small:,}".replace(",", " "))
        large_target = Target(DB_NAME, f"{args.large:,}".replace(",", " "))
        results["small"], large = measure([small_target, large_target], args.runs)
        results["large"] = large
    else:
        results["small"] = results["small_alone"]

    finish(results, results["small"], large)


def finish(results, small, large):
    results["load_average_after"] = os.getloadavg()[0]
    print("\n" + table(small, large))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"inbox-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\nRésultats : {path} (bases {DB_NAME} et {DB_NAME}_small conservées pour EXPLAIN ; "
          "DROP DATABASE pour les supprimer)")


if __name__ == "__main__":
    main()
