# Labels for error messages: "services model /path/services.nix", ... (every label names the file).
{ servicesFile ? null, infrastructureFile ? null, distributionFile ? null, packagesFile ? null, architectureFile ? null, deploymentFile ? null }:

let
  label = kind: file: "${kind} model ${toString file}";
  architecture = label "architecture" architectureFile;
in
if architectureFile != null then {
  services = architecture;
  infrastructure = architecture;
  distribution = architecture;
  packages = architecture;
  servicesFile = toString architectureFile;
  infrastructureFile = toString architectureFile;
  distributionFile = toString architectureFile;
} else if deploymentFile != null then rec {
  infrastructure = label "deployment" deploymentFile;
  services = infrastructure;
  distribution = infrastructure;
  packages = infrastructure;
  servicesFile = toString deploymentFile;
  infrastructureFile = servicesFile;
  distributionFile = servicesFile;
} else {
  services = label "services" servicesFile;
  infrastructure = label "infrastructure" infrastructureFile;
  distribution = label "distribution" distributionFile;
  packages = label "packages" packagesFile;
  servicesFile = toString servicesFile;
  infrastructureFile = toString infrastructureFile;
  distributionFile = toString distributionFile;
}
