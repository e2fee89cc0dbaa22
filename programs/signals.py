from django.dispatch import Signal

# Sent inside the transaction that closes an enrollment (transition or discharge), with `enrollment` and
# `acting_user`. Higher apps (sessions) end rosters and pending reminders here; programs never imports them.
enrollment_ended = Signal()
