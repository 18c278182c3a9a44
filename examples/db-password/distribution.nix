# The database server and its database on test1, the web service that reads it on test2: the
# password really travels over the network, to a server that refuses connections without it.
{ infrastructure }:

{
  postgresql = [ infrastructure.test1 ];
  notes = [ infrastructure.test1 ];
  notesservice = [ infrastructure.test2 ];
}
