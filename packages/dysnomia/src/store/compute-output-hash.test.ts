import { createHash } from 'node:crypto'
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { bundledModulesDir } from '@disnix-ts/libmain'
import { testDir } from '@disnix-ts/test-utils'
import { describe, expect, test } from 'vitest'
import { computeOutputHash } from './compute-output-hash.js'

const util = join(bundledModulesDir(), 'lib', 'util')

/** computeOutputHash of the bash library (modules/lib/util). */
async function bashOutputHash(path: string): Promise<string> {
  const { stdout } = await execa('bash', ['-c', 'set -e; source "$1"; computeOutputHash "$2"', 'bash', util, path], { stripFinalNewline: false, stdin: 'ignore' })
  return stdout
}

function sha256(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`
}

describe('computeOutputHash', () => {
  test('hashes a single-file snapshot exactly as the original does', async () => {
    const dir = await testDir()
    const payload = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x01, 0x02])
    await writeFile(join(dir, 'state.tar.xz'), payload)
    const expected = sha256(Buffer.concat([Buffer.from('.\n./state.tar.xz\n\n'), payload]))
    expect(await computeOutputHash(dir)).toBe(expected)
    expect(await bashOutputHash(dir)).toBe(expected)
  })

  test('hashes a regular file as the sha256 of its bytes, without a newline', async () => {
    const dir = await testDir()
    await writeFile(join(dir, 'dump.sql'), 'INSERT 1;\n')
    expect(await computeOutputHash(join(dir, 'dump.sql'))).toBe(sha256('INSERT 1;\n'))
    expect(await bashOutputHash(join(dir, 'dump.sql'))).toBe(sha256('INSERT 1;\n'))
  })

  test('lists nested directories in sorted pre-order, the same in bash and TypeScript', async () => {
    const dir = await testDir()
    // 'a-c' sorts after 'a' but a plain sort of full paths would put './a-c' before './a/b'.
    await mkdir(join(dir, 'a', 'deeper'), { recursive: true })
    await mkdir(join(dir, 'a-c'))
    await mkdir(join(dir, 'empty'))
    await writeFile(join(dir, 'a', 'b'), 'B')
    await writeFile(join(dir, 'a', 'deeper', 'x'), 'X')
    await writeFile(join(dir, 'a-c', 'z'), 'Z')
    await writeFile(join(dir, 'Upper'), 'U')
    await writeFile(join(dir, 'name with spaces'), 'S')
    await symlink('a/b', join(dir, 'link'))
    const listing = ['.', './Upper', './a', './a/b', './a/deeper', './a/deeper/x', './a-c', './a-c/z', './empty', './link', './name with spaces']
    const expected = sha256(`${listing.join('\n')}\n\nUBXZS`)
    expect(await computeOutputHash(dir)).toBe(expected)
    expect(await bashOutputHash(dir)).toBe(expected)
  })

  test('fails with a clear message for a missing path', async () => {
    const dir = await testDir()
    await expect(computeOutputHash(join(dir, 'missing'))).rejects.toThrow(`Cannot compute the output hash of: ${join(dir, 'missing')}`)
  })
})
