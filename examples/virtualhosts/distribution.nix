# Two web applications per machine, and on every machine of the infrastructure its own nginx
# (nginx-test1 on test1, nginx-test2 on test2), generated like the services model generates them.
{ infrastructure }:

{
  webapp1 = [ infrastructure.test1 ];
  webapp2 = [ infrastructure.test1 ];
  webapp3 = [ infrastructure.test2 ];
  webapp4 = [ infrastructure.test2 ];
} // builtins.listToAttrs (map (targetName: {
  name = "nginx-${targetName}";
  value = [ infrastructure.${targetName} ];
}) (builtins.attrNames infrastructure))
