# Normalizes a deployment architecture function { pkgs, system } -> { services, infrastructure,
# targetPackages } (spec §1.4-1.7) into:
#   infrastructure  the normalized targets (defaults filled in, checked)
#   services        name -> normalized service of every distributed service:
#                     targets = [ { target; container; [containerProvidedByService]; } ],
#                     dependsOn / connectsTo / activatesAfter = param -> { service; targets; },
#                     deployState, [providesContainers], pkgs = system -> derivation
#   targetPackages  target -> packages of its profile
#   warnings        messages to print (containers named in the distribution that no one declares)
#   checked         true once every model check has passed (force it before using the rest)
# Errors name the model file and the service, target or attribute.
{ architectureFun
, nixpkgs
, extraParams ? { }
, defaultTargetProperty
, defaultClientInterface
, defaultDeployState ? false
, where
}:

let
  inherit (builtins) all any attrNames attrValues concatMap concatStringsSep filter foldl' functionArgs genericClosure groupBy hasContext head
    isAttrs isBool isFunction isInt isList isPath isString length listToAttrs mapAttrs match removeAttrs substring toJSON typeOf;
  util = import ./lib/util.nix;
  names = import ./lib/names.nix;
  inherit (util) optionalAttrs genAttrs uniqueStrings quoteList kindOf;

  architecture =
    let result = architectureFun ({ pkgs = import nixpkgs { }; system = null; } // extraParams); in
    if !isAttrs result then throw "${where.services}: the architecture model must return an attribute set { services, infrastructure, targetPackages }, but it returns ${kindOf result}"
    else if result ? services && !isAttrs result.services then throw "${where.services}: `services' must be an attribute set of services, but it is ${kindOf result.services}"
    else if result ? targetPackages && !isAttrs result.targetPackages then throw "${where.packages}: `targetPackages' must be an attribute set of target name to a list of packages, but it is ${kindOf result.targetPackages}"
    else result;

  infrastructure = import ./normalize-infrastructure.nix {
    infrastructure = architecture.infrastructure or { };
    inherit defaultTargetProperty defaultClientInterface;
    where = where.infrastructure;
  };

  # The value of a target's address property -> target name, to find the name of a target attrset
  # that a distribution or dependency refers to (two targets with the same address collide).
  targetAliases = listToAttrs (map (name:
    let target = infrastructure.${name}; in
    { name = toString target.properties.${target.targetProperty}; value = name; }) (attrNames infrastructure));

  resolveTarget = about: target:
    let
      targetProperty = if isAttrs target then target.targetProperty or defaultTargetProperty else null;
      key = if isAttrs target && isAttrs (target.properties or null) && target.properties ? ${targetProperty}
        then toString target.properties.${targetProperty} else null;
    in
    if isString target then throw "${about} refers to a target by the string ${toJSON target}; refer to the target itself, e.g. infrastructure.${if names.isValidName target then target else "<name>"}"
    else if !isAttrs target then throw "${about} refers to a target that is not an attribute set of the infrastructure model (it is ${kindOf target})"
    # A `{ target; container; }` entry belongs in the verbose notation, not in a list of targets.
    else if target ? target && !(target ? properties) then throw "${about}: a list of targets holds an entry { target = ...; container = ...; }; mappings to containers are written { targets = [ { target = ...; container = ...; } ]; }"
    else if key == null || !(targetAliases ? ${key}) then throw "${about} refers to a target that is not in the infrastructure model ${where.infrastructureFile}${if key == null then "" else " (its ${targetProperty} is '${key}')"}"
    else targetAliases.${key};

  # Turns the targets of a service (both notations) into references { target; container; auto; },
  # where `auto` says that the container was derived from the type.
  targetReferences = about: type: targets:
    if isList targets then
      map (target: { target = resolveTarget about target; container = typeContainer about type; auto = true; }) targets
    else if isAttrs targets && isList (targets.targets or null) then
      map (entry:
        if !isAttrs entry || !(entry ? target) then throw "${about}: every entry of `targets' must be { target = ...; container = ...; }"
        else if entry ? container && !isString entry.container then throw "${about}: the container of a target entry must be a string"
        else if entry ? container && !names.isValidName entry.container then throw "${about}: ${names.invalidName "container" entry.container}"
        else { target = resolveTarget about entry.target; container = entry.container or (typeContainer about type); auto = !(entry ? container); })
        targets.targets
    else throw "${about}: targets must be a list of targets or { targets = [ { target = ...; container = ...; } ]; }";

  # The container a service goes to when the mapping names none: the one named after its type. A
  # type that is a path names no container (it would become a path on the target).
  typeContainer = about: type:
    if names.isValidName type then type
    else throw "${about}: its type ${toJSON type} is a path, so no container is named after it; name the container: { targets = [ { target = ...; container = \"...\"; } ]; }";

  reservedServiceAttrs = [ "name" "pkg" "type" "deployState" "dependsOn" "connectsTo" "activatesAfter" "providesContainer" "providesContainers" "targets" "healthCheckTimeout" "secrets" ];

  rawServices = architecture.services or { };

  checkService = name: service:
    let about = "${where.services}: service '${name}'"; in
    if !names.isValidName name then throw "${where.services}: ${names.invalidName "service" name}"
    else if !isAttrs service then throw "${about} must be an attribute set, but it is ${kindOf service}"
    # QUIRK §1.6: the original defines this check but never forces it; we do.
    else if !(service ? name) then throw "${about}: mandatory attribute `name' is missing"
    else if service.name != name then throw "${about}: the name attribute should be ${toJSON name}, instead it is ${toJSON service.name}"
    else if !(service ? type) then throw "${about}: mandatory attribute `type' is missing (the Dysnomia module that activates it, or \"package\")"
    else if !isString service.type then throw "${about}: `type' must be a string, but it is ${kindOf service.type}"
    else if !names.isValidType service.type then throw "${about}: the type ${toJSON service.type} is not valid: ${names.typeRule}"
    else if service ? deployState && !isBool service.deployState then throw "${about}: `deployState' must be true or false"
    else if service ? providesContainer && !isString service.providesContainer then throw "${about}: `providesContainer' must be a string"
    else if service ? providesContainer && !names.isValidName service.providesContainer then throw "${about}: `providesContainer': ${names.invalidName "container" service.providesContainer}"
    else if service ? providesContainers && !isAttrs service.providesContainers then throw "${about}: `providesContainers' must be an attribute set"
    else if service ? healthCheckTimeout && !(isInt service.healthCheckTimeout && service.healthCheckTimeout >= 0) then throw "${about}: `healthCheckTimeout' must be a whole number of seconds (0 or more)"
    else if service ? providesContainers && any (c: !names.isValidName c) (attrNames service.providesContainers)
    then throw "${about}: `providesContainers': ${names.invalidName "container" (head (filter (c: !names.isValidName c) (attrNames service.providesContainers)))}"
    else if (service ? targets) && !(isList service.targets || isAttrs service.targets) then throw "${about}: targets must be a list of targets or { targets = [ ... ]; }"
    else if service ? secrets then service // { secrets = checkSecrets about service.secrets; }
    else service;

  # secrets = { NAME = { file = "/abs/path/on/the/coordinator"; owner = "user"; group = "group"; }; }:
  # files that are sent to the targets at activation and never enter the Nix store, so `file' must be a
  # string: a path value (./db-password) would be copied into the store by any use of it.
  checkSecrets = about: secrets:
    if !isAttrs secrets then throw "${about}: `secrets' must be an attribute set of NAME = { file = \"/absolute/path\"; owner = \"user\"; group = \"group\"; }, but it is ${kindOf secrets}"
    else mapAttrs (checkSecret about) secrets;

  checkSecret = about: name: secret:
    let
      at = "${about}: secret '${name}'";
      unknown = filter (a: a != "file" && a != "owner" && a != "group") (attrNames secret);
      file = secret.file;
    in
    if match "[A-Za-z_][A-Za-z0-9_]*" name == null then throw "${about}: secret ${toJSON name} is not a valid secret name: letters, digits and _, starting with a letter or _ (it becomes an environment variable of the module)"
    else if !isAttrs secret then throw "${at} must be an attribute set { file = \"/absolute/path\"; owner = \"user\"; group = \"group\"; }, but it is ${kindOf secret}"
    else if unknown != [ ] then throw "${at}: unknown attribute ${quoteList unknown} (a secret has file, owner and group)"
    else if !(secret ? file) then throw "${at}: mandatory attribute `file' is missing (the absolute path of the file on the coordinator, as a string)"
    else if isPath file then throw "${at}: `file' is the Nix path ${toString file}, which would copy the secret into the Nix store; write it as a string: file = \"${toString file}\";"
    else if !isString file then throw "${at}: `file' must be a string (an absolute path on the coordinator), but it is ${kindOf file}"
    else if hasContext file then throw "${at}: `file' refers to the Nix store (${file}); a secret must come from a file outside the store, named by a plain string"
    else if substring 0 1 file != "/" || match "(.*/)?\\.\\.?(/.*)?" file != null then throw "${at}: `file' must be an absolute path without . or .. components, but it is ${toJSON file}"
    else if secret ? owner && !names.isValidName secret.owner then throw "${at}: `owner' must be a user name, but it is ${toJSON secret.owner}"
    else if secret ? group && !names.isValidName secret.group then throw "${at}: `group' must be a group name, but it is ${toJSON secret.group}"
    else secret;

  services = mapAttrs checkService rawServices;

  serviceTargets = mapAttrs (name: service:
    targetReferences "${where.distribution}: service '${name}'" service.type (service.targets or [ ])) services;

  distributedNames = filter (name: serviceTargets.${name} != [ ]) (attrNames services);

  providedContainersOf = service:
    optionalAttrs (service ? providesContainer) { ${service.providesContainer} = removeAttrs service reservedServiceAttrs; }
    // (service.providesContainers or { });

  # target -> container -> name of the service that provides that container on that target.
  containerProviders =
    let
      entries = concatMap (name:
        let provided = attrNames (providedContainersOf services.${name}); in
        if provided == [ ] then [ ]
        else concatMap (target: map (container: { inherit target container; provider = name; }) provided)
          (uniqueStrings (map (ref: ref.target) serviceTargets.${name}))) distributedNames;
    in
    mapAttrs (target: list: listToAttrs (map (e: { name = e.container; value = e.provider; }) list)) (groupBy (e: e.target) entries);

  providerOf = name: ref:
    let provider = containerProviders.${ref.target}.${ref.container} or null; in
    if provider == name then null else provider;

  normalizedTargets = name: map (ref:
    let provider = providerOf name ref; in
    { inherit (ref) target container; } // optionalAttrs (provider != null) { containerProvidedByService = provider; })
    serviceTargets.${name};

  # A container that the distribution model names explicitly should be provided by a service or
  # declared by the target. When it is not, the service is deployed as the original deploys it: its
  # activation gets no container properties; a warning names the container, since it may be a typo.
  # A container derived from the type (no name given) is silent when undeclared, as in the original:
  # targets commonly leave out the containers of simple types (echo, process, wrapper).
  undeclaredContainers = concatMap (name:
    if services.${name}.type == "package" then [ ]
    else concatMap (ref:
      if ref.auto || providerOf name ref != null || (infrastructure.${ref.target}.containers or { }) ? ${ref.container} then [ ]
      else [ (ref // { service = name; }) ]) serviceTargets.${name}) distributedNames;

  warnings = map (key:
    let group = undeclaredByContainer.${key}; first = head group; in
    "warning: target '${first.target}' declares no container '${first.container}' in the ${where.infrastructure} and no service provides it; service${if length group > 1 then "s" else ""} ${quoteList (uniqueStrings (map (m: m.service) group))} mapped to it in the ${where.distribution} ${if length group > 1 then "are" else "is"} activated without container properties")
    (attrNames undeclaredByContainer);
  undeclaredByContainer = groupBy (m: "${m.target}/${m.container}") undeclaredContainers;

  # Inter-dependencies: param -> { service; targets; }.
  interDependencies = kind: name: service:
    let params = service.${kind} or { }; in
    if !isAttrs params then throw "${where.services}: service '${name}': `${kind}' must be an attribute set of parameter name to service"
    else mapAttrs (param: dependency:
      let
        about = "${where.services}: service '${name}': ${kind}.${param}";
        depName = dependency.name;
        targets =
          if dependency ? targets then map (ref: { inherit (ref) target container; }) (targetReferences about services.${depName}.type dependency.targets)
          else normalizedTargets depName;
      in
      if !isAttrs dependency || !(dependency ? name) then throw "${about} must be a service of the services model"
      else if !(services ? ${depName}) then throw "${about} refers to service '${toString depName}', which is not in the services model"
      # The original's message, with the model file and the dependant in front.
      else if services.${depName}.type == "package" then throw "${about}: It is not allowed to have an inter-dependency on service: ${depName} because it has a package type!"
      else if kind == "dependsOn" && targets == [ ] then throw "${about} refers to service '${depName}', which is not distributed to any target (add it to the distribution model ${where.distributionFile})"
      else { service = depName; inherit targets; }) params;

  # Services mapped to a container that another service provides activate after that provider on
  # that target. QUIRK §10.12: the original leaves explicit activatesAfter entries unnormalized when
  # it adds these; here both are normalized the same way.
  implicitActivatesAfter = name:
    let
      refs = filter (ref: providerOf name ref != null) serviceTargets.${name};
      byProvider = groupBy (ref: providerOf name ref) refs;
    in
    mapAttrs (provider: providerRefs: {
      service = provider;
      targets = map (target: head (filter (ref: ref.target == target) (normalizedTargets provider)))
        (uniqueStrings (map (ref: ref.target) providerRefs));
    }) byProvider;

  normalizedServices = genAttrs distributedNames (name:
    let
      service = services.${name};
      provided = providedContainersOf service;
    in
    service // {
      deployState = service.deployState or defaultDeployState;
      targets = normalizedTargets name;
      dependsOn = interDependencies "dependsOn" name service;
      connectsTo = interDependencies "connectsTo" name service;
      activatesAfter = interDependencies "activatesAfter" name service // implicitActivatesAfter name;
      pkgs = genAttrs (systemsOf name) (system: buildPackage name system);
    } // optionalAttrs (provided != { }) { providesContainers = provided; });

  systemsOf = name: uniqueStrings (map (ref: infrastructure.${ref.target}.system) serviceTargets.${name});

  # The architecture evaluated once per system that services are built for (spec §1.7).
  architecturePerSystem = genAttrs (uniqueStrings (concatMap systemsOf distributedNames)) (system:
    architectureFun ({ pkgs = import nixpkgs { inherit system; }; inherit system; } // extraParams));

  buildPackage = name: system:
    let
      service = architecturePerSystem.${system}.services.${name};
      params = interDependencyParams.${name};
      about = "${where.services}: service '${name}'";
    in
    if !(service ? pkg) then throw "${about}: mandatory attribute `pkg' is missing"
    else if params == { } then checkPackage about service.pkg
    else if !isFunction service.pkg then throw "${about} has inter-dependencies, so its `pkg' must be a function that takes them: { ${concatStringsSep ", " (attrNames params)} }: ..."
    else
      # A pkg function that asks for an argument the service does not declare as an inter-dependency
      # would fail inside Nix with a message about our own expressions; name the model instead.
      let missing = filter (arg: !(functionArgs service.pkg).${arg} && !(params ? ${arg})) (attrNames (functionArgs service.pkg)); in
      if missing != [ ] then throw "${about}: its `pkg' function takes the argument${if length missing > 1 then "s" else ""} ${quoteList missing}, but ${if length missing > 1 then "they are" else "it is"} not among the service's inter-dependencies (dependsOn and connectsTo give: ${quoteList (attrNames params)}); add ${if length missing > 1 then "them" else "it"} to dependsOn or connectsTo, or give ${if length missing > 1 then "them defaults" else "it a default"}"
      else checkPackage about (service.pkg params);

  # A service's package must be a derivation: its store path is what the targets receive.
  checkPackage = about: pkg:
    if isAttrs pkg && pkg ? outPath then pkg
    else if isFunction pkg then throw "${about}: `pkg' is a function, but the service has no inter-dependencies (dependsOn or connectsTo) to call it with"
    else throw "${about}: `pkg' must be a derivation (a package), but it is ${kindOf pkg}";

  # The arguments passed to a service's pkg function: its dependsOn and connectsTo services with
  # their targets, and transitively their connectsTo (lazy, so cycles in connectsTo are fine).
  interDependencyParams = mapAttrs (name: service:
    mapAttrs (param: reference:
      let
        dependency = normalizedServices.${reference.service};
        transitive = interDependencyParams.${reference.service};
      in
      removeAttrs dependency [ "activatesAfter" "connectsTo" "dependsOn" ] // rec {
        targets = map (interDependencyTarget reference.service) reference.targets;
        target = if targets == [ ] then throw "${where.services}: service '${name}': ${param} refers to service '${reference.service}', which has no targets" else head targets;
      } // optionalAttrs (transitive != { }) { connectsTo = transitive; })
      (service.connectsTo // service.dependsOn)) normalizedServices;

  interDependencyTarget = dependencyName: ref:
    let
      target = infrastructure.${ref.target};
      provider = containerProviders.${ref.target}.${ref.container} or null;
    in
    removeAttrs target [ "containers" ] // {
      selectedContainer = ref.container;
      container =
        if provider != null then normalizedServices.${provider}.providesContainers.${ref.container}
        else target.containers.${ref.container} or (throw "${where.infrastructure}: target '${ref.target}' declares no container '${ref.container}', whose properties a dependant of service '${dependencyName}' reads");
    };

  # dependsOn and activatesAfter must form no cycle: activation order would be undefined and the
  # service hashes (which include the dependencies' hashes) infinite.
  orderingSuccessors = name:
    let s = normalizedServices.${name}; in
    uniqueStrings (map (ref: ref.service) (attrValues (s.activatesAfter // s.dependsOn)));

  cyclicServices = filter (name:
    any (entry: entry.key == name) (genericClosure {
      startSet = map (key: { inherit key; }) (orderingSuccessors name);
      operator = entry: map (key: { inherit key; }) (orderingSuccessors entry.key);
    })) distributedNames;

  userTargetPackages = architecture.targetPackages or { };

  unknownPackageTargets = filter (name: !(infrastructure ? ${name})) (attrNames userTargetPackages);

  # The packages of a target's profile in the original's order: the packages model's (or the
  # architecture's targetPackages) first, then one package per service mapped to the target, by
  # service name. The order decides which package wins when files collide in the profile.
  servicePackagesPerTarget = mapAttrs (target: entries: map (entry: entry.pkg) (util.uniqueBy (entry: entry.service) entries))
    (groupBy (entry: entry.target) (concatMap (name:
      map (ref: { inherit (ref) target; service = name; pkg = normalizedServices.${name}.pkgs.${infrastructure.${ref.target}.system}; })
        serviceTargets.${name}) distributedNames));

  targetPackages = mapAttrs (target: _:
    let
      user = userTargetPackages.${target} or [ ];
      notPackages = filter (p: !(isAttrs p && p ? outPath) && !isPath p) user;
    in
    if !isList user then throw "${where.packages}: the packages of target '${target}' must be a list, but it is ${kindOf user}"
    else if notPackages != [ ] then throw "${where.packages}: the packages of target '${target}' must be derivations (packages), but one is ${kindOf (head notPackages)}"
    else user ++ servicePackagesPerTarget.${target} or [ ]) infrastructure;

  checked =
    all (name: isAttrs infrastructure.${name}) (attrNames infrastructure)
    && all (name: isAttrs services.${name}) (attrNames services)
    && all (name: isList serviceTargets.${name}) (attrNames services)
    && all (name: let s = normalizedServices.${name}; in isAttrs s.dependsOn && isAttrs s.connectsTo && isAttrs s.activatesAfter
      && all (p: isAttrs p) (attrValues (s.dependsOn // s.connectsTo // s.activatesAfter))) distributedNames
    && (if cyclicServices != [ ] then throw "${where.services}: cyclic dependsOn/activatesAfter between services ${quoteList cyclicServices}" else true)
    && (if unknownPackageTargets != [ ] then throw "${where.packages}: target '${head unknownPackageTargets}' is not in the infrastructure model ${where.infrastructureFile}" else true);
in
{
  inherit infrastructure targetPackages warnings checked;
  services = normalizedServices;
}
