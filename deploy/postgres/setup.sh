#!/usr/bin/env bash
# Create central's PostgreSQL role and database on this machine and print the DATABASE_URL line
# for /etc/village-info-centres/central.env. Run as root on the database server.
#
#   deploy/postgres/setup.sh [--role central] [--database central] [--host 127.0.0.1] [--port 5432]
#
# The password is generated (or taken from $CENTRAL_DB_PASSWORD) and shown once.
set -euo pipefail

role=central database=central host=127.0.0.1 port=5432
while [ $# -gt 0 ]; do
  case "$1" in
    --role) role="$2"; shift 2 ;;
    --database) database="$2"; shift 2 ;;
    --host) host="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
password="${CENTRAL_DB_PASSWORD:-$(head -c 24 /dev/urandom | base64 | tr -d '/+=' | head -c 32)}"

# psql reads the file as the postgres user, so hand it over on standard input.
runuser -u postgres -- psql --quiet -v ON_ERROR_STOP=1 -p "$port" \
  -v "role=$role" -v "database=$database" -v "password=$password" -f - <"$here/setup.sql"

echo "Created role $role and database $database. Put this line in /etc/village-info-centres/central.env:"
echo "DATABASE_URL=postgresql+psycopg://$role:$password@$host:$port/$database"
