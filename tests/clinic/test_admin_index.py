from django.contrib.admin.models import ADDITION, LogEntry

from tests.factories import PatientFactory


def test_the_admin_index_lists_no_recent_actions_naming_patients(client, supervisor):
    """Django's "Recent actions" prints the name of every record a user changed, in their scope today or not; the
    audit trail is the record of who did what."""
    patient = PatientFactory(legal_last_name="Whitfield")
    LogEntry.objects.log_actions(user_id=supervisor.pk, queryset=[patient], action_flag=ADDITION)
    client.force_login(supervisor)

    page = client.get("/admin/").content.decode()

    assert "Administration" in page and "Whitfield" not in page
