"""The GraphQL layer: Strawberry types, queries and mutations over the services in ``app``.

``schema/staff`` is the staff schema served at ``/graphql``; the portal schema lives apart so a customer's
token can never even name a staff field. Resolvers call services only; they never query models.
"""
