# Two machines; their names are also their host names (disnix-testnet up -i infrastructure.nix).
{
  test1 = {
    properties.hostname = "test1";
  };
  test2 = {
    properties.hostname = "test2";
  };
}
