import { DisnixError } from '@disnix-ts/libmain'

/** The operations of spec §3.2, named after their long options. */
export const SSH_CLIENT_OPERATIONS = [
  'import',
  'export',
  'print-invalid',
  'realise',
  'set',
  'query-installed',
  'query-requisites',
  'collect-garbage',
  'activate',
  'deactivate',
  'delete-state',
  'snapshot',
  'restore',
  'lock',
  'unlock',
  'shell',
  'capture-config',
  'clean-snapshots',
  'query-all-snapshots',
  'query-latest-snapshot',
  'print-missing-snapshots',
  'import-snapshots',
  'resolve-snapshots',
  'export-snapshots',
] as const
export type SshClientOperation = (typeof SSH_CLIENT_OPERATIONS)[number]

const ACTIVITIES: readonly SshClientOperation[] = ['activate', 'deactivate', 'delete-state', 'snapshot', 'restore']

/** One invocation of disnix-ssh-client, after option parsing. */
export interface SshClientRequest {
  operation: SshClientOperation
  target: string
  paths: string[]
  /** Forwarded only when given: the remote side otherwise uses its own DISNIX_PROFILE/default. */
  profile?: string
  deleteOld: boolean
  container?: string
  component?: string
  type?: string
  arguments: string[]
  localfile: boolean
  remotefile: boolean
  keep: number
  command?: string
  /** DISNIX_REMOTE_CLIENT (default `disnix-run-activity`). */
  remoteClient: string
}

/** The checks the original makes before it connects (same messages, exit 1). */
export function validateRequest(request: SshClientRequest): void {
  if (request.type === undefined && (ACTIVITIES.includes(request.operation) || request.operation === 'shell')) {
    throw new DisnixError('USAGE', 'ERROR: A type must be specified!')
  }
  if ((request.operation === 'import' || request.operation === 'import-snapshots') && !request.localfile && !request.remotefile) {
    throw new DisnixError('USAGE', 'ERROR: Either a remote or a localfile must be specified!')
  }
  if (request.operation === 'export-snapshots' && request.paths.some((p) => !p.startsWith('/'))) {
    throw new DisnixError('SNAPSHOT_PATH_INVALID', 'ERROR: --export-snapshots takes absolute remote snapshot paths')
  }
}

/**
 * The remote argv of an operation that is forwarded as one command (everything except the
 * transfers). QUIRK §10.4: the original substitutes the literal `type` for a missing container; we use
 * the type's value, as intended.
 */
export function forwardedArgv(request: SshClientRequest): string[] {
  const rc = request.remoteClient
  const profile = request.profile === undefined ? [] : ['--profile', request.profile]
  const scope = [...(request.container === undefined ? [] : ['--container', request.container]), ...(request.component === undefined ? [] : ['--component', request.component])]
  const activity = (): string[] => [
    '--type',
    request.type!,
    '--container',
    request.container ?? request.type!,
    ...request.arguments.flatMap((a) => ['--arguments', a]),
  ]
  const op = request.operation
  switch (op) {
    case 'print-invalid':
    case 'realise':
    case 'query-requisites':
    case 'resolve-snapshots':
    case 'print-missing-snapshots':
      return [rc, `--${op}`, ...request.paths]
    case 'set':
      return [rc, '--set', ...profile, ...request.paths]
    case 'query-installed':
    case 'lock':
    case 'unlock':
      return [rc, `--${op}`, ...profile]
    case 'collect-garbage':
      return [rc, '--collect-garbage', ...(request.deleteOld ? ['-d'] : [])]
    case 'activate':
    case 'deactivate':
    case 'delete-state':
    case 'snapshot':
    case 'restore':
      return [rc, `--${op}`, ...activity(), ...request.paths]
    case 'shell':
      // Spec §3.2: the shell always runs disnix-run-activity, whatever DISNIX_REMOTE_CLIENT says.
      return ['disnix-run-activity', '--shell', ...activity(), ...(request.command === undefined ? [] : ['--command', request.command]), ...request.paths]
    case 'query-all-snapshots':
    case 'query-latest-snapshot':
      return [rc, `--${op}`, ...scope]
    case 'clean-snapshots':
      return [rc, '--clean-snapshots', '--keep', String(request.keep), ...scope]
    case 'capture-config':
      return [rc, '--capture-config']
    case 'import':
      return [rc, '--import', ...request.paths]
    case 'export':
      return [rc, '--export', ...request.paths]
    case 'import-snapshots':
      return [rc, '--import-snapshots', ...scope, ...request.paths]
    case 'export-snapshots':
      return []
  }
}
