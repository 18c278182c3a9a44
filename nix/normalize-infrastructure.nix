# Infrastructure normalization (spec §1.4): every target gets the default clientInterface,
# targetProperty, numOfCores and system unless it sets them. Each target is also checked here, so
# that a bad infrastructure model fails with a message naming the model file and the target.
{ infrastructure, defaultTargetProperty, defaultClientInterface, where }:

let
  inherit (builtins) isAttrs isInt mapAttrs toJSON typeOf;

  checkTarget = name: target:
    let
      withDefaults = {
        clientInterface = defaultClientInterface;
        targetProperty = defaultTargetProperty;
        numOfCores = 1;
        system = builtins.currentSystem;
      } // target;
      inherit (withDefaults) targetProperty numOfCores;
      about = "${where}: target '${name}'";
    in
    if !isAttrs target then throw "${about} must be an attribute set, but it is a ${typeOf target}"
    else if !(target ? properties) then throw "${about} has no `properties' attribute set (machine properties such as ${targetProperty} live under `properties')"
    else if !isAttrs target.properties then throw "${about}: `properties' must be an attribute set"
    else if !(target.properties ? ${targetProperty}) then throw "${about} has no property '${targetProperty}' in its properties (the targetProperty that holds its address); set properties.${targetProperty} or choose another --target-property"
    else if !isInt numOfCores || numOfCores < 1 then throw "${about}: numOfCores must be a whole number of at least 1, but it is ${toJSON numOfCores}"
    else if withDefaults ? containers && !isAttrs withDefaults.containers then throw "${about}: `containers' must be an attribute set of container name to properties"
    else withDefaults;
in
if !isAttrs infrastructure
then throw "${where}: the infrastructure model must be an attribute set of target machines, but it is a ${typeOf infrastructure}"
else mapAttrs checkTarget infrastructure
