"""Solidarity: a campaign platform for detained human-rights defenders."""
