from django.urls import path

from pufa.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case-list"),
    path("new/", views.case_create, name="case-create"),
    path("import/", views.case_import, name="case-import"),
    path("<int:pk>/", views.case_detail, name="case-detail"),
    path("<int:pk>/edit/", views.case_edit, name="case-edit"),
    path("<int:pk>/submit/", views.case_submit, name="case-submit"),
    path("<int:pk>/review/", views.case_review, name="case-review"),
    path("<int:pk>/return/", views.case_return, name="case-return"),
    path("<int:pk>/publish/", views.case_publish, name="case-publish"),
    path("<int:pk>/withdraw/", views.case_withdraw, name="case-withdraw"),
    path("<int:pk>/delete/", views.case_delete, name="case-delete"),
    path("<int:pk>/restore/", views.case_restore, name="case-restore"),
    path("findings/<int:pk>/", views.finding_decide, name="finding-decide"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment-file"),
    path("activity/<int:activity_pk>/link/", views.case_use_add, name="case-use-add"),
    path("uses/<int:pk>/remove/", views.case_use_remove, name="case-use-remove"),
]
