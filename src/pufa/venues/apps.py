from django.apps import AppConfig


class VenuesConfig(AppConfig):
    name = "pufa.venues"
    label = "venues"
    verbose_name = "法治文化阵地"

    def ready(self) -> None:
        from pufa.core.audit import register_codes

        register_codes(
            {
                "venues.activity.venue": "登记活动所在阵地",
                "venues.boundary.portal": "设置门户地图显示",
                "venues.boundary.upload": "上传区划边界",
                "venues.kind.create": "新增阵地类别",
                "venues.photo.add": "上传阵地照片",
                "venues.photo.delete": "删除阵地照片",
                "venues.upkeep.create": "登记阵地维护更新",
                "venues.upkeep.delete": "删除阵地维护记录",
                "venues.venue.create": "新增法治文化阵地",
                "venues.venue.delete": "删除法治文化阵地",
                "venues.venue.import": "导入法治文化阵地",
                "venues.venue.update": "修改法治文化阵地",
            }
        )
        from pufa.core.home import TodoSource, register_todo
        from pufa.core.navigation import NavItem, register
        from pufa.ledger import extensions
        from pufa.venues import metrics, selectors, views

        register(NavItem("文化阵地", "venues:index", "venues.view", order=45, group="普法资源"))
        register_todo(TodoSource("venues", selectors.todos, order=45))
        metrics.register()
        extensions.register_section(
            extensions.ActivitySection(
                "venues.venue", "venues/_activity_section.html", views.activity_section, order=20
            )
        )
