# StaffTracker: the example system of the Disnix manual, in Node.js.
#
#   zipcodes, rooms, staff          PostgreSQL databases (type postgresql-database, deployState = true)
#   zipcodeservice, roomservice,    one web service per database (type process): serves its table as JSON
#     staffservice
#   stafftracker                    the web front-end (type process): joins the three services into a page
#   nginx                           reverse proxy in front of the front-end (type process), port 80
#   postgresql                      a PostgreSQL server (type process) that provides the
#                                   postgresql-database container to the databases on its target
#
# Every service gets the address of what it uses from its inter-dependency arguments:
# `zipcodes.target.properties.hostname` and `zipcodes.target.container.postgresqlPort`.
{ system, pkgs, distribution, invDistribution
, dysnomiaModules ? toString ../../modules   # the disnix-ts installation's bundled Dysnomia modules
}:

let
  inherit (pkgs) lib;
  common = import ../common { inherit pkgs; };

  database = name: pkgs.stdenv.mkDerivation {
    inherit name;
    buildCommand = ''
      mkdir -p $out/postgresql-databases
      cp ${./pkgs + "/${name}/${name}.sql"} $out/postgresql-databases/${name}.sql
    '';
  };

  webservice = { name, port, db, table }: common.mkNodeService {
    inherit name port;
    waitHttp = "/";
    script = ./pkgs/webservice.js;
    args = [ name (toString port) db.target.properties.hostname (toString db.target.container.postgresqlPort) db.name table ];
  };

  url = service: "http://${service.target.properties.hostname}:${toString service.port}/";
in
rec {
  postgresql = {
    name = "postgresql";
    pkg = import ./pkgs/postgresql-server.nix { inherit pkgs common dysnomiaModules; port = 5432; };
    type = "process";
    # The remaining attributes are the properties of the container it provides: the databases
    # distributed to its target are activated by the postgresql-database module with these.
    providesContainer = "postgresql-database";
    postgresqlUsername = "postgres";
    postgresqlPort = 5432;
  };

  zipcodes = {
    name = "zipcodes";
    pkg = database "zipcodes";
    type = "postgresql-database";
    deployState = true;
  };

  rooms = {
    name = "rooms";
    pkg = database "rooms";
    type = "postgresql-database";
    deployState = true;
  };

  staff = {
    name = "staff";
    pkg = database "staff";
    type = "postgresql-database";
    deployState = true;
  };

  zipcodeservice = {
    name = "zipcodeservice";
    port = 8081;
    pkg = { zipcodes }: webservice { name = "zipcodeservice"; port = 8081; db = zipcodes; table = "zipcodes"; };
    dependsOn = { inherit zipcodes; };
    type = "process";
  };

  roomservice = {
    name = "roomservice";
    port = 8082;
    pkg = { rooms }: webservice { name = "roomservice"; port = 8082; db = rooms; table = "rooms"; };
    dependsOn = { inherit rooms; };
    type = "process";
  };

  staffservice = {
    name = "staffservice";
    port = 8083;
    pkg = { staff }: webservice { name = "staffservice"; port = 8083; db = staff; table = "staff"; };
    dependsOn = { inherit staff; };
    type = "process";
  };

  stafftracker = {
    name = "stafftracker";
    port = 8080;
    pkg = { staffservice, roomservice, zipcodeservice }: common.mkNodeService {
      name = "stafftracker";
      port = 8080;
      waitHttp = "/";
      script = ./pkgs/frontend.js;
      args = [ "8080" (url staffservice) (url roomservice) (url zipcodeservice) ];
    };
    dependsOn = { inherit staffservice roomservice zipcodeservice; };
    type = "process";
  };

  nginx = {
    name = "nginx";
    pkg = { stafftracker }: import ./pkgs/nginx-proxy.nix { inherit pkgs common; port = 80; upstream = url stafftracker; };
    dependsOn = { inherit stafftracker; };
    type = "process";
  };
}
