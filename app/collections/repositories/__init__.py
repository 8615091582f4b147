"""Queries of collections beyond ``app/collections/repository.py`` (which holds the run's): each module the
queries of one service, each starting from the caller's scope."""
