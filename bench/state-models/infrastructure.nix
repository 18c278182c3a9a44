# XZ_OPT reaches the fileset module as a container property (environment variable); BENCH_XZ_OPT
# chooses it (default -0: the fastest xz level).
let xzOpt = let v = builtins.getEnv "BENCH_XZ_OPT"; in if v == "" then "-0" else v;
in {
  t1 = { properties.hostname = "t1"; containers.fileset.XZ_OPT = xzOpt; numOfCores = 2; };
  t2 = { properties.hostname = "t2"; containers.fileset.XZ_OPT = xzOpt; numOfCores = 2; };
}
