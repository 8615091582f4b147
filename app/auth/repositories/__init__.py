"""Queries behind sign-in: identities (memberships, contacts), sessions and invitations."""
