from django.urls import path

from pufa.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.scheme_import, name="scheme-import"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme-detail"),
    path("schemes/<int:pk>/step/", views.scheme_step, name="scheme-step"),
    path("schemes/<int:pk>/bands/", views.scheme_bands, name="scheme-bands"),
    path("schemes/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("schemes/<int:pk>/draw/", views.draw_create, name="draw-create"),
    path("items/<int:pk>/", views.item_configure, name="item-configure"),
    path("schemes/<int:pk>/units/<int:unit_pk>/", views.self_assessment, name="self"),
    path("schemes/<int:pk>/units/<int:unit_pk>/note/", views.self_note, name="self-note"),
    path("schemes/<int:pk>/units/<int:unit_pk>/step/", views.self_step, name="self-step"),
    path("schemes/<int:pk>/units/<int:unit_pk>/appeal/", views.appeal_file, name="appeal-file"),
    path("appeals/<int:pk>/decide/", views.appeal_decide, name="appeal-decide"),
    path("draws/<int:pk>/", views.draw_detail, name="draw-detail"),
    path("draws/<int:pk>/units/<int:unit_pk>/", views.inspect, name="inspect"),
]
