from django.urls import path

from pufa.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.index, name="index"),
    path("list/", views.survey_list, name="survey-list"),
    path("new/", views.survey_create, name="survey-create"),
    path("literacy/", views.literacy, name="literacy"),
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/new/", views.campaign_create, name="campaign-create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign-edit"),
    path("campaigns/<int:pk>/delete/", views.campaign_delete, name="campaign-delete"),
    path("<int:pk>/", views.survey_detail, name="survey-detail"),
    path("<int:pk>/edit/", views.survey_edit, name="survey-edit"),
    path("<int:pk>/delete/", views.survey_delete, name="survey-delete"),
    path("<int:pk>/step/<slug:name>/", views.survey_step, name="survey-step"),
    path("<int:pk>/questions/new/", views.question_edit, name="question-add"),
    path("<int:pk>/questions/<int:qid>/", views.question_edit, name="question-edit"),
    path("<int:pk>/questions/<int:qid>/delete/", views.question_delete, name="question-delete"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/responses/", views.responses, name="responses"),
    path("<int:pk>/export.xlsx", views.export, name="export"),
    path("<int:pk>/poster/", views.poster, name="poster"),
    path("<int:pk>/qr.svg", views.qr_code, name="qr"),
]
