"""Every query of the alerts domain: ``conditions`` reads what the rules look at, ``store`` the alerts."""
