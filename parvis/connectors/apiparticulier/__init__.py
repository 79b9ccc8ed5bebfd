"""Connector to API Particulier for a family's quotient (composition familiale, CAF) — see client.py."""
