"""The portal schema served at ``/portal/graphql``: only what a contact may see of its own accounts."""
