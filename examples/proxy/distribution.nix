# The proxy and the client on test1, the server on test2.
{ infrastructure }:

{
  server = [ infrastructure.test2 ];
  tcpproxy = [ infrastructure.test1 ];
  hello-loop = [ infrastructure.test1 ];
}
