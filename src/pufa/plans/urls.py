from django.urls import path
from django.views.generic import RedirectView

from pufa.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan-list"),
    path("new/", views.plan_create, name="plan-create"),
    # 我的任务 shows progress's status of each task, so progress serves it; the old address keeps working.
    path("my/", RedirectView.as_view(pattern_name="progress:my-tasks", query_string=True), name="my-tasks"),
    path("import/", views.plan_import, name="plan-import"),
    path("import/<str:token>/", views.plan_import_review, name="plan-import-review"),
    path("<int:pk>/", views.plan_detail, name="plan-detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan-edit"),
    path("<int:pk>/delete/", views.plan_delete, name="plan-delete"),
    path("<int:pk>/tasks/new/", views.task_create, name="task-create"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task-edit"),
    path("tasks/<int:pk>/delete/", views.task_delete, name="task-delete"),
    path("tasks/<int:pk>/targets/new/", views.target_create, name="target-create"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target-edit"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target-delete"),
]
