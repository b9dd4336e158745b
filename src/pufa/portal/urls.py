from django.urls import path

from pufa.portal import contests, menu, surveys, views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("r/<int:pk>/", views.region, name="region"),
    path("lists/<int:pk>/", views.list_detail, name="list-detail"),
    path("units/<int:pk>/laws/", views.unit_laws, name="unit-laws"),
    path("calendar/", views.calendar, name="calendar"),
    path("search/", views.search, name="search"),
    path("venues/", views.venues, name="venues"),
    path("venues/map.json", views.venues_map, name="venues-map"),
    path("people/", views.people, name="people"),
    path("cases/", views.case_library, name="case-library"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("contests/<int:pk>/", contests.contest, name="contest"),
    path("contests/<int:pk>/paper/", contests.contest_paper, name="contest-paper"),
    path("contests/<int:pk>/submit/", contests.contest_submit, name="contest-submit"),
    path("s/<str:token>/", surveys.survey, name="survey"),
    path("menu/", menu.menu, name="menu"),
    path("menu/order/", menu.menu_order, name="menu-order"),
    path("menu/o/<str:token>/", menu.menu_order_status, name="menu-order-status"),
]
