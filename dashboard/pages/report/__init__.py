"""Page ``/report``: member organisations record an incident."""
