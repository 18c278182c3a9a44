# Two machines; the names are also their host names (`disnix-testnet up -i infrastructure.nix`).
# timeout: the process module waits up to 10 s for PostgreSQL to stop.
{
  test1 = {
    properties.hostname = "test1";
    containers.process.timeout = 10;
  };
  test2 = {
    properties.hostname = "test2";
    containers.process.timeout = 10;
  };
}
