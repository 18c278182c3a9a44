import { describe, expect, test } from 'vitest'
import { nixEvaluationError, nixTraceLines } from './nix-error.js'

describe('nixEvaluationError', () => {
  test("keeps Nix's message from the first error line, without build logs and the --show-trace footer", () => {
    const stderr = [
      'trace: warning: something',
      "building '/nix/store/x.drv'...",
      'error: services model /m/services.nix: service \'a\': broken',
      "(use '--show-trace' to show detailed location information)",
      '',
    ].join('\n')
    const error = nixEvaluationError(stderr, 'nix-build manifest.nix')
    expect(error).toMatchObject({ code: 'NIX_FAILED', message: "services model /m/services.nix: service 'a': broken", hint: 'run again with --show-trace for details' })
  })

  test('keeps the location lines of a syntax error and at most 15 lines', () => {
    const lines = ['error: syntax error, unexpected \'=\'', '', '       at /m/services.nix:6:10:', ...Array.from({ length: 30 }, (_, i) => `line ${i}`)]
    const error = nixEvaluationError(lines.join('\n'), 'step')
    expect(error.message.split('\n')).toHaveLength(15)
    expect(error.message).toMatch(/^syntax error, unexpected '='\n\n {7}at \/m\/services\.nix:6:10:/)
  })

  test('falls back to the step when Nix printed nothing', () => {
    expect(nixEvaluationError('', 'nix-build x.nix').message).toBe('nix-build x.nix: failed')
  })

  test('finds trace lines', () => {
    expect(nixTraceLines('trace: a\nother\ntrace: b c\n')).toEqual(['a', 'b c'])
  })
})
