import type { CheckOutcome } from '@disnix-ts/libinterface'
import { DisnixError, redact } from '@disnix-ts/libmain'
import { mappingParameters, type Manifest, type ServiceMapping } from '@disnix-ts/libmanifest'
import { argumentSecrets, clientFor, errorText, type DeployContext } from './deploy-context.js'

/**
 * One health check of a deployed service mapping on its target (the client interface's `check`). A
 * call that fails (an unreachable target, an interface without `check`) is a failing outcome whose
 * reason is the call's error, so that one failing target does not hide the others.
 */
export async function checkService(manifest: Manifest, mapping: ServiceMapping, context: DeployContext): Promise<CheckOutcome> {
  const parameters = mappingParameters(manifest, mapping)
  const target = manifest.infrastructure[mapping.target]
  if (target === undefined) return { status: 'failing', reason: `target ${mapping.target} is not in the infrastructure` }
  // The module's reason (and its relayed output) may quote the activity's secret values: never shown.
  const secrets = argumentSecrets(parameters.arguments, context)
  try {
    const outcome = await clientFor(target, context, { secrets }).call({
      op: 'check',
      component: parameters.pkg,
      container: parameters.container,
      type: parameters.type,
      arguments: [...parameters.arguments],
    })
    return { ...outcome, reason: redact(outcome.reason, secrets) }
  } catch (error) {
    if (error instanceof DisnixError && error.code !== 'INTERFACE_CANCELLED') return { status: 'failing', reason: redact(errorText(error).split('\n')[0] ?? '', secrets) }
    throw error
  }
}

/** The error of a service that did not become healthy in time: names the service, the target and the reason. */
export function healthCheckError(service: string, target: string, reason: string, timeoutMs: number): DisnixError {
  return new DisnixError('HEALTH_CHECK_FAILED', `[target: ${target}]: service ${service} did not become healthy within ${timeoutMs / 1000} s: ${reason}`, {
    hint: `inspect the service on ${target}; give it more time with healthCheckTimeout in the services model or --health-check-timeout, or deploy with --no-health-checks`,
  })
}
