from django.urls import path

from parvis.appointments import api_views

app_name = "ants_api"
urlpatterns = [
    path("getManagedMeetingPoints", api_views.managed_meeting_points, name="meeting_points"),
    path("availableTimeSlots", api_views.available_time_slots, name="available_time_slots"),
    path("searchApplicationIds", api_views.search_application_ids, name="search_application_ids"),
]
