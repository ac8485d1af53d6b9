"""Telling what a command found, in the formats CI systems read (SPEC §17)."""
