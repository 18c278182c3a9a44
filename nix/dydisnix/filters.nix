# The filter library that QoS models receive as `filters` (dydisnix-gendist). A filter takes a
# candidate distribution (service name -> list of candidate target names) and returns a new one. The
# relationship and ordering filters are plain Nix; the division and planning algorithms that need real
# computation run the executables of this installation (dydisnix-divide, dydisnix-minsetcover,
# dydisnix-multiwaycut, dydisnix-graphcol) on XML files, as the original runs its C executables.
#
# Candidate targets may be target names or { target = name; container = c; } (container mappings);
# every filter keeps the entries it does not drop as they are. Errors name the QoS model (`label`),
# the filter, and the service, target or property at fault.
{ tools
, label ? "QoS model"
, defaultTargetProperty ? "hostname"
, defaultClientInterface ? "disnix-ssh-client"
, buildable ? null
}:

let
  inherit (builtins) attrNames elem filter getAttr hasAttr head isAttrs isList isString lessThan
    length listToAttrs mapAttrs sort tail toFile typeOf unsafeDiscardStringContext;
  xml = import ./xml.nix;

  nameOf = entry: if isString entry then entry else entry.target;

  fail = filterName: message: throw "${label}: filters.${filterName}: ${message}";

  serviceOf = filterName: services: name:
    if !isAttrs services then fail filterName "`services' must be the services model (an attribute set), but it is a ${typeOf services}"
    else if hasAttr name services then getAttr name services
    else fail filterName "the distribution maps service '${name}', which is not in `services'";

  targetOf = filterName: infrastructure: entry:
    let name = nameOf entry; in
    if !isAttrs infrastructure then fail filterName "`infrastructure' must be the infrastructure model (an attribute set), but it is a ${typeOf infrastructure}"
    else if hasAttr name infrastructure then getAttr name infrastructure
    else fail filterName "candidate target '${name}' is not in `infrastructure'";

  lookupServiceProperty = filterName: services: name: property:
    let service = serviceOf filterName services name; in
    if hasAttr property service then getAttr property service
    else fail filterName "service '${name}' has no property `${property}'";

  lookupTargetProperty = filterName: infrastructure: entry: property:
    let target = targetOf filterName infrastructure entry; in
    if isAttrs (target.properties or null) && hasAttr property target.properties then getAttr property target.properties
    else fail filterName "target '${nameOf entry}' has no property `${property}' in its properties";

  checkDistribution = filterName: distribution:
    if !isAttrs distribution then fail filterName "`distribution' must be a candidate distribution (an attribute set of service name to a list of targets), but it is a ${typeOf distribution}"
    else mapAttrs (name: targets:
      if isList targets then targets
      else fail filterName "the candidates of service '${name}' must be a list of target names, but they are a ${typeOf targets}") distribution;

  # Keeps the candidates of every service for which `keep service-name entry` holds.
  filterCandidates = filterName: distribution: keep:
    mapAttrs (name: targets: filter (keep name) targets) (checkDistribution filterName distribution);

  isStateful = service: (service.stateful or false) == true || (service.deployState or false) == true;

  # Round robin over the candidates, continuing after the target the previous service got.
  roundRobin = names: distribution: previous:
    if names == [ ] then [ ]
    else
      let
        name = head names;
        targets = getAttr name distribution;
        successor = list: if length list == 1 then head targets
          else if nameOf (head list) == nameOf previous then head (tail list)
          else successor (tail list);
        chosen =
          if targets == [ ] then fail "divideRoundRobin" "service '${name}' has no candidate targets left"
          else if previous == null || length targets == 1 || !(elem (nameOf previous) (map nameOf targets)) then head targets
          else successor targets;
      in
      [ { inherit name; value = [ chosen ]; } ] ++ roundRobin (tail names) distribution chosen;

  normalizedInfrastructure = infrastructure: import ../normalize-infrastructure.nix {
    inherit infrastructure defaultTargetProperty defaultClientInterface;
    where = label;
  };

  xmlFile = name: text: toFile name (unsafeDiscardStringContext text);

  # Runs an executable filter and imports the candidate distribution it prints.
  external = filterName: tool: args: import (tools.run "${tool}-result.nix" tool (args ++ [ "--xml" ]));

  strategies = [ "greedy" "highest-bidder" "lowest-bidder" ];
in
rec {
  /* Every service of `services` mapped to every target of `infrastructure`. */
  createCartesianProduct = { services, infrastructure }:
    mapAttrs (name: service: attrNames infrastructure) services;

  /* Services without `pkg`; dependsOn and connectsTo replaced by the names of the services. */
  filterDerivations = services:
    mapAttrs (name: service:
      removeAttrs service [ "pkg" ] // {
        dependsOn = map (p: service.dependsOn.${p}.name) (attrNames (service.dependsOn or { }));
        connectsTo = map (p: service.connectsTo.${p}.name) (attrNames (service.connectsTo or { }));
      }) services;

  /* Keeps a candidate when the service's `serviceProperty` equals the target's `targetProperty`
     (one-to-one). */
  mapAttrOnAttr = { distribution, services, infrastructure, serviceProperty, targetProperty }:
    filterCandidates "mapAttrOnAttr" distribution (name: entry:
      lookupServiceProperty "mapAttrOnAttr" services name serviceProperty == lookupTargetProperty "mapAttrOnAttr" infrastructure entry targetProperty);

  /* Keeps a candidate when the service's `serviceProperty` is an element of the target's list
     `targetPropertyList` (one-to-many). */
  mapAttrOnList = { distribution, services, infrastructure, serviceProperty, targetPropertyList }:
    filterCandidates "mapAttrOnList" distribution (name: entry:
      let list = lookupTargetProperty "mapAttrOnList" infrastructure entry targetPropertyList; in
      if isList list then elem (lookupServiceProperty "mapAttrOnList" services name serviceProperty) list
      else fail "mapAttrOnList" "property `${targetPropertyList}' of target '${nameOf entry}' must be a list");

  /* Keeps a candidate when the target's `targetProperty` is an element of the service's list
     `servicePropertyList` (many-to-one). */
  mapListOnAttr = { distribution, services, infrastructure, servicePropertyList, targetProperty }:
    filterCandidates "mapListOnAttr" distribution (name: entry:
      let list = lookupServiceProperty "mapListOnAttr" services name servicePropertyList; in
      if isList list then elem (lookupTargetProperty "mapListOnAttr" infrastructure entry targetProperty) list
      else fail "mapListOnAttr" "property `${servicePropertyList}' of service '${name}' must be a list");

  /* Stateful services (stateful = true, or deployState = true) keep only the candidates they were
     deployed to before; services that were not deployed before keep all candidates. */
  mapStatefulToPrevious = { services, distribution, previousDistribution }:
    if previousDistribution == null then distribution
    else filterCandidates "mapStatefulToPrevious" distribution (name: entry:
      let
        service = serviceOf "mapStatefulToPrevious" services name;
        previous = map nameOf (previousDistribution.${name} or [ ]);
      in
      !(isStateful service) || !(hasAttr name previousDistribution) || elem (nameOf entry) previous);

  /* Services that were deployed before are mapped to their previous targets; new ones keep their
     candidates. */
  mapBoundServicesToPrevious = { services, distribution, previousDistribution }:
    if previousDistribution == null then distribution
    else mapAttrs (name: targets: previousDistribution.${name} or targets) (checkDistribution "mapBoundServicesToPrevious" distribution);

  /* Maps every service to one candidate, in circular order: each service gets the candidate after the
     one the previous service (in sorted order) got. */
  divideRoundRobin = { distribution }:
    let checked = checkDistribution "divideRoundRobin" distribution; in
    listToAttrs (roundRobin (attrNames checked) checked null);

  /* Sorts the candidates of every service by a target property, lowest first. */
  order = { infrastructure, distribution, targetProperty }:
    mapAttrs (name: targets:
      sort (a: b: lessThan (lookupTargetProperty "order" infrastructure a targetProperty) (lookupTargetProperty "order" infrastructure b targetProperty)) targets)
      (checkDistribution "order" distribution);

  /* Drops the candidates a service cannot be built for (the target's `system`), as far as evaluation
     shows: a `throw` or failing `assert` while instantiating the service's package. Only available in
     QoS models evaluated by dydisnix-gendist (it needs the services model itself). */
  filterBuildable = { distribution }:
    if buildable == null then fail "filterBuildable" "is only available to QoS models evaluated by dydisnix-gendist"
    else filterCandidates "filterBuildable" distribution (name: entry: buildable name (nameOf entry));

  /* One-dimensional division: each service (in sorted order) takes `serviceProperty` of capacity from
     the `targetProperty` of one candidate. greedy: the first candidate with enough capacity left;
     highest-bidder: the one with the most left; lowest-bidder: the one with the least left that still
     fits. */
  divide = { strategy, services, infrastructure, distribution, serviceProperty, targetProperty }:
    if !(elem strategy strategies) then fail "divide" "unknown strategy '${toString strategy}' (expected one of: greedy, highest-bidder, lowest-bidder)"
    else external "divide" "dydisnix-divide" [
      "--strategy" strategy
      "--services" (generateServicesXML services)
      "--infrastructure" (generateInfrastructureXML infrastructure)
      "--distribution" (generateDistributionXML (checkDistribution "divide" distribution))
      "--service-property" serviceProperty
      "--target-property" targetProperty
    ];

  /* Approximation of the multiway cut problem: as few network links between machines as possible. */
  multiwaycut = { services, infrastructure, distribution }:
    external "multiwaycut" "dydisnix-multiwaycut" [
      "--services" (generateServicesXML services)
      "--infrastructure" (generateInfrastructureXML infrastructure)
      "--distribution" (generateDistributionXML (checkDistribution "multiwaycut" distribution))
    ];

  /* Approximation of the minimum set cover problem: the cheapest set of machines (by the numeric
     `targetProperty`) that can host every service. */
  minsetcover = { services, infrastructure, distribution, targetProperty }:
    external "minsetcover" "dydisnix-minsetcover" [
      "--services" (generateServicesXML services)
      "--infrastructure" (generateInfrastructureXML infrastructure)
      "--distribution" (generateDistributionXML (checkDistribution "minsetcover" distribution))
      "--target-property" targetProperty
    ];

  /* Approximation of graph colouring: interdependent services on different machines, with as few
     machines as possible. */
  graphcol = { services, infrastructure }:
    external "graphcol" "dydisnix-graphcol" [
      "--services" (generateServicesXML services)
      "--infrastructure" (generateInfrastructureXML infrastructure)
    ];

  /* XML files of the models, for custom filters that run their own executables. */
  generateServicesXML = services: xmlFile "services.xml" (xml.services services);
  generateInfrastructureXML = infrastructure: xmlFile "infrastructure.xml" (xml.infrastructure (normalizedInfrastructure infrastructure));
  generateDistributionXML = distribution: xmlFile "distribution.xml" (xml.distribution distribution);
}
