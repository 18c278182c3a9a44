# Derivations that run the Dynamic Disnix executables of this installation inside a build, as the
# original's external filters run its C executables. `node` and `bin` are absolute paths outside the
# store (the build needs the sandbox off, or both in extra-sandbox-paths); `fingerprint` is a hash of
# the executables' code, so a changed algorithm never reuses a result of the previous one.
{ node, bin, fingerprint, system ? builtins.currentSystem }:

{
  /* Runs `bin/<tool> args...`; its standard output is the output path. */
  run = name: tool: args: derivation {
    inherit name system;
    builder = node;
    args = [ ./builder.mjs "run" "${bin}/${tool}" ] ++ args;
    dydisnixFingerprint = fingerprint;
  };

  /* A store file holding `text`. */
  writeText = name: text: derivation {
    inherit name system text;
    builder = node;
    args = [ ./builder.mjs "write" ];
    passAsFile = [ "text" ];
  };
}
