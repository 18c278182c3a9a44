import { Option } from 'commander'
import { DisnixError, positiveInteger } from '@disnix-ts/libmain'

/** Where the machines come from: a fixed model, a generator command, or probing candidates. */
export interface DiscoveryOptions {
  infrastructure?: string
  geninfra?: string
  candidates?: string
  hostsFile?: string
  testnet?: boolean
  discoveryTimeout: number
}

export function discoveryOptions(): Option[] {
  return [
    new Option('-i, --infrastructure <file>', 'A fixed infrastructure model instead of discovery'),
    new Option('--geninfra <command>', 'Command that prints an infrastructure model (split on spaces, no shell)').env('DYDISNIX_GENINFRA'),
    new Option('--candidates <file>', 'Discover: probe the targets of this infrastructure model (dydisnix-discover --candidates)'),
    new Option('--hosts-file <file>', 'Discover: probe the hosts listed in this file (dydisnix-discover --hosts-file)'),
    new Option('--testnet', 'Discover: probe the targets of the test network (dydisnix-discover --testnet)'),
    new Option('--discovery-timeout <seconds>', 'How long a candidate may take to answer').default(10).argParser(positiveInteger),
  ]
}

/** The dydisnix-discover arguments of the options, or undefined when another source is chosen. */
export function discoverArgs(opts: DiscoveryOptions): string[] | undefined {
  const sources = [opts.infrastructure, opts.geninfra, opts.candidates, opts.hostsFile, opts.testnet ? 'testnet' : undefined].filter((s) => s !== undefined)
  if (sources.length === 0) {
    throw new DisnixError('USAGE', 'Either an infrastructure model (-i), an infrastructure generator (--geninfra, DYDISNIX_GENINFRA) or candidates to discover (--candidates, --hosts-file, --testnet) must be specified!')
  }
  if (opts.candidates === undefined && opts.hostsFile === undefined && !opts.testnet) return undefined
  return [
    ...(opts.candidates === undefined ? [] : ['--candidates', opts.candidates]),
    ...(opts.hostsFile === undefined ? [] : ['--hosts-file', opts.hostsFile]),
    ...(opts.testnet ? ['--testnet'] : []),
    '--timeout',
    String(opts.discoveryTimeout),
  ]
}

export const DISCOVERY_HELP = [
  'The infrastructure comes from exactly one of: -i (a fixed model), --geninfra / DYDISNIX_GENINFRA (a command',
  'printing a model), or discovery (--candidates, --hosts-file, --testnet: dydisnix-discover probes the machines',
  'and keeps those that answer within --discovery-timeout). A discovery option wins over DYDISNIX_GENINFRA.',
]
