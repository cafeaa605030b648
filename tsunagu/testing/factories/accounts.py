import factory

from tsunagu.accounts.models import User

PASSWORD = "correct-horse-battery"  # test-only password


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"利用者{n}")
    password = factory.django.Password(PASSWORD)
