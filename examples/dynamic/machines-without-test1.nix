# The network after test1 crashed (disnix-testnet up -i stops the machines it does not list).
{
  test2 = { properties.hostname = "test2"; };
  test3 = { properties.hostname = "test3"; };
}
