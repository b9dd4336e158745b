"""`pufa seed-demo`: build the demo district from the seed documents. Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from pufa.assessment.demo import seed_assessment
from pufa.cases.demo import seed_cases
from pufa.creation.demo import seed_creation
from pufa.demand.demo import seed_demand
from pufa.duties.demo import seed_duties
from pufa.exams.demo import seed_exams
from pufa.ledger.demo import seed_ledger
from pufa.org.demo import DEMO_LOGINS, DEMO_PASSWORD, seed_org
from pufa.people.demo import seed_people
from pufa.plans.demo import seed_plans
from pufa.progress.demo import seed_progress
from pufa.reports.demo import seed_reports
from pufa.surveys.demo import seed_surveys
from pufa.venues.demo import seed_venues

# Each app's demo step, in dependency order; each is idempotent and returns nothing of interest.
STEPS = [
    seed_org,
    seed_plans,
    seed_ledger,  # after plans: activities are linked to the seed plans' open tasks
    seed_duties,  # after the ledger's step: publishing links the ledger's activities to announced ones
    seed_people,  # after plans: points the seed-000 roster targets at the rosters' metrics
    seed_venues,  # after the ledger's step: the communities' law classes are placed at their lecture halls
    seed_creation,  # after venues: the seed-001 checklist is computed from them
    seed_cases,  # after duties (the law catalogue) and the ledger (the 以案释法 activity it names)
    seed_exams,  # after the rosters: the demo exam is sat by roster members and a unit
    seed_surveys,  # after the ledger's step: the pre/post questionnaires are about a community's lecture
    # before progress: its delivered 点单 orders are ledger activities, which the figures and circular count
    seed_demand,  # hotline orders of the demo street, classified on import; 点单 in every state
    seed_progress,  # keep last among the data steps: it derives figures from the others
    seed_reports,  # after progress: reports are drafted from the ledger and progress figures
    seed_assessment,  # last: scores are computed from every other app's records
]


class Command(BaseCommand):
    help = "创建演示区（埇桥区、沱河街道等）及各角色的演示账号；重复运行不会重复创建。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="不打印演示账号")

    def handle(self, *args: Any, **options: Any) -> None:
        for step in STEPS:
            with transaction.atomic():
                step()
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
        if not options["quiet_logins"]:
            self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
            for login in DEMO_LOGINS:
                self.stdout.write(f"  {login.username:<12} {login.full_name}  {login.role}  {login.unit_code}")
            self.stdout.write("  admin        系统管理员")
