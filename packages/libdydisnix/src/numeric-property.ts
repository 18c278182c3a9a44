import { DisnixError } from '@disnix-ts/libmain'
import { isNixFloat, type NixValue } from '@disnix-ts/libxmlmodel'

/**
 * A capacity or cost property as a number: an int or float, or a string holding one (discovery reports
 * every property as a string). The original reads these with atoi, so "abc" counts as 0 there; we
 * refuse it with a message naming `what`.
 */
export function numericProperty(value: NixValue, what: string): number {
  if (typeof value === 'number') return value
  if (isNixFloat(value)) return value.value
  if (typeof value === 'string' && /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/.test(value)) return Number(value)
  throw new DisnixError('PROPERTY_INVALID', `${what} must be a number, but it is: ${JSON.stringify(value)}`)
}
