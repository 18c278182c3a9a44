# This machine alone, for users without root (scripts/demo uses it then): the coordinator runs the
# activities itself through the disnix-run-activity client interface instead of ssh, and the
# processes keep their PID files and logs in a directory of the user's own:
# $DISNIX_DEMO_HOME (default ~/.disnix-demo)/run and /log.
let
  home = builtins.getEnv "DISNIX_DEMO_HOME";
  state = if home != "" then home else "${builtins.getEnv "HOME"}/.disnix-demo";
in
{
  localhost = {
    properties.hostname = "localhost";
    clientInterface = "disnix-run-activity";
    containers.process = {
      runtimeDir = "${state}/run";
      timeout = 10;
      logDir = "${state}/log";
    };
  };
}
