import { runInterface, type InterfaceCall } from './run-interface.js'

/**
 * `--capture-config --target T`: the interface's output as it is. The SSH client prints the Nix
 * expression itself; `disnix-run-activity` and `disnix-client` print the path of a file on the
 * target holding it (spec §11), which only a caller on that machine can read.
 */
export async function captureConfig(call: InterfaceCall): Promise<string> {
  return runInterface(call, ['--capture-config', '--target', call.target], { step: 'capture config' })
}
