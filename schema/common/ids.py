"""Opaque global IDs for GraphQL; the encoding lives in ``app.ids`` so download URLs share it."""

from app.ids import decode_id, encode_id

__all__ = ["decode_id", "encode_id"]
