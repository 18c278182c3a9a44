import { lstat, readFile, readlink, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { describe, expect, test } from 'vitest'
import { checkManifest, parseManifestXml } from '@disnix-ts/libmanifest'
import { nixTestEnv, runBin, testDir } from '@disnix-ts/test-utils'
import { FIXTURES, mappingObject, modelArgs, readXml, select, textOf } from '../models/manifest-test-helpers.js'

const env = nixTestEnv()

async function manifestOf(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const cwd = await testDir()
  const result = await runBin('disnix-manifest', [...args, '--no-out-link'], { env: { ...env, ...extraEnv }, cwd })
  expect(result.stderr.replace(/^\[coordinator\]: warning: .*\n/gm, '')).toBe('')
  expect(result.exitCode).toBe(0)
  const path = result.stdout.trim()
  expect(path).toMatch(/^\/nix\/store\/[a-z0-9]{32}-manifest\.xml$/)
  return { path, xml: readXml(path), manifest: parseManifestXml(await readFile(path, 'utf8'), { defaultTarget: 'localhost' }), stderr: result.stderr }
}

function serviceKeys(manifest: ReturnType<typeof parseManifestXml>): Record<string, string> {
  return Object.fromEntries(Object.entries(manifest.services).map(([key, s]) => [s.name, key]))
}

describe('disnix-manifest', () => {
  test('builds the manifest of the basic models, prints its path and makes ./result', async () => {
    const cwd = await testDir()
    const result = await runBin('disnix-manifest', modelArgs('basic'), { env, cwd })
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('')
    const path = result.stdout.trim()
    expect(result.stdout).toBe(`${path}\n`)
    expect((await lstat(join(cwd, 'result'))).isSymbolicLink()).toBe(true)
    expect(await readlink(join(cwd, 'result'))).toBe(path)

    const xml = readXml(path)
    expect(xml.name).toBe('manifest')
    expect(xml.attributes.version).toBe('2')
    expect(xml.children.map((c) => c.name)).toEqual(['profiles', 'services', 'infrastructure', 'serviceMappings', 'snapshotMappings'])
    expect(select(xml, 'profiles/profile').map((p) => p.attributes.name)).toEqual(['test1', 'test2'])
    for (const service of select(xml, 'services/service')) {
      expect(service.attributes.name).toMatch(/^[0-9a-f]{64}$/)
      expect(service.children.map((c) => c.name)).toEqual(['name', 'pkg', 'type', 'dependsOn', 'connectsTo', 'providesContainers'])
    }

    const manifest = parseManifestXml(await readFile(path, 'utf8'), { defaultTarget: 'localhost' })
    checkManifest(manifest, path)
    const keys = serviceKeys(manifest)
    expect(Object.keys(keys).sort()).toEqual(['testService1', 'testService2', 'testService3'])
    expect(manifest.services[keys.testService3!]!.dependsOn).toEqual([
      { container: 'echo', service: keys.testService1, target: 'test1' },
      { container: 'echo', service: keys.testService2, target: 'test2' },
    ])
    expect(manifest.serviceMappings).toEqual([
      { container: 'echo', service: keys.testService1, target: 'test1' },
      { container: 'echo', service: keys.testService2, target: 'test2' },
      { container: 'echo', service: keys.testService3, target: 'test1' },
      { container: 'echo', service: keys.testService3, target: 'test2' },
    ])
    expect(manifest.snapshotMappings).toEqual([])
  })

  test('fills in the infrastructure defaults', async () => {
    const { xml } = await manifestOf(modelArgs('basic'))
    const targets = select(xml, 'infrastructure/target')
    expect(targets.map((t) => t.attributes.name)).toEqual(['test1', 'test2'])
    const [test1, test2] = targets
    expect(test1!.children.map((c) => c.name)).toEqual(['properties', 'containers', 'system', 'numOfCores', 'clientInterface', 'targetProperty'])
    expect(textOf(test1!, 'numOfCores')).toBe('1')
    expect(textOf(test2!, 'numOfCores')).toBe('2')
    expect(textOf(test1!, 'clientInterface')).toBe('disnix-ssh-client')
    expect(textOf(test1!, 'targetProperty')).toBe('hostname')
    expect(textOf(test1!, 'system')).toMatch(/^[a-z0-9_]+-[a-z]+$/)
    expect(select(test1!, 'properties')[0]!.attributes.type).toBe('attrs')
    const hello = select(test1!, 'containers/container/property')[0]!
    expect(hello.attributes).toEqual({ name: 'hello', type: 'string' })
    expect(hello.text).toBe('hello-from-test1')
    const meta = select(test2!, 'properties/property').find((p) => p.attributes.name === 'meta')!
    expect(meta.attributes.type).toBe('attrs')
  })

  test('the closure of the manifest holds every target profile and service, with profile manifests', async () => {
    const { path, manifest } = await manifestOf(modelArgs('basic'))
    const { stdout } = await execa('nix-store', ['-qR', path], { env })
    const closure = stdout.split('\n')
    for (const profile of Object.values(manifest.profiles)) expect(closure).toContain(profile)
    for (const service of Object.values(manifest.services)) expect(closure).toContain(service.pkg)
    expect(manifest.profiles.test1).toMatch(/-test1$/)

    const profileXml = readXml(join(manifest.profiles.test1!, 'profilemanifest.xml'))
    expect(profileXml.name).toBe('profilemanifest')
    expect(profileXml.children.map((c) => c.name)).toEqual(['services', 'serviceMappings', 'snapshotMappings'])
    const keys = serviceKeys(manifest)
    expect(select(profileXml, 'services/service').map((s) => s.attributes.name).sort()).toEqual([keys.testService1, keys.testService3].sort())
    // Mappings to the profile's own target leave out the target.
    expect(select(profileXml, 'serviceMappings/mapping').map(mappingObject)).toEqual([
      { container: 'echo', service: keys.testService1 },
      { container: 'echo', service: keys.testService3 },
    ])
    const service3 = select(profileXml, 'services/service').find((s) => s.attributes.name === keys.testService3)!
    expect(select(service3, 'dependsOn/mapping').map(mappingObject)).toEqual([
      { container: 'echo', service: keys.testService1 },
      { container: 'echo', service: keys.testService2, target: 'test2' },
    ])
    expect(await readFile(join(manifest.profiles.test1!, 'bin', 'testService1'), 'utf8')).toContain('echo testService1')
  })

  test('produces a byte-for-byte identical manifest on every run', async () => {
    const first = await manifestOf(modelArgs('containers'))
    const second = await manifestOf(modelArgs('containers'))
    expect(second.path).toBe(first.path)
    expect(await readFile(second.path, 'utf8')).toBe(await readFile(first.path, 'utf8'))
  })

  test('computes service keys as the original: sha256 of toXML of name, type, pkg and dependsOn', async () => {
    const { manifest } = await manifestOf(modelArgs('basic'))
    const [key, service] = Object.entries(manifest.services).find(([, s]) => s.name === 'testService2')!
    const { stdout } = await execa(
      'nix-instantiate',
      [
        '--eval',
        '--expr',
        `builtins.hashString "sha256" (builtins.toXML { name = "testService2"; type = "echo"; pkg = ${JSON.stringify(service.pkg)}; dependsOn = [ { container = "echo"; service = ${JSON.stringify(service.dependsOn[0]!.service)}; target = "test1"; } ]; })`,
      ],
      { env },
    )
    expect(JSON.parse(stdout)).toBe(key)
  })

  test('maps services to several containers and to containers that services provide', async () => {
    const { manifest, stderr } = await manifestOf(modelArgs('containers'))
    checkManifest(manifest)
    const keys = serviceKeys(manifest)
    const mappingsOf = (name: string) => manifest.serviceMappings.filter((m) => m.service === keys[name])
    expect(mappingsOf('twoContainers')).toEqual([
      { container: 'echo1', service: keys.twoContainers, target: 'test1' },
      { container: 'echo2', service: keys.twoContainers, target: 'test1' },
    ])
    expect(mappingsOf('echoGuest')).toEqual([
      { container: 'echo-provided', containerProvidedByService: keys.echoProvider, service: keys.echoGuest, target: 'test1' },
    ])
    expect(mappingsOf('database')).toEqual([
      { container: 'mysql-database', containerProvidedByService: keys.multiProvider, service: keys.database, target: 'test2' },
    ])
    // A service in a provided container activates after its provider.
    expect(manifest.services[keys.echoGuest!]!.dependsOn).toEqual([{ container: 'process', service: keys.echoProvider, target: 'test1' }])
    expect(manifest.services[keys.echoProvider!]!.providesContainers).toEqual({
      'echo-provided': { hello: 'hello-from-service-container', port: 8080 },
    })
    expect(manifest.services[keys.multiProvider!]!.providesContainers).toEqual({
      'mysql-database': { mysqlPort: 3307, mysqlUsername: 'root' },
      'tomcat-webapplication': { tomcatPort: 8081 },
    })
    // The dependant reads the provided container's properties.
    const config = await readFile(join(manifest.services[keys.webapp!]!.pkg, 'config'), 'utf8')
    expect(config).toBe('dbContainer=mysql-database\ndbHost=test2\ndbPort=3307\n')
    // Auto-mapped to a container that the target does not declare: silent, as in the original.
    expect(stderr).toBe('')
    expect(mappingsOf('undeclared')).toEqual([{ container: 'wrapper', service: keys.undeclared, target: 'test2' }])
  })

  test('a container named in the distribution that nobody declares: a warning naming target and container, deployed with no container properties', async () => {
    const { manifest, stderr } = await manifestOf(modelArgs('undeclared-container'))
    const keys = serviceKeys(manifest)
    expect(stderr).toBe(
      `[coordinator]: warning: target 'test2' declares no container 'nosuch' in the infrastructure model ${join(FIXTURES, 'basic', 'infrastructure.nix')} and no service provides it; service 'testService2' mapped to it in the distribution model ${join(FIXTURES, 'undeclared-container', 'distribution.nix')} is activated without container properties\n`,
    )
    expect(manifest.serviceMappings).toContainEqual({ container: 'nosuch', service: keys.testService2, target: 'test2' })
    expect(manifest.infrastructure.test2!.containers).not.toHaveProperty('nosuch')
  })

  test('a carriage return or tab in a property value survives the manifest (the original made spaces of both)', async () => {
    const dir = await testDir()
    const infrastructure = join(dir, 'infrastructure.nix')
    await writeFile(infrastructure, '{ test1 = { properties.hostname = "test1"; containers.echo.note = "line\\r\\nnext\\tcolumn"; }; test2 = { properties.hostname = "test2"; }; }\n')
    const { path, manifest } = await manifestOf(['-s', join(FIXTURES, 'basic', 'services.nix'), '-i', infrastructure, '-d', join(FIXTURES, 'basic', 'distribution.nix')])
    expect(await readFile(path, 'utf8')).toContain('<property name="note" type="string">line&#13;\nnext\tcolumn</property>')
    expect(manifest.infrastructure.test1!.containers.echo).toEqual({ note: 'line\r\nnext\tcolumn' })
    const profileManifest = await readFile(join(manifest.profiles.test1!, 'profilemanifest.xml'), 'utf8')
    expect(profileManifest.startsWith('<?xml version="1.0"?>\n\n  <profilemanifest version="2"><services>')).toBe(true)
  })

  test('handles connectsTo cycles, activatesAfter, dependency targets and deployState', async () => {
    const { manifest } = await manifestOf(modelArgs('connections'))
    const keys = serviceKeys(manifest)
    expect(manifest.services[keys.client!]!.connectsTo).toEqual([{ container: 'process', service: keys.server, target: 'test2' }])
    expect(manifest.services[keys.server!]!.connectsTo).toEqual([{ container: 'process', service: keys.client, target: 'test1' }])
    expect(manifest.services[keys.client!]!.dependsOn).toEqual([])
    expect(await readFile(join(manifest.services[keys.client!]!.pkg, 'config'), 'utf8')).toBe('server=server@test2\nserverPeer=client\n')
    // The dependency argument chose the replica on test2 only.
    expect(manifest.services[keys.frontend!]!.dependsOn).toEqual([{ container: 'process', service: keys.store, target: 'test2' }])
    expect(await readFile(join(manifest.services[keys.frontend!]!.pkg, 'config'), 'utf8')).toBe(
      'store=test2\nstoreContainer=process\nstoreTargets=test2\n',
    )
    // activatesAfter orders activation (it is in dependsOn of the manifest) without being an argument.
    expect(manifest.services[keys.monitor!]!.dependsOn).toEqual([{ container: 'process', service: keys.frontend, target: 'test1' }])
    expect(manifest.snapshotMappings).toEqual([
      { component: 'server', container: 'process', service: keys.server, target: 'test2' },
      { component: 'store', container: 'process', service: keys.store, target: 'test1' },
      { component: 'store', container: 'process', service: keys.store, target: 'test2' },
    ])
  })

  test('--deploy-state and DISNIX_DEPLOY_STATE=1 make every service stateful by default', async () => {
    const viaOption = await manifestOf([...modelArgs('basic'), '--deploy-state'])
    const viaEnv = await manifestOf(modelArgs('basic'), { DISNIX_DEPLOY_STATE: '1' })
    expect(viaEnv.path).toBe(viaOption.path)
    const keys = serviceKeys(viaOption.manifest)
    expect(viaOption.manifest.snapshotMappings).toContainEqual({ component: 'testService1', container: 'echo', service: keys.testService1, target: 'test1' })
    expect(viaOption.manifest.snapshotMappings).toHaveLength(4)
  })

  test('honours targetProperty, clientInterface and numOfCores per target, the package type, invDistribution, extra params and the packages model', async () => {
    const dir = join(FIXTURES, 'target-options')
    const { manifest, path } = await manifestOf([
      ...modelArgs('target-options'),
      '-P',
      join(dir, 'packages.nix'),
      '--extra-params',
      '{ prefix = "fancy"; }',
    ])
    checkManifest(manifest)
    expect(manifest.infrastructure.test1).toMatchObject({ targetProperty: 'address', clientInterface: 'disnix-client', numOfCores: 4 })
    expect(manifest.infrastructure.test2).toMatchObject({ targetProperty: 'hostname', clientInterface: 'disnix-ssh-client', numOfCores: 1 })
    const keys = serviceKeys(manifest)
    expect(manifest.services[keys.greeter!]!.pkg).toMatch(/-fancy-greeter$/)
    // The package type is installed in the profiles but never activated.
    expect(manifest.services[keys.tools!]!.type).toBe('package')
    expect(manifest.serviceMappings.map((m) => m.service)).not.toContain(keys.tools)
    const { stdout } = await execa('nix-store', ['-qR', path], { env })
    expect(stdout).toContain(manifest.services[keys.tools!]!.pkg)
    expect(await readFile(join(manifest.profiles.test2!, 'bin', 'tools'), 'utf8')).toContain('echo tools')
    expect(await readFile(join(manifest.profiles.test2!, 'bin', 'extra-tool'), 'utf8')).toContain('echo extra')
    expect(await readFile(join(manifest.services[keys.inventory!]!.pkg, 'config'), 'utf8')).toBe(
      'servicesOnTest1=greeter tools\nservicesOnTest2=inventory tools\n',
    )
  })

  test('--target-property, --interface and their environment variables set the defaults', async () => {
    const viaOptions = await manifestOf([...modelArgs('basic'), '--interface', 'my-client', '--target-property', 'hostname'])
    expect(viaOptions.manifest.infrastructure.test1).toMatchObject({ clientInterface: 'my-client', targetProperty: 'hostname' })
    const viaEnv = await manifestOf(modelArgs('basic'), { DISNIX_CLIENT_INTERFACE: 'my-client' })
    expect(viaEnv.path).toBe(viaOptions.path)
    const cwd = await testDir()
    const bad = await runBin('disnix-manifest', [...modelArgs('basic'), '--no-out-link'], { env: { ...env, DISNIX_TARGET_PROPERTY: 'address' }, cwd })
    expect(bad.exitCode).toBe(1)
    expect(bad.stderr).toContain("target 'test1' has no property 'address' in its properties")
  })

  test('builds profiles from a packages model alone (-P -i)', async () => {
    const dir = join(FIXTURES, 'target-options')
    const { manifest } = await manifestOf(['-P', join(dir, 'packages.nix'), '-i', join(dir, 'infrastructure.nix')])
    expect(Object.keys(manifest.profiles)).toEqual(['test1', 'test2'])
    expect(manifest.services).toEqual({})
    expect(await readFile(join(manifest.profiles.test2!, 'bin', 'extra-tool'), 'utf8')).toContain('echo extra')
  })

  test('builds from an architecture model (-A) with extra params passed through', async () => {
    const file = join(FIXTURES, 'architecture', 'architecture.nix')
    const { manifest } = await manifestOf(['-A', file, '--extra-params', '{ prefix = "x"; }'])
    const keys = serviceKeys(manifest)
    expect(manifest.services[keys.top!]!.pkg).toMatch(/-x-top$/)
    expect(manifest.services[keys.top!]!.dependsOn).toEqual([{ container: 'echo', service: keys.base, target: 'test1' }])
    expect(await readFile(join(manifest.services[keys.top!]!.pkg, 'config'), 'utf8')).toBe('base=test1\n')
    // The architecture's own targetPackages are in the profile's closure too.
    expect(await readFile(join(manifest.profiles.test1!, 'bin', 'arch-extra'), 'utf8')).toContain('echo extra')
  })

  test('prints a low-level deployment model (-D) as it is, with target defaults', async () => {
    const { manifest } = await manifestOf(['-D', join(FIXTURES, 'deployment', 'deployment.nix')])
    checkManifest(manifest)
    expect(Object.keys(manifest.services)).toEqual(['0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'])
    expect(manifest.infrastructure.test1).toMatchObject({ numOfCores: 1, clientInterface: 'disnix-ssh-client', targetProperty: 'hostname' })
    expect(manifest.profiles.test1).toMatch(/-test1$/)
  })

  test('--undeploy gives every target an empty profile', async () => {
    const { manifest } = await manifestOf(['--undeploy', '-i', join(FIXTURES, 'basic', 'infrastructure.nix')])
    expect(Object.keys(manifest.profiles)).toEqual(['test1', 'test2'])
    expect(manifest.services).toEqual({})
    expect(manifest.serviceMappings).toEqual([])
    const profileXml = readXml(join(manifest.profiles.test2!, 'profilemanifest.xml'))
    expect(select(profileXml, 'services/service')).toEqual([])
  })

  test('resolves relative model paths against the working directory', async () => {
    const cwd = await testDir()
    await symlink(join(FIXTURES, 'basic'), join(cwd, 'models'))
    const result = await runBin('disnix-manifest', ['-s', 'models/services.nix', '-i', 'models/infrastructure.nix', '-d', 'models/distribution.nix', '--no-out-link'], { env, cwd })
    expect(result.exitCode).toBe(0)
    await expect(lstat(join(cwd, 'result'))).rejects.toThrow(/ENOENT/)
  })
})

describe('disnix-manifest with bad models', () => {
  const cases: [string, RegExp][] = [
    ['syntax-error', /^\[coordinator\]: syntax error, unexpected '=', expecting ';'\n\n\s+at .*bad\/syntax-error\/services\.nix:6:10:/],
    ['name-mismatch', /services model .*bad\/name-mismatch\/services\.nix: service 'testService2': the name attribute should be "testService2", instead it is "otherName"/],
    ['depends-undistributed', /services model .*basic\/services\.nix: service 'testService2': dependsOn\.testService1 refers to service 'testService1', which is not distributed to any target \(add it to the distribution model .*depends-undistributed\/distribution\.nix\)/],
    ['cyclic', /services model .*bad\/cyclic\/services\.nix: cyclic dependsOn\/activatesAfter between services 'testService1', 'testService2', 'testService3'/],
    ['unknown-service', /distribution model .*bad\/unknown-service\/distribution\.nix: the distribution model contains a mapping of service 'testService4', which is not in the services model .*basic\/services\.nix/],
    ['unknown-target', /attribute 'test3' missing\n\n\s+at .*bad\/unknown-target\/distribution\.nix:5:20:/],
    ['foreign-target', /distribution model .*bad\/foreign-target\/distribution\.nix: service 'testService2' refers to a target that is not in the infrastructure model .*basic\/infrastructure\.nix \(its hostname is 'elsewhere'\)/],
    ['missing-type', /services model .*bad\/missing-type\/services\.nix: service 'testService2': mandatory attribute `type' is missing/],
    ['incomplete', /^\[coordinator\]: services model .*bad\/incomplete\/services\.nix: service 'testService3': its `pkg' function takes the argument 'testService2', but it is not among the service's inter-dependencies \(dependsOn and connectsTo give: 'testService1'\); add it to dependsOn or connectsTo, or give it a default\n/],
    ['missing-target-property', /infrastructure model .*bad\/missing-target-property\/infrastructure\.nix: target 'test2' has no property 'hostname' in its properties/],
    ['zero-cores', /infrastructure model .*bad\/zero-cores\/infrastructure\.nix: target 'test2': numOfCores must be a whole number of at least 1, but it is 0/],
  ]

  test.each(cases)('%s fails with one message naming the model file and attribute', async (scenario, message) => {
    const cwd = await testDir()
    const result = await runBin('disnix-manifest', modelArgs(`bad/${scenario}`), { env, cwd })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(message)
    expect(result.stderr).toMatch(/\nhint: run again with --show-trace for details\n$/)
    await expect(lstat(join(cwd, 'result'))).rejects.toThrow(/ENOENT/)
  })

  test('--show-trace forwards to Nix and shows the trace', async () => {
    const cwd = await testDir()
    const result = await runBin('disnix-manifest', [...modelArgs('bad/zero-cores'), '--show-trace'], { env, cwd })
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('numOfCores must be a whole number of at least 1')
    expect(result.stderr).not.toContain('hint: run again with --show-trace')
  })

  test('an unknown combination of models fails before Nix runs', async () => {
    const cwd = await testDir()
    const noInfra = await runBin('disnix-manifest', ['-s', 'services.nix', '-d', 'distribution.nix'], { env, cwd })
    expect(noInfra).toMatchObject({ exitCode: 1, stdout: '', stderr: '[coordinator]: ERROR: An infrastructure expression must be specified!\n' })
    const onlyInfra = await runBin('disnix-manifest', ['-i', 'infrastructure.nix'], { env, cwd })
    expect(onlyInfra.exitCode).toBe(1)
    expect(onlyInfra.stderr).toMatch(/^\[coordinator\]: An unknown combination of models were provided!\nhint: /)
    const noDistribution = await runBin('disnix-manifest', ['-s', 'services.nix', '-i', 'infrastructure.nix'], { env, cwd })
    expect(noDistribution.stderr).toBe('[coordinator]: ERROR: A distribution expression must be specified!\n')
    const mixed = await runBin('disnix-manifest', ['-A', 'architecture.nix', '-s', 'services.nix'], { env, cwd })
    expect(mixed.exitCode).toBe(1)
    expect(mixed.stderr).toBe(
      '[coordinator]: An unknown combination of models were provided! (-s/--services cannot be combined with an architecture model (-A))\n',
    )
  })

  test('a missing model file is named', async () => {
    const cwd = await testDir()
    const result = await runBin('disnix-manifest', ['-s', 'nope.nix', '-i', join(FIXTURES, 'basic', 'infrastructure.nix'), '-d', join(FIXTURES, 'basic', 'distribution.nix')], { env, cwd })
    expect(result).toMatchObject({ exitCode: 1, stdout: '', stderr: `[coordinator]: The services model file: ${join(cwd, 'nope.nix')} does not exist\n` })
  })

  test('a missing <nixpkgs> says how to set NIX_PATH', async () => {
    const cwd = await testDir()
    const result = await runBin('disnix-manifest', modelArgs('basic'), { env: { ...env, NIX_PATH: '' }, cwd })
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/<nixpkgs> is not in the Nix search path\nhint: set NIX_PATH=nixpkgs=\/path\/to\/nixpkgs \(or use the bundled offline package set: NIX_PATH=nixpkgs=.*\/nix\/offline-pkgs\)\n$/)
  })

  test('a services model that is not a function is reported', async () => {
    const cwd = await testDir()
    await writeFile(join(cwd, 'services.nix'), '{ }\n')
    const result = await runBin('disnix-manifest', ['-s', 'services.nix', '-i', join(FIXTURES, 'basic', 'infrastructure.nix'), '-d', join(FIXTURES, 'basic', 'distribution.nix')], { env, cwd })
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain(`services model ${join(cwd, 'services.nix')}: the services model must be a function, but it is an attribute set`)
  })
})
