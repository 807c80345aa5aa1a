"""Deployment of the village info-centre network: templates, renderer, backups and the demo.

- ``deploy.render``: fills the systemd units and the nginx site from a dict of values.
- ``deploy.backup``: backs up and restores the central office (database + ``$CENTRAL_HOME``).
- ``deploy.demo``: the whole network on one machine (``make demo``).
"""
