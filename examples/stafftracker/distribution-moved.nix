# The staff database moves from test2 to test1. It has deployState = true, so disnix-env snapshots it
# on test2, copies the snapshot to test1 and restores it there: rows added since the first deployment
# move with it. staffservice stays on test2 and is redeployed to talk to the database on test1.
{ infrastructure }:

{
  postgresql = [ infrastructure.test1 infrastructure.test2 ];
  zipcodes = [ infrastructure.test1 ];
  rooms = [ infrastructure.test1 ];
  staff = [ infrastructure.test1 ];
  zipcodeservice = [ infrastructure.test1 ];
  roomservice = [ infrastructure.test1 ];
  staffservice = [ infrastructure.test2 ];
  stafftracker = [ infrastructure.test3 ];
  nginx = [ infrastructure.test3 ];
}
