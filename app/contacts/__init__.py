"""Customer contacts: their own view of themselves and their accounts in the portal."""
