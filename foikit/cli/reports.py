"""Placeholder: commands are added by the work on this module."""
