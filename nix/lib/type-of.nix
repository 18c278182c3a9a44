# The type of a value given with --arg value EXPR (for checking command-line expressions such as
# --extra-params before the models are evaluated with them).
{ value }: builtins.typeOf value
