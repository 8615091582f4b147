"""Everything ``ledgerport demo`` does beyond serving: demo data, the accounts worth showing, demo
sign-in (a local OIDC provider and invited people), demo card payments (localstripe) and the banner.

Nothing here runs outside the demo: it sets made-up secrets only where none are set, and a real
deployment never imports it.
"""
