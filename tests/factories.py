import datetime

import factory
from django.utils import timezone

from clinic.levels import LevelOfCare
from clinic.models import User
from patients.models import Patient, new_mrn
from programs.models import Enrollment, Program


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = "counselor"
    is_staff = True
    password = factory.django.Password("correct horse battery")


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    mrn = factory.LazyFunction(new_mrn)
    legal_first_name = factory.Faker("first_name")
    legal_last_name = factory.Faker("last_name")
    date_of_birth = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=35 * 365))
    email = factory.LazyAttribute(lambda p: f"{p.legal_first_name.lower()}.{p.mrn}@example.com")
    intake_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    level_of_care = LevelOfCare.INTENSIVE_OUTPATIENT
    site = "Main campus"
    capacity = 10


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    patient = factory.SubFactory(PatientFactory)
    program = factory.SubFactory(ProgramFactory)
    admitted_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=20))
