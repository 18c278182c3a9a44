# Candidates: the machines in the zone a service requires. Division: memory, greedy (each service, in
# sorted order, goes to the first candidate with enough memory left).
{ services, infrastructure, initialDistribution, previousDistribution, filters, lib }:

let
  inZone = filters.mapAttrOnAttr {
    inherit services infrastructure;
    distribution = initialDistribution;
    serviceProperty = "requireZone";
    targetProperty = "zone";
  };
in
filters.divide {
  strategy = "greedy";
  inherit services infrastructure;
  distribution = inZone;
  serviceProperty = "requireMem";
  targetProperty = "mem";
}
