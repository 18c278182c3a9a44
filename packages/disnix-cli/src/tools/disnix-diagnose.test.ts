import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { installRoot } from '@disnix-ts/libmain'
import { runBin, testDir } from '@disnix-ts/test-utils'

const manifest = join(installRoot(), 'packages', 'libmanifest', 'fixtures', 'two-targets', 'manifest.xml')

// Mapping selection and bad input; shells on real targets are in scenarios/coordinator-tools.test.ts.
describe('disnix-diagnose', () => {
  test('--help documents every option and the environment', async () => {
    const r = await runBin('disnix-diagnose', ['--help'])
    expect(r.exitCode).toBe(0)
    for (const text of ['--service', '--show-mappings', '--container', '--target', '--command', '--profile', '--coordinator-profile-path', 'DISNIX_PROFILE', 'SSH_OPTS', 'Exit status:']) {
      expect(r.stdout).toContain(text)
    }
  })

  test('-S is required', async () => {
    const r = await runBin('disnix-diagnose', [manifest])
    expect(r).toMatchObject({ exitCode: 1, stdout: '' })
    expect(r.stderr).toContain("required option '-S, --service <name>' not specified")
  })

  test('without a manifest and without a deployment it says so', async () => {
    const r = await runBin('disnix-diagnose', ['-S', 'testService1', '--coordinator-profile-path', await testDir()])
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('[coordinator]: No manifest specified and no previous deployment is known!')
  })

  test('--show-mappings lists where the service is deployed', async () => {
    const r = await runBin('disnix-diagnose', ['-S', 'testService3', '--show-mappings', manifest])
    expect(r).toMatchObject({ exitCode: 0, stdout: '' })
    expect(r.stderr).toBe('This service has been mapped to:\n\ncontainer: mycontainer, target: test1\ncontainer: echo, target: test2\n')
  })

  test('several mappings without --command fail with the list; -t picks one', async () => {
    const r = await runBin('disnix-diagnose', ['-S', 'testService3', manifest])
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('Multiple mappings found!')
    expect(r.stderr).toContain('container: mycontainer, target: test1\ncontainer: echo, target: test2')
    const filtered = await runBin('disnix-diagnose', ['-S', 'testService3', '-t', 'test2', '-c', 'echo', '--show-mappings', manifest])
    expect(filtered.stderr).toBe('This service has been mapped to:\n\ncontainer: echo, target: test2\n')
  })

  test('a misspelled service is an error with a suggestion, also with --show-mappings', async () => {
    const r = await runBin('disnix-diagnose', ['-S', 'testServce3', '--show-mappings', manifest])
    expect(r).toMatchObject({ exitCode: 1, stdout: '' })
    expect(r.stderr).toContain('[coordinator]: The deployment has no service named: testServce3 (did you mean: testService3?)\n')
    expect(r.stderr).not.toContain('This service has been mapped to')
  })

  test('an unknown service, or a filter that matches nothing, fails', async () => {
    const unknown = await runBin('disnix-diagnose', ['-S', 'nosuchservice', manifest])
    expect(unknown.exitCode).toBe(1)
    expect(unknown.stderr).toContain('[coordinator]: The deployment has no service named: nosuchservice\nhint: its services are: testService1, testService2, testService3')
    const wrongTarget = await runBin('disnix-diagnose', ['-S', 'testService1', '-t', 'test2', manifest])
    expect(wrongTarget.exitCode).toBe(1)
    expect(wrongTarget.stderr).toContain('No mapping found for service: testService1 (target: test2)')
  })
})
