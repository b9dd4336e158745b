from django.urls import path

from pufa.ledger import views

app_name = "ledger"

urlpatterns = [
    path("", views.activity_list, name="activity-list"),
    path("new/", views.activity_create, name="activity-create"),
    path("export.xlsx", views.activity_export, name="activity-export"),
    path("import/", views.activity_import, name="activity-import"),
    path("import/template.xlsx", views.activity_import_template, name="activity-import-template"),
    path("tasks/", views.task_suggestions, name="task-suggestions"),
    path("<int:pk>/", views.activity_detail, name="activity-detail"),
    path("<int:pk>/edit/", views.activity_edit, name="activity-edit"),
    path("<int:pk>/submit/", views.activity_submit, name="activity-submit"),
    path("<int:pk>/withdraw/", views.activity_withdraw, name="activity-withdraw"),
    path("<int:pk>/confirm/", views.activity_confirm, name="activity-confirm"),
    path("<int:pk>/return/", views.activity_return, name="activity-return"),
    path("<int:pk>/reopen/", views.activity_reopen, name="activity-reopen"),
    path("<int:pk>/delete/", views.activity_delete, name="activity-delete"),
    path("<int:pk>/restore/", views.activity_restore, name="activity-restore"),
    path("<int:pk>/highlight/", views.activity_highlight, name="activity-highlight"),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence-add"),
    path("evidence/<int:pk>/file/", views.evidence_file, name="evidence-file"),
    path("evidence/<int:pk>/thumb/", views.evidence_thumb, name="evidence-thumb"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence-delete"),
    path("evidence/<int:pk>/restore/", views.evidence_restore, name="evidence-restore"),
    path("requests/", views.consent_list, name="consent-list"),
    path("requests/<int:pk>/accept/", views.consent_accept, name="consent-accept"),
    path("requests/<int:pk>/decline/", views.consent_decline, name="consent-decline"),
    path("calendar/", views.calendar, name="calendar"),
    path("key-dates/", views.key_date_list, name="key-date-list"),
    path("key-dates/new/", views.key_date_create, name="key-date-create"),
    path("key-dates/<int:pk>/edit/", views.key_date_edit, name="key-date-edit"),
]
