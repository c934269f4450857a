"""Permanence service: HTTP API, web pages, database, jobs and the command line."""
