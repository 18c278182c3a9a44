# Generic builder of the offline package set: a tiny stand-in for nixpkgs' stdenv setup. It runs on the
# host's bash with the host's coreutils (builds run with the sandbox off), so it stays small and
# deterministic: PATH is the inputs' bin directories followed by /usr/bin:/bin.
set -e
set -o pipefail

PATH=
for input in ${buildInputs:-} ${nativeBuildInputs:-} ${propagatedBuildInputs:-}; do
  if [ -d "$input/bin" ]; then PATH="${PATH:+$PATH:}$input/bin"; fi
done
PATH="${PATH:+$PATH:}/usr/bin:/bin"
export PATH
export HOME=/homeless-shelter
export SHELL=/bin/bash
export LC_ALL=C

runHook() {
  local hook="$1"
  if [ -n "${!hook:-}" ]; then eval "${!hook}"; fi
}

unpackPhase() {
  if [ -z "${src:-}" ]; then return 0; fi
  if [ -d "$src" ]; then
    cp -R --no-preserve=mode,ownership "$src" ./source
    sourceRoot=source
  else
    case "$src" in
      *.tar|*.tar.gz|*.tgz|*.tar.bz2|*.tar.xz) mkdir unpacked && tar xf "$src" -C unpacked
        sourceRoot="unpacked/$(ls unpacked | head -n 1)" ;;
      *) mkdir source && cp --no-preserve=mode,ownership "$src" "source/$(basename "$src" | cut -c34-)"
        sourceRoot=source ;;
    esac
  fi
  cd "$sourceRoot"
}

buildPhase() {
  if [ -f Makefile ] || [ -f makefile ]; then make ${makeFlags:-} ${buildFlags:-}; fi
}

installPhase() {
  if [ -f Makefile ] || [ -f makefile ]; then make install PREFIX="$out" ${makeFlags:-} ${installFlags:-}; fi
}

runPhase() {
  local phase="$1" name
  case "$phase" in
    unpackPhase) if [ -n "${dontUnpack:-}" ]; then return 0; fi ;;
    buildPhase) if [ -n "${dontBuild:-}" ]; then return 0; fi ;;
    installPhase) if [ -n "${dontInstall:-}" ]; then return 0; fi ;;
  esac
  name="${phase%Phase}"
  runHook "pre${name^}"
  # A derivation attribute named like the phase replaces the default implementation.
  if [ -n "${!phase:-}" ]; then
    eval "${!phase}"
  elif declare -F "$phase" > /dev/null; then
    "$phase"
  fi
  runHook "post${name^}"
}

cd "${TMPDIR:-/tmp}"
mkdir -p build && cd build

if [ -n "${buildCommandPath:-}" ]; then
  eval "$(cat "$buildCommandPath")"
elif [ -n "${buildCommand:-}" ]; then
  eval "$buildCommand"
else
  for phase in ${phases:-unpackPhase configurePhase buildPhase checkPhase installPhase fixupPhase}; do
    runPhase "$phase"
  done
fi
