from django.urls import path

from pufa.reports import assessment_circulars, exam_circulars, spotcheck_circulars, views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="report-list"),
    path("new/", views.report_start, name="report-start"),
    path("overview/", views.report_overview, name="report-overview"),
    path("overview/deadline/", views.deadline_set, name="deadline-set"),
    path("overview/remind/", views.report_remind, name="report-remind"),
    path("summary/", views.summary_create, name="summary-create"),
    path("<int:pk>/", views.report_detail, name="report-detail"),
    path("<int:pk>/edit/", views.report_edit, name="report-edit"),
    path("<int:pk>/submit/", views.report_submit, name="report-submit"),
    path("<int:pk>/return/", views.report_return, name="report-return"),
    path("<int:pk>/accept/", views.report_accept, name="report-accept"),
    path("<int:pk>/download.<str:fmt>", views.report_download, name="report-download"),
    path("circulars/", views.circular_list, name="circular-list"),
    path("circulars/new/", views.circular_create, name="circular-create"),
    path("circulars/<int:pk>/", views.circular_detail, name="circular-detail"),
    path("circulars/<int:pk>/edit/", views.circular_edit, name="circular-edit"),
    path("circulars/<int:pk>/publish/", views.circular_publish, name="circular-publish"),
    path("circulars/<int:pk>/download.<str:fmt>", views.circular_download, name="circular-download"),
    path("exams/<int:pk>/circular.<str:fmt>", exam_circulars.exam_circular_download, name="exam-circular"),
    path(
        "spotchecks/<int:pk>/circular.<str:fmt>",
        spotcheck_circulars.spotcheck_circular_download,
        name="spotcheck-circular",
    ),
    path(
        "assessment/<int:pk>/circular.<str:fmt>",
        assessment_circulars.assessment_circular_download,
        name="assessment-circular",
    ),
]
