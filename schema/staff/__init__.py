"""The staff schema served at ``/graphql``."""
