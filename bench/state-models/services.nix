# The stateful services of bench/state.mjs (each scenario distributes one of them):
#   big      a fileset whose mutable directory /var/state/big/data holds the data that moves
#   benchdb  a PostgreSQL database with one table, items, that the bench fills with N rows
{ system, pkgs, distribution, invDistribution }:

{
  big = {
    name = "big";
    pkg = pkgs.stdenv.mkDerivation {
      name = "big";
      buildCommand = ''
        mkdir -p $out
        echo /var/state/big > $out/.dysnomia-targetdir
        echo 'mkdir data' > $out/.dysnomia-fileset
      '';
    };
    type = "fileset";
    deployState = true;
  };

  benchdb = {
    name = "benchdb";
    pkg = pkgs.stdenv.mkDerivation {
      name = "benchdb";
      buildCommand = ''
        mkdir -p $out/postgresql-databases
        cat > $out/postgresql-databases/schema.sql <<'SQL'
        CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2) NOT NULL, created timestamptz NOT NULL);
        SQL
      '';
    };
    type = "postgresql-database";
    deployState = true;
  };
}
