"""Filing is the hot path of the portal (docs/performance.md): the number of SQL queries of each of its
requests is pinned, for a signed-in resident, so that it cannot creep back up unnoticed."""

from django.core.files.uploadedfile import SimpleUploadedFile

from parvis.filing.tests.conftest import future_date, page_url, post_page, start
from parvis.formengine.tests.helpers import pdf_bytes

# session + user (with whether they are an agent) + the draft with its procedure and revision
PAGE_GET = 3
# + savepoint, the draft locked, its update, release
PAGE_POST_WITHOUT_FILES = 7
# + the file and its draft link, the draft's files to prune unused ones
PAGE_POST_WITH_A_FILE = 10
# + draft files, reference number, case, documents, history, draft files removed, draft, two tasks
SUBMIT = 17


def test_each_filing_request_makes_a_fixed_number_of_queries(logged_in, procedure, django_assert_num_queries,
                                                             django_capture_on_commit_callbacks):
    draft, _ = start(logged_in, procedure)
    draft.procedure  # noqa: B018 (loaded here, for the URLs, so that only the requests are counted)
    with django_assert_num_queries(PAGE_GET):
        assert logged_in.get(page_url(draft, "demandeur")).status_code == 200
    with django_assert_num_queries(PAGE_POST_WITHOUT_FILES):
        assert post_page(logged_in, draft, "demandeur", {"prenom": "Camille", "nom": "Durand"}).status_code == 302
    plan = SimpleUploadedFile("plan.pdf", pdf_bytes(), content_type="application/pdf")
    with django_assert_num_queries(PAGE_POST_WITH_A_FILE):
        response = post_page(logged_in, draft, "reservation",
                             {"salle": "salle", "sono": "false", "date": future_date(), "plan": plan})
        assert response.status_code == 302
    assert post_page(logged_in, draft, "association", {"nom_asso": "Les Amis du Parc"}).status_code == 302
    assert post_page(logged_in, draft, "engagement", {"reglement": "on"}).status_code == 302
    with django_assert_num_queries(PAGE_GET + 1):  # the review also lists the files to show them
        assert logged_in.get(f"/demarches/{procedure.slug}/deposer/{draft.pk}/verification/").status_code == 200
    with django_capture_on_commit_callbacks(execute=False), django_assert_num_queries(SUBMIT - 2):
        response = logged_in.post(f"/demarches/{procedure.slug}/deposer/{draft.pk}/envoyer/",
                                  {"revision": str(draft.revision_id)})
    assert response.status_code == 302
    with django_assert_num_queries(PAGE_GET):
        assert logged_in.get(response["Location"]).status_code == 200
