"""The chart's Measures section: open safety alerts, each instrument's scores plotted against its bands with the
plan's signatures marked, the latest band, what is due, and the drug screens as a timeline and a table. Its forms
are in staff.views.measures."""

from django.http import Http404
from django.utils import timezone

from clinic import policy
from clinic.policy import Action
from measures.instruments import BAM, GAD7, PHQ9
from measures.selectors import HISTORY_LIMIT, measures_due, patient_open_alerts, score_history, screen_history
from plans.selectors import signed_dates
from staff.plots.chart import instrument_history, screen_history_plot, short_name

SHOWN_INSTRUMENTS = (PHQ9, GAD7, BAM)


def measures_section(request, head) -> dict:
    """The Measures section's records: a constant number of queries (nine) whatever the length of the history,
    each list bounded (measures.selectors.HISTORY_LIMIT)."""
    patient = head.patient
    if not policy.allows(request.user, Action.SEE_MEASURES, patient):
        raise Http404
    signed = signed_dates(patient)
    return {
        "alerts": patient_open_alerts(patient),
        "histories": [
            instrument_history(
                definition, score_history(patient=patient, instrument=definition.code, limit=HISTORY_LIMIT), signed
            )
            for definition in SHOWN_INSTRUMENTS
        ],
        "due": measures_due([head.current], today=timezone.localdate()) if head.current else [],
        "screens": screen_history_plot(screen_history(patient=patient, limit=HISTORY_LIMIT)),
        "instruments": [(definition.code, short_name(definition)) for definition in SHOWN_INSTRUMENTS],
    }
