"""Alembic environment: the engine comes from central_api.db.migrate, never from a .ini file."""

from alembic import context

from central_api.db.schema import metadata

config = context.config


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        context.run_migrations()


run_migrations_online()
