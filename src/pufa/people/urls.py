from django.urls import path

from pufa.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("new/", views.person_create, name="person-create"),
    path("export.xlsx", views.person_export, name="person-export"),
    path("import/", views.roster_import, name="roster-import"),
    path("import/template.xlsx", views.import_template, name="import-template"),
    path("adjust/", views.adjust, name="adjust"),
    path("adjust/rules/", views.adjust_rules, name="adjust-rules"),
    path("<int:pk>/keep/", views.person_keep, name="person-keep"),
    path("<int:pk>/retire/", views.person_retire, name="person-retire"),
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("<int:pk>/reveal/", views.person_reveal, name="person-reveal"),
    path("<int:pk>/join/", views.membership_add, name="membership-add"),
    path("<int:pk>/household/", views.household_create, name="household-create"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership-end"),
    path("activities/<int:activity_id>/attendees/", views.activity_attendees, name="activity-attendees"),
]
