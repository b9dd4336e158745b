from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pufa.api"
    label = "api"
    verbose_name = "数据接口"

    def ready(self) -> None:
        from pufa.core.audit import register_codes

        register_codes(
            {"api.token.create": "创建接口令牌", "api.token.revoke": "吊销接口令牌", "api.token.use": "使用接口令牌"}
        )
