# Evaluates a model that must be plain data (an ID resources model, an IDs file) for
# `nix-instantiate --eval --strict --json`: { type = <its type>; value = <it, or null when it is a function>; }
{ file }:

let value = import file; in
{
  type = builtins.typeOf value;
  value = if builtins.isFunction value then null else value;
}
