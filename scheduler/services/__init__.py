"""Service functions: keyword-only, take a session and an actor, raise domain errors, commit."""
