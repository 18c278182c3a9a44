# The machines that may be there: the candidates dydisnix-discover probes, and what
# `disnix-testnet up -i` starts. What they offer (memory) they report themselves.
{
  test1 = { properties.hostname = "test1"; };
  test2 = { properties.hostname = "test2"; };
  test3 = { properties.hostname = "test3"; };
}
