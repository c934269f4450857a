"""One module per periodic job; each exposes ``run(context) -> summary``."""
