from django.urls import path

from pufa.exams import views

app_name = "exams"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("banks/new/", views.bank_create, name="bank-create"),
    path("banks/<int:pk>/", views.bank_detail, name="bank-detail"),
    path("banks/<int:pk>/import/", views.bank_import, name="bank-import"),
    path("banks/<int:pk>/questions/new/", views.question_create, name="question-create"),
    path("questions/<int:pk>/edit/", views.question_edit, name="question-edit"),
    path("new/", views.exam_create, name="exam-create"),
    path("contests/new/", views.contest_create, name="contest-create"),
    path("<int:pk>/", views.exam_detail, name="exam-detail"),
    path("<int:pk>/edit/", views.exam_edit, name="exam-edit"),
    path("<int:pk>/results/", views.exam_results, name="exam-results"),
    path("<int:pk>/results.xlsx", views.exam_export, name="exam-export"),
    path("<int:pk>/remind/", views.exam_remind, name="exam-remind"),
    path("<int:pk>/take/", views.take, name="take"),
    path("<int:pk>/<str:name>/", views.exam_step, name="exam-step"),
    path("attempts/<int:pk>/", views.attempt, name="attempt"),
    path("attempts/<int:pk>/save/", views.answer_save, name="answer-save"),
    path("attempts/<int:pk>/submit/", views.attempt_submit, name="attempt-submit"),
    path("attempts/<int:pk>/result/", views.attempt_result, name="attempt-result"),
]
