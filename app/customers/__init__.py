"""Customer accounts: filters, lists and the customer 360."""
