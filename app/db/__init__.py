"""Database wiring: Tortoise configuration, start-up and shutdown, migrations, and the tenancy choke point."""
