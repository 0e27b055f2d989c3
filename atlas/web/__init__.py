"""Flask adapters: thin views over the Flask-free domain in ``atlas``."""
