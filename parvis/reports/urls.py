from django.urls import path

from parvis.reports import agent_views, views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("carte.geojson", views.map_data, name="map_data"),
    path("adresses/", views.address_search, name="address_search"),
    # Filing, in four steps
    path("nouveau/", views.new_category, name="new"),
    path("nouveau/photos/", views.new_photos, name="new_photos"),
    path("nouveau/photos/<int:photo_id>/", views.draft_photo, name="draft_photo"),
    path("nouveau/lieu/", views.new_location, name="new_location"),
    path("nouveau/description/", views.new_details, name="new_details"),
    path("nouveau/envoye/", views.filed, name="filed"),
    # Followers' links (sent by email)
    path("suivi/<str:token>/confirmer/", views.follow_confirm, name="follow_confirm"),
    path("suivi/<str:token>/arreter/", views.unfollow, name="unfollow"),
    # Agents
    path("agents/", agent_views.agent_list, name="agent_list"),
    path("agents/nouveau/", agent_views.agent_new, name="agent_new"),
    path("agents/open311/", agent_views.api_keys, name="api_keys"),
    path("agents/open311/<int:pk>/revoquer/", agent_views.api_key_revoke, name="api_key_revoke"),
    path("agents/<str:reference>/", agent_views.agent_detail, name="agent_detail"),
    path("agents/<str:reference>/action/", agent_views.agent_action, name="agent_action"),
    path("agents/<str:reference>/photos/<int:photo_id>/", agent_views.agent_photo, name="agent_photo"),
    # A report's public page
    path("<str:reference>/", views.report_detail, name="detail"),
    path("<str:reference>/suivre/", views.follow, name="follow"),
    path("<str:reference>/photos/<int:photo_id>/", views.report_photo, name="photo"),
]
