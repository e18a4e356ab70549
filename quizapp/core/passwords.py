"""The minimum password policy, shared by the register form and ``create-user``."""

from __future__ import annotations

MIN_LENGTH = 8
MAX_LENGTH = 128
# A few of the most used passwords (from public breach lists); a full list would be a data file to keep fresh.
COMMON = frozenset({
    "password", "password1", "password123", "12345678", "123456789", "1234567890", "qwertyuiop", "qwerty123",
    "iloveyou", "sunshine", "princess", "football", "baseball", "welcome1", "letmein1", "abc12345", "11111111",
    "00000000", "passw0rd", "trustno1", "superman", "1q2w3e4r", "qwerty12", "admin123", "changeme",
})


def password_problems(password: str, username: str = "") -> list[str]:
    """What is wrong with a password, in words; empty when it is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    if password.casefold() in COMMON:
        problems.append("That password is one of the most common ones; choose another.")
    if username and password.casefold() == username.casefold():
        problems.append("The password must not be your username.")
    if password and len(set(password)) == 1:
        problems.append("Use more than one distinct character.")
    return problems
