"""Readers and writers for question-bank files from other tools (Moodle GIFT and Aiken, CSV)."""
