# A small, deterministic stand-in for nixpkgs, importable as <nixpkgs>. It offers the part of the
# nixpkgs interface that Disnix models, the examples and the tests use, built on the host's bash and
# coreutils (builds run with the sandbox off), so that everything works without a network. Real
# deployments keep using their own nixpkgs through NIX_PATH.
{ system ? builtins.currentSystem, config ? { }, overlays ? [ ], ... }:

let
  lib = import ./lib.nix;

  hostBash = "/bin/bash";

  # Attributes that describe a package to Nix expressions but are not builder inputs.
  nonDerivationAttrs = [ "meta" "passthru" ];

  mkDerivation = args:
    let
      name = args.name or "${args.pname}-${args.version}";
      drv = derivation (removeAttrs args (nonDerivationAttrs ++ [ "pname" "version" ]) // {
        inherit name;
        system = args.system or system;
        builder = hostBash;
        args = [ "-e" ./setup.sh ];
      } // lib.optionalAttrs (args ? pname) { inherit (args) pname; }
        // lib.optionalAttrs (args ? version) { inherit (args) version; });
    in
    drv // (args.passthru or { }) // { meta = args.meta or { }; };

  stdenv = {
    inherit mkDerivation system;
    shell = hostBash;
    isLinux = true;
    hostPlatform = { inherit system; isLinux = true; };
    buildPlatform = { inherit system; isLinux = true; };
    lib = lib;
  };

  runCommand = name: env: buildCommand:
    mkDerivation ({ inherit name buildCommand; passAsFile = [ "buildCommand" ]; } // env);

  # Builders of the trivial packages run one short bash script without the generic setup: a build
  # costs little more than Nix's own overhead, which matters for thousands of service packages.
  leanDerivation = name: attrs: script: derivation (attrs // {
    inherit name system;
    builder = hostBash;
    args = [ "-e" "-c" script ];
    PATH = "/usr/bin:/bin";
  });

  writeTextFile = { name, text, executable ? false, destination ? "", checkPhase ? "", ... }:
    leanDerivation name { inherit text executable destination checkPhase; passAsFile = [ "text" ]; } ''
      target="$out$destination"
      if [ -n "$destination" ]; then mkdir -p "''${target%/*}"; fi
      cp "$textPath" "$target"
      if [ -n "$executable" ]; then chmod +x "$target"; fi
      eval "$checkPhase"
    '';

  writeText = name: text: writeTextFile { inherit name text; };
  writeScript = name: text: writeTextFile { inherit name text; executable = true; };
  writeScriptBin = name: text: writeTextFile { inherit name text; executable = true; destination = "/bin/${name}"; };
  writeShellScript = name: text: writeScript name "#!${runtimeShell}\n${text}";
  writeShellScriptBin = name: text: writeScriptBin name "#!${runtimeShell}\n${text}";

  # A symlink forest of several packages: directories are real directories, files are symlinks into
  # the packages (GNU cp --symbolic-link). With ignoreCollisions the first package wins a collision,
  # as in nixpkgs; otherwise a collision fails the build.
  buildEnv = { name, paths, ignoreCollisions ? false, pathsToLink ? [ "/" ], extraPrefix ? "", postBuild ? "", ... }:
    leanDerivation name {
      inherit postBuild extraPrefix pathsToLink;
      paths = map toString paths;
      ignoreCollisions = if ignoreCollisions then "1" else "";
    } ''
      shopt -s nullglob dotglob
      for sub in $pathsToLink; do
        if [ "$sub" = / ]; then sub=""; fi
        dest="$out$extraPrefix$sub"
        mkdir -p "$dest"
        if [ -n "$ignoreCollisions" ]; then
          entries=()
          for pkg in $paths; do if [ -d "$pkg$sub" ]; then entries+=("$pkg$sub"/*); fi; done
          if [ ''${#entries[@]} -gt 0 ]; then cp -R -s -n --no-preserve=mode "''${entries[@]}" "$dest/"; fi
        else
          for pkg in $paths; do
            entries=()
            if [ -d "$pkg$sub" ]; then entries=("$pkg$sub"/*); fi
            if [ ''${#entries[@]} -gt 0 ]; then cp -R -s --no-preserve=mode "''${entries[@]}" "$dest/"; fi
          done
        fi
      done
      eval "$postBuild"
    '';

  symlinkJoin = { name, paths, postBuild ? "", ... }@args:
    buildEnv (removeAttrs args [ "postBuild" ] // { inherit name paths postBuild; ignoreCollisions = true; });

  # Host programs wrapped as packages: a bin/ directory of symlinks into /usr/bin and /bin.
  hostTools = name: programs: mkDerivation {
    inherit name programs;
    buildCommand = ''
      mkdir -p "$out/bin"
      for p in $programs; do
        for dir in /usr/bin /bin; do
          if [ -x "$dir/$p" ]; then ln -s "$dir/$p" "$out/bin/$p"; break; fi
        done
      done
    '';
  };

  bash = hostTools "bash" [ "bash" "sh" ];
  runtimeShell = "${bash}/bin/bash";
  coreutils = hostTools "coreutils" [
    "basename" "cat" "chmod" "chown" "cp" "cut" "date" "dirname" "echo" "env" "false" "head" "id" "ln"
    "ls" "mkdir" "mktemp" "mv" "printf" "readlink" "realpath" "rm" "rmdir" "seq" "sha256sum" "sleep"
    "sort" "stat" "tail" "tee" "test" "touch" "tr" "true" "uname" "uniq" "wc"
  ];
  gnugrep = hostTools "gnugrep" [ "grep" ];
  gnused = hostTools "gnused" [ "sed" ];
  findutils = hostTools "findutils" [ "find" "xargs" ];
  gnutar = hostTools "gnutar" [ "tar" ];
  gzip = hostTools "gzip" [ "gzip" "gunzip" "zcat" ];
  nodejs = hostTools "nodejs" [ "node" ];
in
{
  inherit lib stdenv system config runCommand writeTextFile writeText writeScript writeScriptBin
    writeShellScript writeShellScriptBin buildEnv symlinkJoin runtimeShell bash coreutils gnugrep gnused
    findutils gnutar gzip nodejs;
  runCommandNoCC = runCommand;
  runCommandLocal = runCommand;
  stdenvNoCC = stdenv;
  pkgs = import ./default.nix { inherit system config overlays; };
}
