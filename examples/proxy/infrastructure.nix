# Two machines; their names are also their host names (disnix-testnet up -i infrastructure.nix).
# Their containers: the process module waits up to 10 s for a process to start or stop.
{
  test1 = {
    properties.hostname = "test1";
    containers.process.timeout = 10;
    containers.wrapper = { };
  };
  test2 = {
    properties.hostname = "test2";
    containers.process.timeout = 10;
    containers.wrapper = { };
  };
}
