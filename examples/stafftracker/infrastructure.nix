# Three machines. The names are also their host names: `disnix-testnet up -i infrastructure.nix` creates
# targets with exactly these names, and its ssh configuration maps each name to its address.
# timeout: the process module waits up to 10 s for a server to stop (PostgreSQL, nginx).
{
  test1 = {
    properties.hostname = "test1";
    containers.process.timeout = 10;
  };
  test2 = {
    properties.hostname = "test2";
    containers.process.timeout = 10;
  };
  test3 = {
    properties.hostname = "test3";
    containers.process.timeout = 10;
  };
}
