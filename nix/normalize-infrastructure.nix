# Infrastructure normalization (spec §1.4): every target gets the default clientInterface,
# targetProperty, numOfCores and system unless it sets them. Each target is also checked here, so
# that a bad infrastructure model fails with a message naming the model file and the target.
{ infrastructure, defaultTargetProperty, defaultClientInterface, where }:

let
  inherit (builtins) attrNames filter head isAttrs isInt isString mapAttrs toJSON;
  inherit (import ./lib/util.nix) kindOf;
  names = import ./lib/names.nix;

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
      badContainers = filter (c: !names.isValidName c) (attrNames withDefaults.containers);
    in
    if !names.isValidName name then throw "${where}: ${names.invalidName "target" name}"
    else if !isAttrs target then throw "${about} must be an attribute set, but it is ${kindOf target}"
    else if !(target ? properties) then throw "${about} has no `properties' attribute set (machine properties such as ${targetProperty} live under `properties')"
    else if !isAttrs target.properties then throw "${about}: `properties' must be an attribute set"
    else if !isString targetProperty then throw "${about}: `targetProperty' must be a string (the name of the property that holds its address), but it is ${kindOf targetProperty}"
    else if !isString withDefaults.clientInterface then throw "${about}: `clientInterface' must be a string (the client interface executable), but it is ${kindOf withDefaults.clientInterface}"
    else if !isString withDefaults.system then throw "${about}: `system' must be a string such as \"x86_64-linux\", but it is ${kindOf withDefaults.system}"
    else if !(target.properties ? ${targetProperty}) then throw "${about} has no property '${targetProperty}' in its properties (the targetProperty that holds its address); set properties.${targetProperty} or choose another --target-property"
    else if !isInt numOfCores || numOfCores < 1 then throw "${about}: numOfCores must be a whole number of at least 1, but it is ${toJSON numOfCores}"
    else if withDefaults ? containers && !isAttrs withDefaults.containers then throw "${about}: `containers' must be an attribute set of container name to properties"
    else if withDefaults ? containers && badContainers != [ ] then throw "${about}: ${names.invalidName "container" (head badContainers)}"
    else withDefaults;
in
if !isAttrs infrastructure
then throw "${where}: the infrastructure model must be an attribute set of target machines, but it is ${kindOf infrastructure}"
else mapAttrs checkTarget infrastructure
