# TCP ports for the services that ask for one (requireUniqueIdsFor = [ "ports" ]).
{
  ports = { min = 3000; max = 3099; };
}
