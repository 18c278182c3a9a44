# The server on test1, the client on test2.
{ infrastructure }:

{
  server = [ infrastructure.test1 ];
  client = [ infrastructure.test2 ];
}
