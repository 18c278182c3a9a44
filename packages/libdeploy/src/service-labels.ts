/**
 * How progress names services: by name; where two services of one configuration share a name, by
 * name and the start of the key that tells them apart (`staff (key 3f9a1c0e27b4)`). A service of
 * the previous configuration and its new version (another key, the same name) are both just named.
 */
export function serviceLabels(...configurations: readonly (Readonly<Record<string, { name: string }>> | undefined)[]): (key: string) => string {
  const shared = new Set<string>()
  const names = new Map<string, string>()
  for (const services of configurations) {
    const seen = new Set<string>()
    for (const [key, service] of Object.entries(services ?? {})) {
      if (seen.has(service.name)) shared.add(service.name)
      seen.add(service.name)
      names.set(key, service.name)
    }
  }
  return (key) => {
    const name = names.get(key)
    if (name === undefined) return key
    return shared.has(name) ? `${name} (key ${key.slice(0, 12)})` : name
  }
}
