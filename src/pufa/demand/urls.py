from django.urls import path

from pufa.demand import menu_views, views

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

urlpatterns += [
    path("menu/", menu_views.loop, name="menu-loop"),
    path("menu/orders/", menu_views.order_list, name="menu-order-list"),
    path("menu/orders/<int:pk>/", menu_views.order_detail, name="menu-order-detail"),
    path("menu/orders/<int:pk>/reveal/", menu_views.order_reveal, name="menu-order-reveal"),
    path("menu/orders/<int:pk>/<str:name>/", menu_views.order_step, name="menu-order-step"),
]
