from django.urls import path

from pufa.venues import views

app_name = "venues"

urlpatterns = [
    path("", views.index, name="index"),
    path("list/", views.venue_list, name="venue-list"),
    path("list/<int:pk>/", views.venue_detail, name="venue-detail"),
    path("new/", views.venue_create, name="venue-create"),
    path("export/", views.venue_export, name="venue-export"),
    path("import/", views.venue_import, name="venue-import"),
    path("import/template/", views.import_template, name="import-template"),
    path("list/<int:pk>/edit/", views.venue_edit, name="venue-edit"),
    path("list/<int:pk>/delete/", views.venue_delete, name="venue-delete"),
    path("list/<int:pk>/photos/", views.photo_add, name="photo-add"),
    path("photos/<int:pk>/", views.photo_file, name="photo-file"),
    path("photos/<int:pk>/thumb/", views.photo_thumb, name="photo-thumb"),
    path("photos/<int:pk>/delete/", views.photo_delete, name="photo-delete"),
    path("upkeep/<int:pk>/delete/", views.upkeep_delete, name="upkeep-delete"),
    path("uses/", views.use_list, name="use-list"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/streets/", views.coverage_rollup, name="coverage-rollup"),
    path("map/", views.map_page, name="map"),
    path("map/data/", views.map_data, name="map-data"),
    path("boundaries/", views.boundary_list, name="boundary-list"),
    path("boundaries/<int:pk>/portal/", views.boundary_portal, name="boundary-portal"),
    path("kinds/", views.kind_list, name="kind-list"),
    path("activity/<int:pk>/", views.activity_venue, name="activity-venue"),
]
