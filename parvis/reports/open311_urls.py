from django.urls import re_path

from parvis.reports import open311

app_name = "open311"
_FMT = r"\.(?P<fmt>xml|json)$"
urlpatterns = [
    re_path(r"^discovery" + _FMT, open311.discovery, name="discovery"),
    re_path(r"^v2/services" + _FMT, open311.service_list, name="services"),
    re_path(r"^v2/services/(?P<service_code>[^/]+?)" + _FMT, open311.service_definition, name="service"),
    re_path(r"^v2/requests" + _FMT, open311.requests_view, name="requests"),
    re_path(r"^v2/requests/(?P<service_request_id>[^/]+?)" + _FMT, open311.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token>[^/]+?)" + _FMT, open311.token_detail, name="token"),
    re_path(r"^(?P<path>.*)$", open311.not_found, name="not_found"),
]
