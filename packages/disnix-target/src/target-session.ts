import { SECRET_PROPERTIES_HELP, type EnvironmentVariable, type Session } from '@disnix-ts/libmain'
import { localTargetContext } from './local-target-context.js'
import type { TargetContext } from './target-context.js'

/** What a target-side tool works with: this machine as the executing user sees it. */
export interface TargetSession {
  context: TargetContext
}

/** The environment a target-side operation passes to Nix and Dysnomia. */
export const TARGET_ENVIRONMENT: readonly EnvironmentVariable[] = [
  { name: 'TMPDIR', meaning: 'Where temp files and lock files go (default: /tmp)' },
  { name: 'DYSNOMIA_MODULES_PATH', meaning: 'Extra Dysnomia module directories, searched before the bundled ones' },
  { name: 'DYSNOMIA_CONTAINERS_PATH', meaning: 'Dysnomia container configuration directories' },
  { name: 'DYSNOMIA_STATEDIR', meaning: 'Dysnomia state and snapshot store (default: /var/state/dysnomia)' },
  { name: 'DYSNOMIA_PROPERTIES', meaning: 'Machine properties used by --capture-config' },
  { name: 'DISNIX_SECRETS_DIR', meaning: 'Where --put-secret writes secrets (default: /var/lib/disnix/secrets for root, ~/.disnix/secrets for others)' },
  { name: 'NIX_PATH', meaning: 'Passed to the Nix commands' },
  { name: 'NIX_CONFIG', meaning: 'Passed to the Nix commands' },
  SECRET_PROPERTIES_HELP,
]

/**
 * The session of the tools that carry out operations on the machine they run on (disnix-run-activity):
 * the executing user's TMPDIR, profile dir and host name; children write straight into the
 * executable's own stdio, or into the streams of an in-process run. Messages have no prefix.
 */
export const targetSession: Session<TargetSession> = {
  kind: 'target',
  errorPrefix: '',
  environment: TARGET_ENVIRONMENT,
  open({ io }) {
    return {
      context: localTargetContext({
        env: io.env,
        stdout: io.main ? 'inherit' : io.stdout,
        stderr: io.main ? 'inherit' : io.stderr,
        log: (line) => void io.stderr.write(`${line}\n`),
        signal: io.signal,
      }),
    }
  },
}
