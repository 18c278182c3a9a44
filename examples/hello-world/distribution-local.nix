# Both services on this machine (infrastructure-local.nix).
{ infrastructure }:

{
  server = [ infrastructure.localhost ];
  client = [ infrastructure.localhost ];
}
