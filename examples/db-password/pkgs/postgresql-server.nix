# A PostgreSQL server as a `process` component that also provides the postgresql-database container,
# as in StaffTracker (../../stafftracker/pkgs/postgresql-server.nix), except that clients on the test
# network must log in with a password: the superuser's password is set from the secret whose path the
# process module passes in $postgresPassword (initdb --pwfile reads its first line). On the target
# itself, peer authentication (the postgresql-database module runs its clients as postgres).
{ pkgs, common, dysnomiaModules, port ? 5432 }:

let
  server = common.mkDaemon {
    name = "postgresql";
    user = "postgres";
    waitPort = port;
    stopSignal = "SIGINT";
    preStart = ''
      pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
      if [ ! -x "$pgbin/postgres" ]; then echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; fi
      if [ ! -r "''${postgresPassword:-}" ]; then echo "the secret postgresPassword was not delivered" >&2; exit 1; fi
      data=/var/state/postgresql/data
      mkdir -p /var/state/postgresql /run/postgresql
      chown postgres:postgres /var/state/postgresql /run/postgresql
      if [ ! -s "$data/PG_VERSION" ]; then
        (cd / && runuser -u postgres -- "$pgbin/initdb" --no-locale -E UTF8 --auth-local=peer --auth-host=scram-sha-256 \
          --username=postgres --pwfile="$postgresPassword" -D "$data" >/dev/null)
        echo "host all all samenet scram-sha-256" >> "$data/pg_hba.conf"
      fi
    '';
    command = ''"$pgbin/postgres" -D "$data" -p ${toString port} -k /run/postgresql -c listen_addresses='*' '';
  };
in
pkgs.runCommand "postgresql-server" { } ''
  mkdir -p $out/bin $out/libexec/dysnomia
  ln -s ${server}/bin/postgresql $out/bin/postgresql
  cat > $out/libexec/dysnomia/postgresql-database <<EOF
  #!${pkgs.runtimeShell}
  cd /
  exec ${dysnomiaModules}/postgresql-database "\$@"
  EOF
  chmod +x $out/libexec/dysnomia/postgresql-database
''
