"""One module per screen of the kiosk; :mod:`kiosk_app.ui.window` puts them in a stack."""
