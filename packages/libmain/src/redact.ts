/** Replaces every occurrence of each secret with `***`, so it cannot reach a message or a log. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('***')
  }
  return out
}
