from django.urls import path

from pufa.demand import views

app_name = "demand"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("orders/", views.order_list, name="order-list"),
    path("orders/<int:pk>/", views.order_detail, name="order-detail"),
    path("import/", views.order_import, name="import"),
    path("gazetteer/", views.gazetteer, name="gazetteer"),
    path("gazetteer/<int:pk>/delete/", views.gazetteer_delete, name="gazetteer-delete"),
    path("rules/", views.rules, name="rules"),
    path("rules/<int:pk>/toggle/", views.rule_toggle, name="rule-toggle"),
    path("rules/train/", views.train, name="train"),
]
