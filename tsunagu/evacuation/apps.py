from django.apps import AppConfig


class EvacuationConfig(AppConfig):
    name = "tsunagu.evacuation"
    verbose_name = "個別避難計画"
