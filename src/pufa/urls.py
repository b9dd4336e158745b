"""Root URLs. Every page needs a login (LoginRequiredMiddleware) unless its view opts out explicitly."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from pufa.api import endpoints as api_endpoints
from pufa.core import views as core_views
from pufa.org import views as org_views

urlpatterns = [
    path("", org_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("healthz", core_views.healthz, name="healthz"),
    path("notifications/", core_views.notification_list, name="notification-list"),
    path("org/", include("pufa.org.urls")),
    path("plans/", include("pufa.plans.urls")),
    path("ledger/", include("pufa.ledger.urls")),
    path("duties/", include("pufa.duties.urls")),
    path("people/", include("pufa.people.urls")),
    path("venues/", include("pufa.venues.urls")),
    path("creation/", include("pufa.creation.urls")),
    path("cases/", include("pufa.cases.urls")),
    path("progress/", include("pufa.progress.urls")),
    path("demand/", include("pufa.demand.urls")),
    path("exams/", include("pufa.exams.urls")),
    path("assessment/", include("pufa.assessment.urls")),
    path("reports/", include("pufa.reports.urls")),
    path("surveys/", include("pufa.surveys.urls")),
    path("public/", include("pufa.portal.urls")),
    path("accounts/tokens/", include("pufa.api.urls")),
    path("api/", api_endpoints.urls()),
]

handler403 = "pufa.core.views.permission_denied"
handler404 = "pufa.core.views.page_not_found"
handler500 = "pufa.core.views.server_error"
