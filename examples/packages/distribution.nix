# The greeting on both machines.
{ infrastructure }:

{
  greeting = [ infrastructure.test1 infrastructure.test2 ];
}
