import { existsSync } from 'node:fs'
import { readFile, readdir } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { installRoot } from '@disnix-ts/libmain'
import { describe, expect, test } from 'vitest'
import { relativeLinks } from './markdown-links.js'

const root = installRoot()

async function markdownFiles(dir: string): Promise<string[]> {
  const files: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) files.push(...(await markdownFiles(path)))
    else if (entry.name.endsWith('.md')) files.push(path)
  }
  return files
}

const documents = [join(root, 'README.md'), ...(await markdownFiles(join(root, 'docs')))]

describe('links in README.md and docs/', () => {
  test.each(documents.map((file) => relative(root, file)))('every relative link of %s resolves', async (document) => {
    const file = join(root, document)
    const broken = relativeLinks(await readFile(file, 'utf8'))
      .filter((link) => !existsSync(resolve(dirname(file), link.target)))
      .map((link) => `${document}:${link.line}: ${link.target}`)
    expect(broken).toEqual([])
  })
})
