"""The mail accounts send, in our own words. Nothing about anyone's care goes in them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outgoing:
    to: str
    subject: str
    text: str


def verify_address(to: str, link: str) -> Outgoing:
    return Outgoing(
        to,
        "Confirm your email address for Confide",
        "Welcome to Confide.\n\nTo confirm this is your address, open this link within 24 hours:\n"
        f"{link}\n\nIf you did not create an account, you can ignore this message.\n",
    )


def already_registered(to: str, reset_link: str) -> Outgoing:
    return Outgoing(
        to,
        "Someone tried to create a Confide account with your address",
        "Someone (perhaps you) tried to create a Confide account with this email address, "
        "but there is already an account for it, so nothing was changed.\n\n"
        f"If you have forgotten your password, you can choose a new one here within an hour:\n"
        f"{reset_link}\n\nIf it was not you, you can ignore this message.\n",
    )


def reset_password(to: str, link: str) -> Outgoing:
    return Outgoing(
        to,
        "Choose a new Confide password",
        f"To choose a new password, open this link within an hour:\n{link}\n\n"
        "If you did not ask for this, you can ignore this message; your password stays as it "
        "is.\n",
    )


def invitation(to: str, role_label: str, link: str) -> Outgoing:
    return Outgoing(
        to,
        "You are invited to join Confide",
        f"You have been invited to join Confide as {role_label}. To set your password and "
        f"sign in, open this link within 7 days:\n{link}\n",
    )
