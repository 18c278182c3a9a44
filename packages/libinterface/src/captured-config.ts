import { readFile, rm } from 'node:fs/promises'
import { hasErrorCode } from '@disnix-ts/libmain'

/**
 * The Nix expression a `capture-config` call answered with. The SSH client prints the expression;
 * `disnix-run-activity` (used directly on this machine) prints the path of a temp file holding it,
 * which is read and removed.
 */
export async function capturedExpression(output: string): Promise<string> {
  const text = output.replace(/\n+$/, '')
  if (/^\/[^\s{]*$/.test(text)) {
    try {
      const content = await readFile(text, 'utf8')
      await rm(text, { force: true })
      return content.replace(/\n+$/, '')
    } catch (error) {
      if (!hasErrorCode(error, 'ENOENT')) throw error
    }
  }
  return text
}
