"""What a customer contact sees of its accounts: figures, invoices, payments, statements, promises."""
