# webapp2 moves to test2. Both proxies follow: nginx-test1 no longer serves webapp2.local,
# nginx-test2 does.
{ infrastructure }:

{
  webapp1 = [ infrastructure.test1 ];
  webapp2 = [ infrastructure.test2 ];
  webapp3 = [ infrastructure.test2 ];
  webapp4 = [ infrastructure.test2 ];
} // builtins.listToAttrs (map (targetName: {
  name = "nginx-${targetName}";
  value = [ infrastructure.${targetName} ];
}) (builtins.attrNames infrastructure))
