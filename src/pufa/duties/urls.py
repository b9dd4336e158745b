from django.urls import path

from pufa.duties import views

app_name = "duties"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.list_create, name="list-create"),
    path("<int:pk>/", views.list_detail, name="list-detail"),
    path("<int:pk>/edit/", views.list_edit, name="list-edit"),
    path("<int:pk>/submit/", views.list_submit, name="list-submit"),
    path("<int:pk>/file/", views.list_file, name="list-file"),
    path("<int:pk>/return/", views.list_return, name="list-return"),
    path("<int:pk>/publish/", views.list_publish, name="list-publish"),
    path("<int:pk>/withdraw/", views.list_withdraw, name="list-withdraw"),
    path("<int:pk>/export.<str:fmt>", views.list_export, name="list-export"),
    path("<int:pk>/items/new/", views.item_create, name="item-create"),
    path("items/<int:pk>/edit/", views.item_edit, name="item-edit"),
    path("items/<int:pk>/delete/", views.item_delete, name="item-delete"),
    path("<int:pk>/planned/new/", views.planned_create, name="planned-create"),
    path("planned/<int:pk>/edit/", views.planned_edit, name="planned-edit"),
    path("planned/<int:pk>/delete/", views.planned_delete, name="planned-delete"),
    path("planned/<int:pk>/link/", views.planned_link, name="planned-link"),
    path("planned/<int:pk>/unlink/", views.planned_unlink, name="planned-unlink"),
    path("overview/", views.overview, name="overview"),
    path("overview/deadline/", views.deadline_set, name="deadline-set"),
    path("overview/remind/", views.remind, name="remind"),
    path("overview/export.<str:fmt>", views.region_export, name="region-export"),
    path("laws/", views.law_list, name="law-list"),
    path("laws/new/", views.law_create, name="law-create"),
    path("laws/<int:pk>/edit/", views.law_edit, name="law-edit"),
    path("templates/", views.template_list, name="template-list"),
    path("templates/new/", views.template_create, name="template-create"),
    path("templates/<int:pk>/", views.template_detail, name="template-detail"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template-edit"),
    path("templates/<int:pk>/items/delete/", views.template_item_delete, name="template-item-delete"),
    path("templates/<int:pk>/issue/", views.template_issue, name="template-issue"),
]
