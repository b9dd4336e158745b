from django.urls import path

from pufa.progress import views

app_name = "progress"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.xlsx", views.dashboard_export, name="dashboard-export"),
    path("tasks/", views.status_list, name="status-list"),
    path("tasks/remind/", views.status_remind, name="status-remind"),
    path("units/<int:pk>/", views.unit, name="unit"),
    path("units/<int:pk>/note/", views.unit_note, name="unit-note"),
    path("units/<int:pk>/notice/", views.unit_notice, name="unit-notice"),
    path("my/", views.my_tasks, name="my-tasks"),
]
