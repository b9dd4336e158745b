from django.urls import path

from pufa.org import views

app_name = "org"

urlpatterns = [
    path("regions/", views.region_list, name="region-list"),
    path("regions/new/", views.region_create, name="region-create"),
    path("regions/<int:pk>/edit/", views.region_edit, name="region-edit"),
    path("units/", views.unit_list, name="unit-list"),
    path("units/new/", views.unit_create, name="unit-create"),
    path("units/import/", views.unit_import_view, name="unit-import"),
    path("units/import/template.xlsx", views.unit_import_template, name="unit-import-template"),
    path("units/deleted/", views.unit_deleted_list, name="unit-deleted-list"),
    path("units/<int:pk>/", views.unit_detail, name="unit-detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit-edit"),
    path("units/<int:pk>/delete/", views.unit_delete, name="unit-delete"),
    path("units/<int:pk>/restore/", views.unit_restore, name="unit-restore"),
    path("people/", views.user_list, name="user-list"),
    path("people/new/", views.user_create, name="user-create"),
    path("people/<int:pk>/", views.user_detail, name="user-detail"),
    path("people/<int:pk>/edit/", views.user_edit, name="user-edit"),
    path("people/<int:pk>/password/", views.user_password, name="user-password"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership-end"),
    path("audit/", views.audit_list, name="audit-list"),
    path("feedback/", views.feedback_list, name="feedback-list"),
    path("feedback/new/", views.feedback_create, name="feedback-create"),
    path("feedback/<int:pk>/", views.feedback_detail, name="feedback-detail"),
]
