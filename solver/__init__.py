"""Permanence solver: a pure library that turns a scenario into a fair rota.

No database, HTTP or clock lives here: a scenario (``permanence/scenario@1``)
goes in, a rota (``permanence/rota@1``) comes out.
"""
