# The XML representations that the Dynamic Disnix executables read (dydisnix-xml, and every tool that
# is given Nix models instead of --xml files). Evaluate one attribute with
#   nix-instantiate --eval --strict --json to-xml.nix -A services --argstr servicesFile ...
# to get the XML text as a JSON string.
{ servicesFile ? null
, infrastructureFile ? null
, distributionFile ? null
, extraParams ? { }
, nixpkgs ? <nixpkgs>
, defaultTargetProperty ? "hostname"
, defaultClientInterface ? "disnix-ssh-client"
}:

let
  models = import ./models.nix;
  xml = import ./xml.nix;
  servicesLabel = "services model ${toString servicesFile}";
  infrastructureLabel = "infrastructure model ${toString infrastructureFile}";
  infrastructure = import ../normalize-infrastructure.nix {
    infrastructure = import infrastructureFile;
    inherit defaultTargetProperty defaultClientInterface;
    where = infrastructureLabel;
  };
in
{
  services = xml.services (models.serviceProperties {
    services = models.services { inherit servicesFile extraParams; pkgs = import nixpkgs { }; label = servicesLabel; };
    label = servicesLabel;
  });

  infrastructure = xml.infrastructure infrastructure;

  distribution = xml.distribution (models.candidateDistribution {
    inherit distributionFile extraParams defaultTargetProperty;
    infrastructure = import infrastructureFile;
  });
}
