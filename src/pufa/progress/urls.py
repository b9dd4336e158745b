from django.urls import path

from pufa.progress import views

app_name = "progress"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.xlsx", views.dashboard_export, name="dashboard-export"),
    path("tasks/", views.status_list, name="status-list"),
    path("units/<int:pk>/", views.unit, name="unit"),
    path("my/", views.my_tasks, name="my-tasks"),
]
