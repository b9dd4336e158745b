from django.urls import path

from pufa.creation import views

app_name = "creation"

urlpatterns = [
    path("", views.index, name="index"),
    path("schemes/", views.scheme_list, name="scheme-list"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme-detail"),
    path("schemes/<int:pk>/edit/", views.scheme_edit, name="scheme-edit"),
    path("criteria/<int:pk>/remove/", views.criterion_remove, name="criterion-remove"),
    path("attestations/<int:pk>/file/", views.attestation_file, name="attestation-file"),
    path("schemes/<int:pk>/units/<int:unit_pk>/", views.checklist, name="checklist"),
    path("criteria/<int:pk>/units/<int:unit_pk>/attest/", views.attest, name="attest"),
    path("applications/", views.application_list, name="application-list"),
    path("applications/new/", views.application_create, name="application-create"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/step/", views.application_step, name="application-step"),
    path("titles/", views.title_list, name="title-list"),
    path("titles/<int:pk>/", views.title_detail, name="title-detail"),
]
