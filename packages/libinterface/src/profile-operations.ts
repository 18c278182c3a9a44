import { runInterface, type InterfaceCall } from './run-interface.js'

/** `--target T --profile PROF --set PATH`. */
export async function setProfile(call: InterfaceCall, profile: string, path: string): Promise<void> {
  await runInterface(call, ['--target', call.target, '--profile', profile, '--set', path], { step: `set profile ${profile}` })
}

/** `--target T --profile PROF --query-installed`: the profile manifest XML (empty when none). */
export async function queryInstalled(call: InterfaceCall, profile: string): Promise<string> {
  return runInterface(call, ['--target', call.target, '--profile', profile, '--query-installed'], { step: `query installed services of profile ${profile}` })
}

/** `--lock --target T --profile PROF`, in its own process group. */
export async function lock(call: InterfaceCall, profile: string): Promise<void> {
  await runInterface(call, ['--lock', '--target', call.target, '--profile', profile], { step: `lock profile ${profile}`, detached: true })
}

/** `--unlock --target T --profile PROF`, in its own process group. */
export async function unlock(call: InterfaceCall, profile: string): Promise<void> {
  await runInterface(call, ['--unlock', '--target', call.target, '--profile', profile], { step: `unlock profile ${profile}`, detached: true })
}
