import { formatBytes, runCommand } from '@disnix-ts/libmain'
import type { Manifest } from '@disnix-ts/libmanifest'
import { queryRequisites } from '@disnix-ts/libnix'
import { transitionPlanFor } from './activate-system.js'
import { manifestClient, type DeployContext } from './deploy-context.js'
import { executeTransition, type MappingAction } from './execute-transition.js'

export interface PlannedActivity {
  /** Position in the order the transition would run them (1-based, across all targets). */
  step: number
  action: MappingAction
  service: string
  key: string
  pkg: string
  container: string
}

export interface TargetPlan {
  target: string
  /** Paths of the profile closure the target lacks, and their total NAR size. */
  transferPaths: number
  transferBytes: number
  activities: PlannedActivity[]
}

export interface DeploymentPlan {
  upgrade: boolean
  targets: TargetPlan[]
}

export interface PlanDeploymentOptions extends DeployContext {
  manifest: Manifest
  oldManifest?: Manifest
}

/**
 * What a deployment would do, per target: the paths it would transfer (asking each target which it
 * lacks, a read-only query) and the (de)activations in the order the transition would run them.
 * Changes nothing anywhere.
 */
export async function planDeployment(options: PlanDeploymentOptions): Promise<DeploymentPlan> {
  const { manifest, oldManifest } = options
  const targets = new Map<string, TargetPlan>()
  for (const name of Object.keys(manifest.infrastructure).sort()) targets.set(name, { target: name, transferPaths: 0, transferBytes: 0, activities: [] })

  await Promise.all(
    Object.entries(manifest.profiles).map(async ([name, profile]) => {
      const requisites = await queryRequisites([profile], { env: options.nixEnv, step: `[target: ${name}]: query requisites of ${profile}` })
      const missing = requisites.length === 0 ? [] : await manifestClient(manifest, name, options).call({ op: 'print-invalid', paths: requisites })
      const plan = targets.get(name)
      if (plan) {
        plan.transferPaths = missing.length
        plan.transferBytes = await narSize(missing, options.nixEnv)
      }
    }),
  )

  const transition = transitionPlanFor(manifest, oldManifest)
  let step = 0
  await executeTransition(transition, {
    coresOf: (target) => manifest.infrastructure[target]?.numOfCores,
    run: async (action, mapping, service) => {
      targets.get(mapping.target)?.activities.push({ step: ++step, action, service: service.name, key: mapping.service, pkg: service.pkg, container: mapping.container })
    },
  })
  return { upgrade: oldManifest !== undefined, targets: [...targets.values()] }
}

/** The plan as text, one block per target, activities in execution order. */
export function formatDeploymentPlan(plan: DeploymentPlan): string {
  const lines = [plan.upgrade ? 'Plan: upgrade from the previous deployment' : 'Plan: installation from scratch']
  for (const t of plan.targets) {
    lines.push('', `[target: ${t.target}]`)
    lines.push(t.transferPaths === 0 ? '  transfer: nothing' : `  transfer: ${t.transferPaths} paths, ${formatBytes(t.transferBytes)}`)
    if (t.activities.length === 0) lines.push('  no services change')
    for (const a of t.activities) lines.push(`  ${String(a.step).padStart(3)}. ${a.action.padEnd(10)} ${a.service} (${a.container})  ${a.pkg}`)
  }
  return `${lines.join('\n')}\n`
}

async function narSize(paths: readonly string[], env?: NodeJS.ProcessEnv): Promise<number> {
  if (paths.length === 0) return 0
  const { stdout } = await runCommand('nix-store', ['-q', '--size', ...paths], { env, step: '[coordinator]: query the size of the paths to transfer' })
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .reduce((sum, l) => sum + Number(l.trim()), 0)
}
