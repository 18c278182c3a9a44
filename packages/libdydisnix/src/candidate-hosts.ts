import { DisnixError, isValidName, NAME_RULE } from '@disnix-ts/libmain'

/** A machine to probe: its target name, the address the client interface reaches it by, and how. */
export interface CandidateHost {
  name: string
  /** Passed as --target to the client interface; becomes the target's address property. */
  address: string
  clientInterface: string
  /** The property that holds the address in the discovered model (hostname by default). */
  targetProperty: string
}

/**
 * Candidate hosts from a hosts list: one host name per line, or hosts(5) lines (`ADDRESS NAME
 * [ALIAS...]`, where the NAME is used, so that the coordinator's resolver or ssh config applies);
 * `#` starts a comment.
 */
export function parseHostsList(text: string, defaults: { clientInterface: string; targetProperty: string }, source = 'hosts list'): CandidateHost[] {
  const hosts: CandidateHost[] = []
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.replace(/#.*$/, '').trim()
    if (line === '') continue
    const fields = line.split(/\s+/)
    const name = fields.length >= 2 ? fields[1]! : fields[0]!
    // The name becomes the target's name in the discovered infrastructure model.
    if (!isValidName(name)) throw new DisnixError('HOSTS_INVALID', `${source}: line ${index + 1}: not a host name: ${name} (it names a target: ${NAME_RULE})`)
    if (!hosts.some((h) => h.name === name)) hosts.push({ name, address: name, ...defaults })
  }
  return hosts
}

/** The first candidate of every name (a host named twice is probed once). */
export function uniqueCandidates(candidates: readonly CandidateHost[]): CandidateHost[] {
  const seen = new Set<string>()
  return candidates.filter((c) => !seen.has(c.name) && seen.add(c.name) !== undefined)
}
