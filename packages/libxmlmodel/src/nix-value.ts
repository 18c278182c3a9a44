/**
 * A value of the Nix language as it appears in models and XML files: the shapes that typed-value XML
 * (spec §2.1) and Nix's `builtins.toXML` can carry. Integers are JS numbers; floats and paths are
 * tagged so that `1` (int) and `1.0` (float), or a path and a string, stay distinguishable. Attribute
 * sets are plain objects, so `target.properties.hostname` reads naturally; the tags use a symbol key,
 * so no attribute name can collide with them.
 */
export type NixValue = string | number | boolean | null | NixFloat | NixPath | NixList | NixAttrs
export type NixList = NixValue[]
export interface NixAttrs {
  [name: string]: NixValue
}

export const NIX_TYPE: unique symbol = Symbol('nixType')

export interface NixFloat {
  readonly [NIX_TYPE]: 'float'
  readonly value: number
}

export interface NixPath {
  readonly [NIX_TYPE]: 'path'
  readonly value: string
}

export type NixTypeName = 'string' | 'int' | 'float' | 'bool' | 'null' | 'path' | 'list' | 'attrs'

export function nixFloat(value: number): NixFloat {
  return { [NIX_TYPE]: 'float', value }
}

export function nixPath(value: string): NixPath {
  return { [NIX_TYPE]: 'path', value }
}

export function isNixFloat(value: NixValue): value is NixFloat {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as Partial<NixFloat>)[NIX_TYPE] === 'float'
}

export function isNixPath(value: NixValue): value is NixPath {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as Partial<NixPath>)[NIX_TYPE] === 'path'
}

export function isNixAttrs(value: NixValue | undefined): value is NixAttrs {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(NIX_TYPE in value)
}

export function nixTypeOf(value: NixValue): NixTypeName {
  if (value === null) return 'null'
  if (typeof value === 'string') return 'string'
  if (typeof value === 'number') return 'int'
  if (typeof value === 'boolean') return 'bool'
  if (Array.isArray(value)) return 'list'
  if (isNixFloat(value)) return 'float'
  if (isNixPath(value)) return 'path'
  return 'attrs'
}

/** Structural equality; attribute order does not matter, list order does. */
export function nixValuesEqual(a: NixValue, b: NixValue): boolean {
  const type = nixTypeOf(a)
  if (type !== nixTypeOf(b)) return false
  switch (type) {
    case 'float':
    case 'path':
      return (a as NixFloat | NixPath).value === (b as NixFloat | NixPath).value
    case 'list': {
      const la = a as NixList
      const lb = b as NixList
      return la.length === lb.length && la.every((item, i) => nixValuesEqual(item, lb[i] as NixValue))
    }
    case 'attrs': {
      const aa = a as NixAttrs
      const ab = b as NixAttrs
      const keys = Object.keys(aa)
      return (
        keys.length === Object.keys(ab).length &&
        keys.every((key) => Object.hasOwn(ab, key) && nixValuesEqual(aa[key] as NixValue, ab[key] as NixValue))
      )
    }
    default:
      return a === b
  }
}

/**
 * The text a scalar renders to as an activation argument or a plain XML field: strings and numbers as
 * text, true → `1`, false → empty, lists joined by single spaces, attribute sets and null → empty
 * (spec §5.4, as the original renders container properties).
 */
export function nixValueToText(value: NixValue): string {
  switch (nixTypeOf(value)) {
    case 'string':
      return value as string
    case 'int':
      return String(value)
    case 'float':
      return formatNixFloat((value as NixFloat).value)
    case 'path':
      return (value as NixPath).value
    case 'bool':
      return value === true ? '1' : ''
    case 'list':
      return (value as NixList).map(nixValueToText).join(' ')
    default:
      return ''
  }
}

/** A float's text that reads back as a float (`1` would read back as an int). */
export function formatNixFloat(value: number): string {
  const text = String(value)
  return /^-?\d+$/.test(text) ? `${text}.0` : text
}

/** Attribute names in the order Nix lists them (byte order, as `builtins.attrNames`). */
export function sortedNames(attrs: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(attrs).sort(compareBytes)
}

/** Byte-wise comparison of the strings' UTF-8 encodings, the order Nix and the original's strcmp use. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    // UTF-8 orders by code point; UTF-16 code units do too, except that surrogates (the characters
    // above U+FFFF) come before U+E000-U+FFFF: move them after.
    if (x !== y) return codePointRank(x) - codePointRank(y)
  }
  return a.length - b.length
}

function codePointRank(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit
}

/**
 * A float as C++ streams print it with the default precision (`%g`, 6 significant digits), which is
 * how Nix's `builtins.toXML` writes floats: `2`, `0.5`, `1e+06`.
 */
export function formatFloatLikeNix(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : value < 0 ? '-inf' : 'nan'
  if (value === 0) return Object.is(value, -0) ? '-0' : '0'
  const exponent = Math.floor(Math.log10(Math.abs(Number(value.toPrecision(6)))))
  if (exponent < -4 || exponent >= 6) {
    const [mantissa = '', exp = '0'] = value.toExponential(5).split('e')
    const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa
    const e = Number(exp)
    return `${trimmed}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`
  }
  const fixed = value.toFixed(Math.max(0, 5 - exponent))
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed
}
