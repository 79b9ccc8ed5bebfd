"""Connector to the ANTS coordination API for identity-document appointments (see client.py)."""
