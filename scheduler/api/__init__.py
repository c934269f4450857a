"""HTTP routes under ``/api/v1``: thin functions over the service layer."""
