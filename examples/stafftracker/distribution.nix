# The databases and their web services on test1 and test2, the front-end and nginx on test3. Each
# machine with a database runs its own PostgreSQL server, which provides the databases' container.
{ infrastructure }:

{
  postgresql = [ infrastructure.test1 infrastructure.test2 ];
  zipcodes = [ infrastructure.test1 ];
  rooms = [ infrastructure.test1 ];
  staff = [ infrastructure.test2 ];
  zipcodeservice = [ infrastructure.test1 ];
  roomservice = [ infrastructure.test1 ];
  staffservice = [ infrastructure.test2 ];
  stafftracker = [ infrastructure.test3 ];
  nginx = [ infrastructure.test3 ];
}
