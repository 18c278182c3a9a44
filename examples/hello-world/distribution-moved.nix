# The server moves to test2, next to the client. The client depends on it, so it is rebuilt with the
# server's new address, deactivated before the old server stops and activated after the new one.
{ infrastructure }:

{
  server = [ infrastructure.test2 ];
  client = [ infrastructure.test2 ];
}
