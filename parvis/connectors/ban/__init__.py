"""Connector to the Base Adresse Nationale (address search and reverse geocoding), see client.py."""
