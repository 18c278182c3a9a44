# db-password: a database password that never enters the Nix store.
#
#   postgresql     a PostgreSQL server (type process) that provides the postgresql-database container;
#                  its superuser password is the secret postgresPassword, set when it is first started
#   notes          a PostgreSQL database (type postgresql-database) in that server
#   notesservice   a web service (type process) on another machine that serves the notes as JSON,
#                  logging in over the network with the secret dbPassword
#
# Both secrets are the same file on the coordinator, `passwordFile`. It is named by a string, so Nix
# never reads it: the manifest records only where it is, and disnix-env sends its content to the
# targets when it activates the services. There it is a file of mode 0600 (owned by postgres for the
# server) under /var/lib/disnix/secrets, and the services get its path in an environment variable
# named after the secret.
{ system, pkgs, distribution, invDistribution
, dysnomiaModules ? toString ../../modules   # the disnix-ts installation's bundled Dysnomia modules
, passwordFile ? toString ./db-password      # the file on the coordinator (see README.md)
}:

let
  common = import ../common { inherit pkgs; };
in
rec {
  postgresql = {
    name = "postgresql";
    pkg = import ./pkgs/postgresql-server.nix { inherit pkgs common dysnomiaModules; port = 5432; };
    type = "process";
    secrets.postgresPassword = { file = passwordFile; owner = "postgres"; group = "postgres"; };
    providesContainer = "postgresql-database";
    postgresqlUsername = "postgres";
    postgresqlPort = 5432;
  };

  notes = {
    name = "notes";
    pkg = pkgs.runCommand "notes" { } ''
      mkdir -p $out/postgresql-databases
      cp ${./pkgs/notes.sql} $out/postgresql-databases/notes.sql
    '';
    type = "postgresql-database";
  };

  notesservice = {
    name = "notesservice";
    pkg = { notes }: common.mkNodeService {
      name = "notesservice";
      port = 8090;
      waitHttp = "/";
      script = ./pkgs/notes-service.js;
      args = [ "8090" notes.target.properties.hostname (toString notes.target.container.postgresqlPort) notes.name ];
    };
    dependsOn = { inherit notes; };
    type = "process";
    secrets.dbPassword.file = passwordFile;
  };
}
