import { resolve } from 'node:path'
import { runCommand, toolPath } from '@disnix-ts/libmain'
import type { MigrateStepOptions } from '@disnix-ts/libdeploy'

/**
 * The migrate step of disnix-deploy runs `disnix-migrate` as its own process, as the original composes
 * its tools; it is skipped when neither configuration has stateful services.
 */
export function migrateWithTool(paths: { manifestPath: string; oldManifestPath?: string; profile: string; coordinatorProfilePath?: string }) {
  return async (options: MigrateStepOptions): Promise<void> => {
    const stateful = options.manifest.snapshotMappings.length > 0 || (options.oldManifest?.snapshotMappings.length ?? 0) > 0
    if (!stateful) return
    const args = ['-m', String(options.maxConcurrentTransfers), '-p', paths.profile, '--keep', String(options.keep)]
    if (paths.coordinatorProfilePath) args.push('--coordinator-profile-path', paths.coordinatorProfilePath)
    if (options.noUpgrade) args.push('--no-upgrade')
    if (options.deleteState) args.push('--delete-state')
    if (options.transferOnly) args.push('--transfer-only')
    if (options.depthFirst) args.push('--depth-first')
    if (options.all) args.push('--all')
    if (paths.oldManifestPath && !options.noUpgrade) args.push('-o', paths.oldManifestPath)
    args.push(resolve(paths.manifestPath))
    await runCommand(toolPath('disnix-migrate'), args, { step: '[coordinator]: migrating the state of the services', stderr: 'inherit', env: options.env, signal: undefined })
  }
}
