# Two targets. XZ_OPT (fileset) and snapshotCompression (fileset and postgresql-database) reach the
# modules as container properties (environment variables) when BENCH_XZ_OPT /
# BENCH_SNAPSHOT_COMPRESSION are set; otherwise the modules' defaults apply. The postgresql-database container is a
# PostgreSQL server that bench/state.mjs starts on each target before deploying (peer authentication
# as the postgres user, socket in /run/postgresql).
let
  xzOpt = builtins.getEnv "BENCH_XZ_OPT";
  compression = builtins.getEnv "BENCH_SNAPSHOT_COMPRESSION";
  containers = {
    fileset = (if xzOpt == "" then { } else { XZ_OPT = xzOpt; })
      // (if compression == "" then { } else { snapshotCompression = compression; });
    postgresql-database = { postgresqlUsername = "postgres"; postgresqlPort = 5432; postgresqlRuntimeDir = "/run/postgresql"; }
      // (if compression == "" then { } else { snapshotCompression = compression; });
  };
in {
  t1 = { properties.hostname = "t1"; inherit containers; numOfCores = 2; };
  t2 = { properties.hostname = "t2"; inherit containers; numOfCores = 2; };
}
