import { Option } from 'commander'
import { DisnixError, type EnvironmentVariable, coordinatorProfilePathOption, interfaceOption, keepOption, maxConcurrentTransfersOption, profileOption, showTraceOption, targetPropertyOption } from '@disnix-ts/libmain'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'

import type { DynamicSteps } from '@disnix-ts/libdydisnix'
import { discoverArgs, type DiscoveryOptions } from './discovery-options.js'
import { lastLine, runStep } from './run-step.js'

/** The options dydisnix-env and dydisnix-self-adapt share. */
export interface DynamicOptions extends DiscoveryOptions {
  services: string
  qos: string
  augment?: string
  packages?: string
  idResources?: string
  ids?: string
  idsServiceProperty?: string
  filters?: string
  profile: string
  coordinatorProfilePath?: string
  maxConcurrentTransfers: number
  migration: boolean
  deleteState?: boolean
  depthFirst?: boolean
  keep: number
  showTrace?: boolean
  extraParams?: string
  targetProperty: string
  interface: string
}

/**
 * The steps of a dynamic deployment, each one run as the tool that does it. Files go to `sessionDir`;
 * `extra` adds the steps only self-adapt uses.
 */
export function dynamicSteps(opts: DynamicOptions, sessionDir: string, extra: { snapshot?: boolean; reconstruct?: boolean } = {}): DynamicSteps {
  if ((opts.idResources === undefined) !== (opts.ids === undefined)) {
    throw new DisnixError('USAGE', 'ID assignment needs both an ID resources model (--id-resources) and an IDs file (--ids)')
  }
  const discover = discoverArgs(opts)
  const profileArgs = ['-p', opts.profile, ...(opts.coordinatorProfilePath === undefined ? [] : ['--coordinator-profile-path', opts.coordinatorProfilePath])]
  const targetArgs = ['--target-property', opts.targetProperty, '--interface', opts.interface]
  const traceArgs = opts.showTrace ? ['--show-trace'] : []
  const extraArgs = opts.extraParams === undefined ? [] : ['--extra-params', opts.extraParams]
  const stateArgs = ['-m', String(opts.maxConcurrentTransfers), ...(opts.depthFirst ? ['--depth-first'] : []), '--keep', String(opts.keep)]
  const services = resolve(opts.services)

  const steps: DynamicSteps = {
    discover: async () => {
      if (opts.infrastructure !== undefined) return resolve(opts.infrastructure)
      const file = join(sessionDir, 'infrastructure-discovered.nix')
      if (discover !== undefined) {
        await runStep('dydisnix-discover', [...discover, ...targetArgs, '--output-file', file])
      } else {
        const [command, ...args] = opts.geninfra!.trim().split(/\s+/)
        const { writeModelFile } = await import('@disnix-ts/libdydisnix')
        await writeModelFile(await runStep(command!, args), { file, tmpdir: sessionDir, prefix: 'infrastructure' })
      }
      return file
    },
    augment: async (infrastructureFile) => {
      if (opts.augment === undefined) return infrastructureFile
      const file = join(sessionDir, 'infrastructure-augmented.nix')
      await runStep('dydisnix-augment-infra', ['-i', infrastructureFile, '-a', opts.augment, '--output-file', file, ...targetArgs, ...traceArgs])
      return file
    },
    state: async (infrastructureFile) => {
      const { infrastructureState } = await import('@disnix-ts/libdydisnix')
      return infrastructureState(infrastructureFile)
    },
    generate: async (infrastructureFile) =>
      lastLine(
        await runStep('dydisnix-gendist', [
          '-s', services, '-i', infrastructureFile, '-q', opts.qos,
          ...(opts.filters === undefined ? [] : ['-F', opts.filters]),
          ...profileArgs, ...targetArgs, ...extraArgs, ...traceArgs, '--no-out-link',
        ]),
      ),
    deploy: async (infrastructureFile, distributionFile) => {
      await runStep('disnix-env', [
        '-s', services, '-i', infrastructureFile, '-d', distributionFile,
        ...(opts.packages === undefined ? [] : ['-P', opts.packages]),
        ...profileArgs, ...targetArgs, ...stateArgs, ...extraArgs, ...traceArgs,
        ...(opts.migration ? [] : ['--no-migration']),
        ...(opts.deleteState ? ['--delete-state'] : []),
      ])
    },
  }
  if (opts.idResources !== undefined && opts.ids !== undefined) {
    const ids = resolve(opts.ids)
    steps.assignIds = async (infrastructureFile, distributionFile) => {
      await runStep('dydisnix-id-assign', [
        '-s', services, '-i', infrastructureFile, '-d', distributionFile, '--id-resources', opts.idResources!,
        ...(existsSync(ids) ? ['--ids', ids] : []),
        ...(opts.idsServiceProperty === undefined ? [] : ['--service-property', opts.idsServiceProperty]),
        ...extraArgs, ...traceArgs, '--output-file', ids,
      ])
    }
  }
  if (extra.reconstruct) {
    steps.reconstruct = async (infrastructureFile) => {
      await runStep('disnix-reconstruct', [...profileArgs, ...targetArgs, '-m', String(opts.maxConcurrentTransfers), ...traceArgs, infrastructureFile])
    }
  }
  if (extra.snapshot) {
    steps.snapshot = async () => {
      await runStep('disnix-snapshot', [...profileArgs, ...stateArgs])
    }
  }
  return steps
}

/** The options of dydisnix-env and dydisnix-self-adapt (the discovery options are added separately). */
export function dynamicOptions(): Option[] {
  return [
    new Option('-s, --services <file>', 'Services model').makeOptionMandatory(),
    new Option('-q, --qos <file>', 'QoS model that maps the services to the machines (see dydisnix-gendist)').makeOptionMandatory(),
    new Option('-a, --augment <file>', 'Augmentation model adding what discovery cannot see (see dydisnix-augment-infra)'),
    new Option('-P, --packages <file>', 'Packages model (passed on to disnix-env)'),
    new Option('--id-resources <file>', 'ID resources model: assign unique IDs with dydisnix-id-assign before deploying'),
    new Option('--ids <file>', 'The IDs file to keep up to date (created when missing); the services model imports it'),
    new Option('--ids-service-property <name>', 'Service property listing the resources a service needs IDs of (default: requireUniqueIdsFor)'),
    new Option('-F, --filters <file>', 'Catalog of custom filters for the QoS model'),
    profileOption(),
    coordinatorProfilePathOption(),
    maxConcurrentTransfersOption(),
    new Option('--no-migration', 'Do not migrate the state of stateful services that move'),
    new Option('--delete-state', 'Delete the obsolete state of services that moved or were removed'),
    new Option('--depth-first', 'Snapshot and migrate state one service at a time'),
    keepOption(),
    showTraceOption(),
    new Option('--extra-params <expr>', 'Nix attribute set passed to the models that declare its attributes as arguments'),
    targetPropertyOption(),
    interfaceOption(),
  ]
}

export const DYNAMIC_ENVIRONMENT: readonly EnvironmentVariable[] = [
  { name: 'NIX_PATH', meaning: 'Must provide <nixpkgs>' },
  { name: 'SSH_OPTS, SSH_USER', meaning: 'Used by disnix-ssh-client to reach the machines' },
  { name: 'TMPDIR', meaning: 'Directory for the session files (default: /tmp)' },
]
