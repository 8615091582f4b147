"""Email to people outside the app: contacts when staff answer or decide, support when a query arrives."""
