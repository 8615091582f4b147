"""GraphQL primitives shared by every domain of the staff schema: money, IDs, connections."""
