from django.core.management.base import BaseCommand, CommandError

from demo.seed import CHUNK, already_loaded, seed_clinic


class Command(BaseCommand):
    help = (
        "Load a realistic demo clinic: staff in every role, programs at each level of care, and patients "
        "with level-of-care histories."
    )

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=int, default=40, help="How many patients to add (default 40).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when demo data is already loaded (what `make run` uses).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed, for repeatable data.")
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=CHUNK,
            help=f"Patients made and written at a time (default {CHUNK}): memory follows this, not --patients.",
        )

    def handle(self, *args, patients, if_empty, seed, chunk_size, **options):
        if patients < 0:
            raise CommandError("--patients must be zero or more.")
        if chunk_size < 1:
            raise CommandError("--chunk-size must be one or more.")
        if if_empty and already_loaded():
            self.stdout.write("Demo data already loaded: nothing added.")
            return
        seed_clinic(patients=patients, seed=seed, out=self.stdout, chunk=chunk_size)
