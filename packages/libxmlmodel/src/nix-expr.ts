import { formatNixFloat, nixTypeOf, sortedNames, type NixAttrs, type NixFloat, type NixPath, type NixValue } from './nix-value.js'

/** Verbatim Nix code inside a printed value, e.g. `builtins.storePath /nix/store/…` (spec §2.7). */
export interface NixRawExpr {
  readonly [NIX_RAW]: string
}

const NIX_RAW: unique symbol = Symbol('nixRaw')

/** What {@link printNixExpr} prints: Nix values with raw expressions anywhere inside. */
export type NixPrintable = NixValue | NixRawExpr | NixPrintable[] | { [name: string]: NixPrintable }

export function nixRaw(code: string): NixRawExpr {
  return { [NIX_RAW]: code }
}

/** `builtins.storePath /nix/store/…`, so that the printed model keeps the store path's context. */
export function nixStorePath(path: string): NixRawExpr {
  return nixRaw(`builtins.storePath ${path}`)
}

export interface PrintNixExprOptions {
  /** Sort attribute names (default false: keep the object's order, which callers choose). */
  sortAttributes?: boolean
}

/**
 * Prints a value as a Nix expression in the original's style (spec §2.7): quoted attribute names,
 * two spaces per level, `[ ]` / `{ }` when empty, lists of scalars on one line. The result has no
 * final newline, so a caller can embed it.
 */
export function printNixExpr(value: NixPrintable, options: PrintNixExprOptions = {}, depth = 0): string {
  if (isRaw(value)) return value[NIX_RAW]
  const type = nixTypeOf(value as NixValue)
  const indent = '  '.repeat(depth)
  switch (type) {
    case 'string':
      return quoteNixString(value as string)
    case 'int':
      return String(value)
    case 'float':
      return formatNixFloat((value as NixFloat).value)
    case 'bool':
      return value ? 'true' : 'false'
    case 'null':
      return 'null'
    case 'path':
      return printNixPath((value as NixPath).value)
    case 'list': {
      const items = value as NixPrintable[]
      if (items.length === 0) return '[ ]'
      if (items.every(isScalar)) return `[ ${items.map((item) => printNixExpr(item, options, depth)).join(' ')} ]`
      const inner = items.map((item) => `${indent}  ${printNixExpr(item, options, depth + 1)}`)
      return `[\n${inner.join('\n')}\n${indent}]`
    }
    default: {
      const attrs = value as Record<string, NixPrintable>
      const names = options.sortAttributes ? sortedNames(attrs) : Object.keys(attrs)
      if (names.length === 0) return '{ }'
      const inner = names.map((name) => `${indent}  ${quoteNixString(name)} = ${printNixExpr(attrs[name] as NixPrintable, options, depth + 1)};`)
      return `{\n${inner.join('\n')}\n${indent}}`
    }
  }
}

/** A Nix string literal: escapes `"`, `\`, `${` and control characters. */
export function quoteNixString(text: string): string {
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\$\{/g, '\\${')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
  return `"${escaped}"`
}

function printNixPath(path: string): string {
  // A path literal must contain a slash and only path characters; anything else goes through a string.
  return /^\/?[A-Za-z0-9._+\-/]+$/.test(path) && path.includes('/') && !path.endsWith('/') ? path : `/. + ${quoteNixString(path)}`
}

function isRaw(value: NixPrintable): value is NixRawExpr {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && NIX_RAW in value
}

function isScalar(value: NixPrintable): boolean {
  if (isRaw(value)) return true
  const type = nixTypeOf(value as NixValue)
  return type !== 'list' && type !== 'attrs'
}
