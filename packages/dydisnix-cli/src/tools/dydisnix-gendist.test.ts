import { mkdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { installRoot } from '@disnix-ts/libmain'
import { nixTestEnv, runBin, testDir } from '@disnix-ts/test-utils'
import { emptyManifest, printManifestXml } from '@disnix-ts/libmanifest'
import { parseDistributionXml } from '@disnix-ts/libdydisnix'
import { targetNames, targets } from '@disnix-ts/libdydisnix/testing'

const models = join(installRoot(), 'packages', 'dydisnix-cli', 'fixtures', 'models')
const env = nixTestEnv()

/** dydisnix-gendist with the fixture models and a QoS model; the generated distribution as target names. */
async function gendist(qos: string | undefined, options: { infrastructure?: string; services?: string; extra?: string[] } = {}) {
  const args = ['-s', join(models, options.services ?? 'services.nix'), '-i', join(models, options.infrastructure ?? 'infrastructure.nix')]
  if (qos !== undefined) args.push('-q', join(models, 'qos', qos))
  const r = await runBin('dydisnix-gendist', [...args, '--output-xml', '--stdout', '--no-previous', ...(options.extra ?? [])], { env })
  return { ...r, distribution: r.exitCode === 0 ? targetNames(parseDistributionXml(r.stdout)) : undefined }
}

describe('dydisnix-gendist', () => {
  test('without a QoS model: every service on every target', async () => {
    const r = await gendist(undefined)
    expect(r.distribution, r.stderr).toEqual({ api: ['test1', 'test2'], db: ['test1', 'test2'], web: ['test1', 'test2'] })
  })

  test.each([
    // every service on every target of the infrastructure given (here without test1)
    ['cartesian.nix', { api: ['test2'], db: ['test2'], web: ['test2'] }],
    // requireZone == zone (one to one)
    ['mapattronattr.nix', { api: ['test2'], db: ['test2'], web: ['test1'] }],
    // type in supportedTypes (one to many): test2 runs no wrapper
    ['mapattronlist.nix', { api: ['test1', 'test2'], db: ['test1', 'test2'], web: ['test1'] }],
    // zone in requireZones (many to one)
    ['maplistonattr.nix', { api: ['test1', 'test2'], db: ['test2'], web: ['test1'] }],
    // by priority, lowest first
    ['order.nix', { api: ['test2', 'test1'], db: ['test2', 'test1'], web: ['test2', 'test1'] }],
    // api gets test1, db the next one, web wraps around
    ['roundrobin.nix', { api: ['test1'], db: ['test2'], web: ['test1'] }],
    // api 1 → test1 (1 left); db 2 → test2 (1 left); web 1 → test1
    ['greedy.nix', { api: ['test1'], db: ['test2'], web: ['test1'] }],
    // api → test2 (3 > 2; 2 left); db → test1 (2 = 2, the first of equals); web → test2
    ['highest-bidder.nix', { api: ['test2'], db: ['test1'], web: ['test2'] }],
    // api → test1 (2 < 3; 1 left); db → test2; web → test1 (1 = 1, the first of equals)
    ['lowest-bidder.nix', { api: ['test1'], db: ['test2'], web: ['test1'] }],
    // cost per service: test1 5/3, test2 3/3 → test2 hosts everything
    ['minsetcover.nix', { api: ['test2'], db: ['test2'], web: ['test2'] }],
    // web only on test1: test2 covers api and db for 1.5 each, then test1 covers web
    ['minsetcover-types.nix', { api: ['test2'], db: ['test2'], web: ['test1'] }],
    // both machines are candidates of all three: the cuts weigh the same, test1 keeps its links
    ['multiwaycut.nix', { api: ['test1'], db: ['test1'], web: ['test1'] }],
    // api and db only on test2, web only on test1: test2's cut (2) is discarded, web goes back to test1
    ['multiwaycut-zones.nix', { api: ['test2'], db: ['test2'], web: ['test1'] }],
    // api (degree 2) gets the first colour; db and web, both next to api only, the second
    ['graphcol.nix', { api: ['test1'], db: ['test2'], web: ['test2'] }],
  ])('%s: the filter gives its known answer', async (qos, expected) => {
    const r = await gendist(qos)
    expect(r.stderr).toBe('')
    expect(r.distribution).toEqual(expected)
  })

  test('minsetcover with a third, cheap machine that hosts all', async () => {
    expect((await gendist('minsetcover.nix', { infrastructure: 'infrastructure-3.nix' })).distribution).toEqual({ api: ['test3'], db: ['test3'], web: ['test3'] })
  })

  test('a division that does not fit fails with the QoS model and the service named', async () => {
    const r = await gendist('greedy.nix', { infrastructure: 'infrastructure-undercapacity.nix' })
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toBe(
      `[coordinator]: QoS model ${join(models, 'qos', 'greedy.nix')}: dydisnix-divide failed: Unable to select a target machine for service: db, because none of them has sufficient resources left (requireMem = 2)!\n`,
    )
  })

  test('graph colouring with too few machines fails', async () => {
    const r = await gendist('graphcol.nix', { infrastructure: 'infrastructure-1.nix' })
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toContain('dydisnix-graphcol failed: Not enough target machines available to compute a valid graph colouring')
  })

  test('the default output: a distribution model in the store, linked as ./result', async () => {
    const cwd = await testDir()
    const r = await runBin('dydisnix-gendist', ['-s', join(models, 'services.nix'), '-i', join(models, 'infrastructure.nix'), '-q', join(models, 'qos', 'greedy.nix')], { env, cwd })
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^\/nix\/store\/[a-z0-9]{32}-distribution\.nix\n$/)
    expect(await readlink(join(cwd, 'result'))).toBe(r.stdout.trim())
    expect(await readFile(r.stdout.trim(), 'utf8')).toBe(
      '{infrastructure}:\n\n{\n  "api" = [ infrastructure."test1" ];\n  "db" = [ infrastructure."test2" ];\n  "web" = [ infrastructure."test1" ];\n}\n',
    )
  })

  test('container mappings are written as { targets = [ { target; container; } ]; }', async () => {
    const r = await runBin('dydisnix-gendist', ['-s', join(models, 'services.nix'), '-i', join(models, 'infrastructure-1.nix'), '-q', join(models, 'qos', 'containers.nix'), '--stdout'], { env })
    expect(r.exitCode, r.stderr).toBe(0)
    expect(r.stdout).toContain('"api" = { targets = [ { target = infrastructure."test1"; container = "api-container"; } ]; };')
  })

  test('previousDistribution comes from the last deployment of the profile', async () => {
    const dir = await testDir()
    const manifest = emptyManifest()
    manifest.infrastructure = targets({ test1: {}, test2: {} })
    manifest.services = {
      h1: { name: 'db', pkg: '/nix/store/00000000000000000000000000000000-db', type: 'process', dependsOn: [], connectsTo: [], providesContainers: {} },
      h2: { name: 'api', pkg: '/nix/store/00000000000000000000000000000000-api', type: 'process', dependsOn: [], connectsTo: [], providesContainers: {} },
    }
    manifest.serviceMappings = [
      { service: 'h1', container: 'process', target: 'test1' },
      { service: 'h2', container: 'process', target: 'test2' },
    ]
    await writeFile(join(dir, 'manifest.xml'), printManifestXml(manifest))
    await mkdir(join(dir, 'profiles'))
    await symlink(join(dir, 'manifest.xml'), join(dir, 'profiles', 'default'))
    const withPrevious = ['--coordinator-profile-path', join(dir, 'profiles')]
    const args = (qos: string) => ['-s', join(models, 'services.nix'), '-i', join(models, 'infrastructure.nix'), '-q', join(models, 'qos', qos), '--output-xml', '--stdout', ...withPrevious]
    // db is stateful: only its previous target is left; api and web (new) keep all candidates
    const stateful = await runBin('dydisnix-gendist', args('stateful-to-previous.nix'), { env })
    expect(stateful.exitCode, stateful.stderr).toBe(0)
    expect(targetNames(parseDistributionXml(stateful.stdout))).toEqual({ api: ['test1', 'test2'], db: ['test1'], web: ['test1', 'test2'] })
    // every service that was deployed stays where it was
    const bound = await runBin('dydisnix-gendist', args('bound-to-previous.nix'), { env })
    expect(targetNames(parseDistributionXml(bound.stdout))).toEqual({ api: ['test2'], db: ['test1'], web: ['test1', 'test2'] })
    // --no-previous: previousDistribution is null, so nothing is filtered
    const none = await runBin('dydisnix-gendist', [...args('bound-to-previous.nix'), '--no-previous'], { env })
    expect(targetNames(parseDistributionXml(none.stdout))).toEqual({ api: ['test1', 'test2'], db: ['test1', 'test2'], web: ['test1', 'test2'] })
  })

  test('-F adds a catalog of custom filters to the reference filters', async () => {
    const r = await gendist('clear.nix', { extra: ['-F', join(models, 'customfilters.nix')] })
    expect(r.distribution, r.stderr).toEqual({ api: [], db: [], web: [] })
  })

  test('filters.filterBuildable and --filter-buildable drop what cannot be instantiated', async () => {
    const inNix = await gendist('buildable.nix', { services: 'services-unbuildable.nix' })
    expect(inNix.distribution, inNix.stderr).toEqual({ api: ['test1', 'test2'], db: ['test1', 'test2'], web: [] })
    const byOption = await gendist(undefined, { services: 'services-unbuildable.nix', extra: ['--filter-buildable'] })
    expect(byOption.distribution, byOption.stderr).toEqual({ api: ['test1', 'test2'], db: ['test1', 'test2'], web: [] })
    expect(byOption.stderr).toContain('[coordinator]: Service: web cannot be built for target: test1: ')
  })

  const qosFile = (name: string) => join(models, 'qos', name)
  test.each([
    ['bad-not-a-function.nix', () => `QoS model ${qosFile('bad-not-a-function.nix')}: the QoS model must be a function {services, infrastructure, initialDistribution, previousDistribution, filters, lib}: ..., but it is a set`],
    ['bad-list.nix', () => `QoS model ${qosFile('bad-list.nix')}: the QoS model must return a distribution (an attribute set of service name to a list of target names), but it returns a list`],
    ['bad-unknown-service.nix', () => `QoS model ${qosFile('bad-unknown-service.nix')}: attribute \`cache' of the distribution it returns: there is no service 'cache' in the services model ${join(models, 'services.nix')}`],
    ['bad-unknown-target.nix', () => `QoS model ${qosFile('bad-unknown-target.nix')}: attribute \`db' of the distribution it returns: target 'test9' is not in the infrastructure model ${join(models, 'infrastructure.nix')}`],
    ['bad-property.nix', () => `QoS model ${qosFile('bad-property.nix')}: filters.mapAttrOnAttr: service 'api' has no property \`requireRegion'`],
    ['bad-divide-property.nix', () => `QoS model ${qosFile('bad-divide-property.nix')}: dydisnix-divide failed: Service: api has no property named: requireDisk`],
    ['bad-strategy.nix', () => `QoS model ${qosFile('bad-strategy.nix')}: filters.divide: unknown strategy 'random' (expected one of: greedy, highest-bidder, lowest-bidder)`],
  ])('a bad QoS model (%s) gets one message naming the file and the attribute, exit 1', async (qos, message) => {
    const r = await gendist(qos)
    expect(r.exitCode).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr.split('\n')[0]).toBe(`[coordinator]: ${message()}`)
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/)
  })

  test('a missing QoS model file is named', async () => {
    const r = await gendist('missing.nix')
    expect(r.exitCode).toBe(1)
    expect(r.stderr).toBe(`[coordinator]: The QoS model: ${qosFile('missing.nix')} does not exist\n`)
  })
})
