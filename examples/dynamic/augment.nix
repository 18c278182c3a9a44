# What discovery cannot see: which zone a machine is in is the site's knowledge, not the machine's.
# Every machine also gets the process module's start/stop timeout, and declares the fileset container
# (it has no properties; declaring it says the machine may run filesets).
{ infrastructure, lib }:

let
  zones = { test1 = "lab"; test2 = "lab"; test3 = "lab"; };
in
lib.mapAttrs (name: target:
  target // {
    properties = target.properties // { zone = zones.${name} or "unknown"; };
    containers = (target.containers or { }) // {
      process = ((target.containers or { }).process or { }) // { timeout = 10; };
      fileset = (target.containers or { }).fileset or { };
    };
  }) infrastructure
