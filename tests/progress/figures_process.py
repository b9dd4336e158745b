"""A second (and third) pufa process for tests/progress/test_freshness.py — not a test module.

    python figures_process.py serve <username> <region id>
        reads lines from stdin; for each, renders the dashboard of the region for the user through the real
        view (with this process's own cache, as one gunicorn worker would), then the user's ledger list, and
        prints one JSON line {"activities": <the 活动场次 figure>, "queries": <queries the request made>,
        "listed": <the list's count>, "list_queries": <queries the list made>}.
    python figures_process.py record <username> <unit id>
        records and submits one activity dated today for the unit through the ledger services, then exits.

Settings come from the environment (PUFA_DATABASE_URL points both processes at the test's database).
"""

from __future__ import annotations

import json
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pufa.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from pufa.core.models import ActivityKind, Domain
    from pufa.ledger import services
    from pufa.org.models import Unit, User

    action, username, pk = sys.argv[1], sys.argv[2], int(sys.argv[3])
    user = User.objects.get(username=username)
    if action == "record":
        data = services.ActivityData(
            unit=Unit.objects.get(pk=pk),
            title="另一进程登记的民法典宣讲",
            kind=ActivityKind.objects.get(code="ztjz"),
            date=timezone.localdate(),
            domains=list(Domain.objects.filter(code="minfadian")),
            people_onsite=40,
            place="社区党群服务中心",
        )
        services.activity_create(actor=user, data=data, submit=True)
        return
    setup_test_environment()  # response.context, and "testserver" in ALLOWED_HOSTS
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    for _line in sys.stdin:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("progress:dashboard"), {"region": pk})
        figure = response.context["d"].totals[0]
        with CaptureQueriesContext(connection) as list_queries:
            listed = client.get(reverse("ledger:activity-list"))
        print(
            json.dumps(
                {
                    "activities": int(figure.value),
                    "queries": len(queries),
                    "listed": listed.context["count"],
                    "list_queries": len(list_queries),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
