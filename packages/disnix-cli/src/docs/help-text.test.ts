import { describe, expect, test } from 'vitest'
import { mentions, parseHelpText } from './help-text.js'

const HELP = `Usage: disnix-foo [options] <manifest>

Does foo

Arguments:
  manifest                   Manifest file

Options:
  -v, --version              Show the version of this tool
  -p, --profile <name>       Name of the Disnix profile (default: "default", env:
                             DISNIX_PROFILE)
  --no-upgrade               Ignore the previous manifest
  --keep <n>                 Number of generations --to-keep (default: 1)
  -h, --help                 Show this help text

Environment:
  DISNIX_PROFILE        Default profile name
  SSH_OPTS, SSH_USER    Passed on to disnix-ssh-client
  DYSNOMIA_MODULES_PATH, DYSNOMIA_STATEDIR
                        Passed to the jobs
  TMPDIR                Directory for temporary files
                        NOT_A_NAME continues the description

Exit status:
  0  success
`

describe('parseHelpText', () => {
  test('lists the long options except --help and --version', () => {
    expect(parseHelpText(HELP).longOptions).toEqual(['--profile', '--no-upgrade', '--keep'])
  })

  test('lists every variable of the Environment section, also several on one line', () => {
    expect(parseHelpText(HELP).environment).toEqual([
      'DISNIX_PROFILE',
      'SSH_OPTS',
      'SSH_USER',
      'DYSNOMIA_MODULES_PATH',
      'DYSNOMIA_STATEDIR',
      'TMPDIR',
    ])
  })

  test('finds nothing in a help text without those sections', () => {
    expect(parseHelpText('Usage: x\n')).toEqual({ longOptions: [], environment: [] })
  })
})

describe('mentions', () => {
  test('matches whole options only', () => {
    expect(mentions('use `--all` here', '--all')).toBe(true)
    expect(mentions('see --all-generations', '--all')).toBe(false)
    expect(mentions('--delete-all', '--all')).toBe(false)
    expect(mentions('| `--keep N` |', '--keep')).toBe(true)
  })

  test('matches whole variable names only', () => {
    expect(mentions('set DISNIX_PROFILE=x', 'DISNIX_PROFILE')).toBe(true)
    expect(mentions('MY_DISNIX_PROFILE', 'DISNIX_PROFILE')).toBe(false)
    expect(mentions('NIX_PATH', 'PATH')).toBe(false)
  })
})
