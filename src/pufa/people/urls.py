from django.urls import path

from pufa.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("new/", views.person_create, name="person-create"),
    path("export.xlsx", views.person_export, name="person-export"),
    path("import/", views.roster_import, name="roster-import"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("kinds/", views.kind_list, name="kind-list"),
    path("kinds/<int:pk>/", views.kind_edit, name="kind-edit"),
    path("me/", views.me, name="me"),
    path("adjust/", views.adjust, name="adjust"),
    path("adjust/rules/", views.adjust_rules, name="adjust-rules"),
    path("<int:pk>/keep/", views.person_keep, name="person-keep"),
    path("<int:pk>/retire/", views.person_retire, name="person-retire"),
    path("spotchecks/", views.spotcheck_list, name="spotcheck-list"),
    path("spotchecks/<int:pk>/", views.spotcheck_detail, name="spotcheck-detail"),
    path("spotchecks/items/<int:pk>/", views.spot_item_record, name="spot-item-record"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("<int:pk>/reveal/", views.person_reveal, name="person-reveal"),
    path("<int:pk>/login/", views.person_login, name="person-login"),
    path("<int:pk>/join/", views.membership_add, name="membership-add"),
    path("<int:pk>/household/", views.household_create, name="household-create"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership-end"),
    path("activities/<int:activity_id>/attendees/", views.activity_attendees, name="activity-attendees"),
]
