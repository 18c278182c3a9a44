# Checks of the low-level models that are used as they are (spec §1.8, §1.2): the deployment model
# (-D) and the build model (-B). The original prints them without looking; a wrong one then failed
# inside the XML printer with a message about our expressions, or was deployed with names that
# address other places on the targets. Each check returns the model or throws with the model file
# and the attribute in front.
let
  inherit (builtins) all attrNames concatLists elemAt filter genList head isAttrs isList isString length match toJSON;
  names = import ./names.nix;
  inherit (import ./util.nix) kindOf;

  firstOf = list: if list == [ ] then null else head list;

  # The first message of a list of (possibly null) problems, thrown with `about` in front.
  report = about: problems:
    let found = filter (p: p != null) problems; in
    if found == [ ] then true else throw "${about}: ${head found}";

  isStorePathLike = value: (isAttrs value && value ? outPath) || (isString value && match "/.*" value != null);

  # A snapshot component is the name of a store path without its hash: one directory entry.
  isComponentName = name: isString name && match "[A-Za-z0-9+_?=-][A-Za-z0-9+._?=-]*" name != null;

  indexed = list: genList (i: { index = i; value = elemAt list i; }) (length list);

  mappingProblems = { label, mapping, fields, services ? null, targets ? null }:
    if !isAttrs mapping then [ "${label} must be an attribute set { ${builtins.concatStringsSep "; " fields}; }, but it is ${kindOf mapping}" ]
    else
      map (field: if !(mapping ? ${field}) then "${label} has no `${field}'" else if !isString mapping.${field} then "${label}: `${field}' must be a string, but it is ${kindOf mapping.${field}}" else null) fields
      ++ [
        (if mapping ? container && isString mapping.container && !names.isValidName mapping.container then "${label}: ${names.invalidName "container" mapping.container}" else null)
        (if mapping ? component && isString mapping.component && !isComponentName mapping.component then "${label}: component ${toJSON mapping.component} is not a valid component name (the name of a store path without its hash)" else null)
        (if services != null && isString (mapping.service or null) && !(services ? ${mapping.service}) then "${label} refers to service ${toJSON mapping.service}, which is not in `services'" else null)
        (if targets != null && isString (mapping.target or null) && !(targets ? ${mapping.target}) then "${label} refers to target ${toJSON mapping.target}, which is not in `infrastructure'" else null)
      ];

  listProblems = { attr, list, check }:
    if !isList list then [ "`${attr}' must be a list, but it is ${kindOf list}" ]
    else concatLists (map (entry: check "${attr}[${toString entry.index}]" entry.value) (indexed list));
in
{
  checkDeploymentModel = { about, model, infrastructure }:
    let
      profiles = model.profiles or { };
      services = model.services or { };
      serviceProblems = key: service:
        let label = "services.${toJSON key}"; in
        if !isAttrs service then [ "${label} must be an attribute set { name; pkg; type; dependsOn; connectsTo; }, but it is ${kindOf service}" ]
        else [
          (if !(service ? name) then "${label} has no `name'" else if !names.isValidName service.name then "${label}: ${names.invalidName "service" service.name}" else null)
          (if !(service ? pkg) then "${label} has no `pkg'" else if !isStorePathLike service.pkg then "${label}: `pkg' must be a store path, but it is ${kindOf service.pkg}" else null)
          (if !(service ? type) then "${label} has no `type'" else if !names.isValidType service.type then "${label}: the type ${toJSON service.type} is not valid: ${names.typeRule}" else null)
          (if service ? providesContainers && !isAttrs service.providesContainers then "${label}: `providesContainers' must be an attribute set, but it is ${kindOf service.providesContainers}"
           else firstOf (map (c: "${label}: `providesContainers': ${names.invalidName "container" c}") (filter (c: !names.isValidName c) (attrNames (service.providesContainers or { })))))
        ]
        ++ concatLists (map (kind:
          listProblems { attr = "${label}.${kind}"; list = service.${kind} or [ ]; check = l: m: mappingProblems { label = l; mapping = m; fields = [ "service" "target" "container" ]; inherit services; targets = infrastructure; }; })
          [ "dependsOn" "connectsTo" ]);
    in
    assert report about (
      (if !isAttrs profiles then [ "`profiles' must be an attribute set of target name to profile, but it is ${kindOf profiles}" ]
       else map (target:
         if !names.isValidName target then "`profiles': ${names.invalidName "target" target}"
         else if !isStorePathLike profiles.${target} then "the profile of target '${target}' must be a store path, but it is ${kindOf profiles.${target}}"
         else null) (attrNames profiles))
      ++ (if !isAttrs services then [ "`services' must be an attribute set of service key to service, but it is ${kindOf services}" ]
          else concatLists (map (key: serviceProblems key services.${key}) (attrNames services)))
      ++ listProblems { attr = "serviceMappings"; list = model.serviceMappings or [ ];
           check = l: m: mappingProblems { label = l; mapping = m; fields = [ "service" "target" "container" ]; inherit services; targets = infrastructure; }; }
      ++ listProblems { attr = "snapshotMappings"; list = model.snapshotMappings or [ ];
           check = l: m: mappingProblems { label = l; mapping = m; fields = [ "service" "component" "target" "container" ]; inherit services; targets = infrastructure; }; });
    model;

  checkBuildModel = { about, model }:
    let interfaces = model.interfaces or { }; in
    assert report about (
      (if !isAttrs interfaces then [ "`interfaces' must be an attribute set of target name to { targetAddress; clientInterface; }, but it is ${kindOf interfaces}" ]
       else concatLists (map (name:
         let iface = interfaces.${name}; label = "interfaces.${toJSON name}"; in
         if !names.isValidName name then [ "`interfaces': ${names.invalidName "target" name}" ]
         else if !isAttrs iface then [ "${label} must be an attribute set { targetAddress; clientInterface; }, but it is ${kindOf iface}" ]
         else map (field: if !(iface ? ${field}) then "${label} has no `${field}'" else if !isString iface.${field} then "${label}: `${field}' must be a string, but it is ${kindOf iface.${field}}" else null)
           [ "targetAddress" "clientInterface" ]) (attrNames interfaces)))
      ++ listProblems { attr = "derivationMappings"; list = model.derivationMappings or [ ];
           check = l: m:
             mappingProblems { label = l; mapping = m; fields = [ "derivation" "interface" ]; }
             ++ [
               (if isAttrs m && isString (m.derivation or null) && match "/.*\\.drv" m.derivation == null then "${l}: `derivation' must be the path of a store derivation (.drv), but it is ${toJSON m.derivation}" else null)
               (if isAttrs m && isString (m.interface or null) && isAttrs interfaces && !(interfaces ? ${m.interface}) then "${l} refers to interface ${toJSON m.interface}, which is not in `interfaces'" else null)
             ]; });
    model;
}
