# A PostgreSQL server as a `process` component that also provides the postgresql-database container.
# It runs Debian's postgres (the targets share the host's /usr) as the postgres user, with its data
# directory in the target's /var/state/postgresql and its socket in /run/postgresql, the module's
# default. Clients on the test network's own subnet (samenet) are trusted: the web services connect
# over TCP; on the target itself, peer authentication (the module runs its clients as postgres).
#
# libexec/dysnomia/postgresql-database is the module that activates the databases hosted here:
# Disnix runs a guest of a service-provided container with `--type <this package>`, and Dysnomia uses
# the one module in its libexec/dysnomia.
{ pkgs, common, dysnomiaModules, port ? 5432 }:

let
  server = common.mkDaemon {
    name = "postgresql";
    user = "postgres";
    waitPort = port;
    stopSignal = "SIGINT";  # "fast" shutdown: SIGTERM would wait for every client to disconnect
    preStart = ''
      pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
      if [ ! -x "$pgbin/postgres" ]; then echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; fi
      data=/var/state/postgresql/data
      mkdir -p /var/state/postgresql /run/postgresql
      chown postgres:postgres /var/state/postgresql /run/postgresql
      if [ ! -s "$data/PG_VERSION" ]; then
        (cd / && runuser -u postgres -- "$pgbin/initdb" --no-locale -E UTF8 --auth-local=peer --auth-host=scram-sha-256 -D "$data" >/dev/null)
        echo "host all all samenet trust" >> "$data/pg_hba.conf"
      fi
    '';
    command = ''"$pgbin/postgres" -D "$data" -p ${toString port} -k /run/postgresql -c listen_addresses='*' '';
  };
in
pkgs.runCommand "postgresql-server" { } ''
  mkdir -p $out/bin $out/libexec/dysnomia
  ln -s ${server}/bin/postgresql $out/bin/postgresql
  # From / : the module runs its clients as the postgres user, who cannot enter root's home.
  cat > $out/libexec/dysnomia/postgresql-database <<EOF
  #!${pkgs.runtimeShell}
  cd /
  exec ${dysnomiaModules}/postgresql-database "\$@"
  EOF
  chmod +x $out/libexec/dysnomia/postgresql-database
''
