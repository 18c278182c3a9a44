import { constants } from 'node:fs'
import { open, readFile } from 'node:fs/promises'
import type { TargetClient } from '@disnix-ts/libinterface'
import { DisnixError } from '@disnix-ts/libmain'
import type { Manifest, Service } from '@disnix-ts/libmanifest'
import type { TransitionMapping } from './transition-plan.js'

/**
 * Checks that the file of every secret of the services about to be activated is a readable file on
 * this machine, before anything is activated: a missing or unreadable one is SECRET_UNREADABLE naming
 * the service, the secret and the file. Its content is not kept.
 */
export async function checkSecretFiles(services: Manifest['services'], mappings: readonly TransitionMapping[]): Promise<void> {
  const seen = new Set<string>()
  for (const mapping of mappings) {
    const service = services[mapping.service]
    if (service?.secrets === undefined || seen.has(mapping.service)) continue
    seen.add(mapping.service)
    for (const [name, secret] of Object.entries(service.secrets)) {
      try {
        const handle = await open(secret.file, constants.O_RDONLY)
        try {
          if (!(await handle.stat()).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' })
        } finally {
          await handle.close()
        }
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : `it cannot be read (${(error as Error).message})`
        throw new DisnixError('SECRET_UNREADABLE', `the secret ${name} of service ${service.name} is the file ${secret.file}, but ${reason}`, {
          hint: 'create the file on the coordinator (readable by the user who deploys), or change `secrets` in the services model',
        })
      }
    }
  }
}

/**
 * Delivers the secrets of a service to the target of a mapping (put-secret: the client interface sends
 * each file's content, which the target writes with mode 0600) and returns the activation's extra
 * arguments `NAME=<path on the target>`: a module only ever gets the path of a delivered secret.
 */
export async function deliverSecrets(client: TargetClient, mapping: TransitionMapping, service: Service, profile: string | undefined): Promise<string[]> {
  const args: string[] = []
  for (const [name, secret] of Object.entries(service.secrets ?? {})) {
    const lines = await client.call({
      op: 'put-secret',
      ...(profile === undefined ? {} : { profile }),
      container: mapping.container,
      service: mapping.service,
      secret: name,
      ...(secret.owner === undefined ? {} : { owner: secret.owner }),
      ...(secret.group === undefined ? {} : { group: secret.group }),
      file: secret.file,
    })
    const path = lines.at(-1)
    if (path === undefined || !path.startsWith('/')) {
      throw new DisnixError('REMOTE_OUTPUT_MISSING', `[target: ${mapping.target}]: delivering the secret ${name} of service ${service.name} printed no path`)
    }
    args.push(`${name}=${path}`)
  }
  return args
}

/** Removes the secrets of a service mapping from its target (after its deactivation). */
export async function removeSecrets(client: TargetClient, mapping: TransitionMapping, profile: string | undefined): Promise<void> {
  await client.call({ op: 'remove-secrets', ...(profile === undefined ? {} : { profile }), container: mapping.container, service: mapping.service })
}

/**
 * What the secrets of a service look like in text (each file's content and its lines): values that a
 * module printing them must not get shown, as the values of secret properties are not.
 */
export async function secretContents(service: Service): Promise<string[]> {
  const values: string[] = []
  for (const secret of Object.values(service.secrets ?? {})) {
    const text = await readFile(secret.file, 'utf8')
    values.push(...[text, ...text.split('\n')].map((value) => value.trim()).filter((value) => value.length >= 4))
  }
  return values
}
