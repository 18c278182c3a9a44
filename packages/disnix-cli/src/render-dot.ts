import { DisnixError } from '@disnix-ts/libmain'
import { execa, ExecaError } from 'execa'

export type GraphFormat = 'dot' | 'svg' | 'png'

/**
 * Renders a dot graph with Graphviz's `dot` (`-Tsvg` / `-Tpng`); `dot` format is returned as is. A
 * missing Graphviz is one clear DisnixError (GRAPHVIZ_NOT_FOUND).
 */
export async function renderDot(dot: string, format: GraphFormat): Promise<Uint8Array> {
  if (format === 'dot') return new TextEncoder().encode(dot)
  try {
    const result = await execa('dot', [`-T${format}`], { input: dot, encoding: 'buffer', stripFinalNewline: false })
    return result.stdout
  } catch (error) {
    if (error instanceof ExecaError && error.code === 'ENOENT') {
      throw new DisnixError('GRAPHVIZ_NOT_FOUND', `Cannot render the graph as ${format}: Graphviz's dot is not installed (not found on PATH)`, {
        hint: 'install Graphviz (Debian: apt-get install graphviz), or use --format dot and render it elsewhere',
      })
    }
    if (error instanceof ExecaError) {
      const stderr = Buffer.from(error.stderr as Uint8Array | undefined ?? new Uint8Array()).toString('utf8').trim()
      throw new DisnixError('COMMAND_FAILED', `Graphviz's dot failed to render the graph as ${format}${stderr ? `:\n${stderr}` : ''}`, { cause: error })
    }
    throw error
  }
}
