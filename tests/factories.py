"""factory_boy factories with realistic Chinese data. They create through the services, so paths, pinyin
keys and audit entries are what the application itself would write."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from pufa.org import services
from pufa.org.models import Membership, Region, Unit, User

TEST_PASSWORD = "Test-pass-2026!"


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"测试街道{n}")
    level = Region.Level.STREET
    parent = None

    @classmethod
    def _create(cls, model_class: type[Region], *args: object, **kwargs: object) -> Region:
        return services.region_create(
            actor=None, name=kwargs["name"], level=kwargs["level"], parent=kwargs.get("parent")
        )


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = Unit.Kind.DEPARTMENT
    region = factory.SubFactory(RegionFactory)
    parent = None
    aliases: list[str] = []
    code = factory.Sequence(lambda n: f"unit-{n}")

    @classmethod
    def _create(cls, model_class: type[Unit], *args: object, **kwargs: object) -> Unit:
        return services.unit_create(
            actor=None,
            data=services.UnitData(
                name=kwargs["name"],
                kind=kwargs["kind"],
                region=kwargs["region"],
                parent=kwargs.get("parent"),
                aliases=list(kwargs.get("aliases") or []),
                code=kwargs["code"],
            ),
        )


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Iterator(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"])
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


def member_of(unit: Unit, role: str, **user_kwargs: object) -> User:
    """A user acting for `unit` in `role` — the usual way tests get an actor."""
    user = UserFactory(**user_kwargs)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user
