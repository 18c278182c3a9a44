import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { parseManifestXml, printManifestXml } from './manifest-xml.js'

const fixture = readFileSync(fileURLToPath(new URL('../fixtures/two-targets/manifest.xml', import.meta.url)), 'utf8')
const A = 'a'.repeat(64)
const B = 'b'.repeat(64)
const C = 'c'.repeat(64)

describe('parseManifestXml', () => {
  test('reads every section of a version 2 manifest', () => {
    const manifest = parseManifestXml(fixture, { defaultTarget: 'local' })
    expect(manifest.profiles).toEqual({
      test1: '/nix/store/11111111111111111111111111111111-test1',
      test2: '/nix/store/22222222222222222222222222222222-test2',
    })
    expect(Object.keys(manifest.services)).toEqual([A, B, C])
    expect(manifest.services[B]).toMatchObject({
      name: 'testService2',
      type: 'echo',
      dependsOn: [{ service: A, container: 'echo', target: 'test1' }],
      connectsTo: [{ service: C, container: 'echo', target: 'test2' }],
    })
    expect(manifest.services[B]?.providesContainers.mycontainer?.port).toBe(8080)
    expect(manifest.infrastructure.test1?.properties.meta).toEqual({ description: 'first & only' })
    expect(manifest.infrastructure.test1?.numOfCores).toBe(2)
    expect(manifest.serviceMappings[2]).toEqual({ service: C, container: 'mycontainer', target: 'test1', containerProvidedByService: B })
    expect(manifest.snapshotMappings).toEqual([{ service: A, component: 'testService1', container: 'echo', target: 'test1' }])
  })

  test('reads the indented layout and prints the original layout: the manifest on one line (spec §2.2)', () => {
    const manifest = parseManifestXml(fixture, { defaultTarget: 'local' })
    const printed = printManifestXml(manifest)
    expect(printed).toMatch(/^<\?xml version="1\.0"\?>\n\n {2}<manifest version="2"><profiles><profile name="test1">[^\n]*<\/manifest>\n\n$/)
    expect(printed).toContain(`<snapshotMappings><mapping><component>testService1</component><container>echo</container><service>${A}</service><target>test1</target></mapping></snapshotMappings>`)
    expect(parseManifestXml(printed, { defaultTarget: 'local' })).toEqual(manifest)
    expect(printManifestXml(parseManifestXml(printed, { defaultTarget: 'local' }))).toBe(printed)
  })

  test('escapes as libxml2 does; carriage returns, tabs and non-ASCII names survive the round trip', () => {
    const manifest = parseManifestXml(fixture, { defaultTarget: 'local' })
    const test1 = manifest.infrastructure.test1!
    test1.properties = { ...test1.properties, 'ünï "q"': 'a\r\nb\tc & <d> "e" \'f\' é' }
    const printed = printManifestXml(manifest)
    expect(printed).toContain('<property name="&#xFC;n&#xEF; &quot;q&quot;" type="string">a&#13;\nb\tc &amp; &lt;d&gt; "e" \'f\' é</property>')
    expect(parseManifestXml(printed, { defaultTarget: 'local' })).toEqual(manifest)
  })

  test('tolerates other whitespace and element order', () => {
    const shuffled = `<manifest version="2"><snapshotMappings/>
      <serviceMappings>
        <mapping>
          <target>test1</target>
          <service>  ${A}  </service>
          <container>echo</container>
        </mapping>
      </serviceMappings>
      <infrastructure><target name="test1"><targetProperty>hostname</targetProperty><numOfCores>1</numOfCores>
        <properties type="attrs"><property name="hostname" type="string">h</property></properties></target></infrastructure>
      <services><service name="${A}"><type>echo</type><pkg>/nix/store/p</pkg><name>s</name><unknown>ignored</unknown></service></services>
      <profiles><profile name="test1">
        /nix/store/profile
      </profile></profiles></manifest>`
    const manifest = parseManifestXml(shuffled, { defaultTarget: 'local' })
    expect(manifest.serviceMappings).toEqual([{ service: A, container: 'echo', target: 'test1' }])
    expect(manifest.services[A]).toEqual({ name: 's', pkg: '/nix/store/p', type: 'echo', dependsOn: [], connectsTo: [], providesContainers: {} })
    expect(manifest.profiles.test1).toBe('/nix/store/profile')
    expect(manifest.infrastructure.test1?.targetProperty).toBe('hostname')
  })

  test('reads healthCheckTimeout only where a service has it, writes it back only there, and refuses a bad one', () => {
    const base = parseManifestXml(fixture, { defaultTarget: 'local' })
    expect(Object.values(base.services).some((s) => 'healthCheckTimeout' in s)).toBe(false)
    expect(printManifestXml(base)).not.toContain('healthCheckTimeout')
    const timed = { ...base, services: { ...base.services, [B]: { ...base.services[B]!, healthCheckTimeout: 12 } } }
    const printed = printManifestXml(timed)
    expect(printed).toContain('<healthCheckTimeout>12</healthCheckTimeout>')
    expect(printed.match(/healthCheckTimeout>/g)).toHaveLength(2)
    expect(parseManifestXml(printed, { defaultTarget: 'local' })).toEqual(timed)
    expect(() => parseManifestXml(printed.replace('>12<', '>soon<'), { defaultTarget: 'local' })).toThrow(
      expect.objectContaining({ code: 'MANIFEST_INVALID', message: expect.stringContaining('invalid healthCheckTimeout: "soon"') as string }),
    )
  })

  test('reads secrets only where a service has them, writes them back only there, and refuses a bad one', () => {
    const base = parseManifestXml(fixture, { defaultTarget: 'local' })
    expect(printManifestXml(base)).not.toContain('<secrets>')
    const secrets = { dbPassword: { file: '/etc/secrets/db', owner: 'mysql', group: 'mysql' }, apiKey: { file: '/etc/secrets/api' } }
    const withSecrets = { ...base, services: { ...base.services, [B]: { ...base.services[B]!, secrets } } }
    const printed = printManifestXml(withSecrets)
    expect(printed.match(/<secrets>/g)).toHaveLength(1)
    expect(printed.indexOf('<secret name="apiKey">')).toBeLessThan(printed.indexOf('<secret name="dbPassword">'))
    expect(printed).toMatch(/<file>\/etc\/secrets\/db<\/file>\s*<owner>mysql<\/owner>\s*<group>mysql<\/group>/)
    expect(parseManifestXml(printed, { defaultTarget: 'local' })).toEqual(withSecrets)
    expect(() => parseManifestXml(printed.replace('/etc/secrets/api', 'relative/api'), { defaultTarget: 'local' })).toThrow(
      expect.objectContaining({ code: 'MANIFEST_INVALID', message: expect.stringContaining('invalid secret "apiKey": its file must be an absolute path') as string }),
    )
    expect(() => parseManifestXml(printed.replace('name="apiKey"', 'name="api-key"'), { defaultTarget: 'local' })).toThrow(
      expect.objectContaining({ code: 'MANIFEST_INVALID' }),
    )
  })

  test('gives mappings without a target the default target', () => {
    const manifest = parseManifestXml(
      `<manifest version="2"><services><service name="${A}"><name>s</name><pkg>p</pkg><type>t</type>
        <dependsOn><mapping><container>c</container><service>${B}</service></mapping></dependsOn></service></services>
        <serviceMappings><mapping><container>c</container><service>${A}</service></mapping></serviceMappings>
        <snapshotMappings><mapping><component>s</component><container>c</container><service>${A}</service></mapping></snapshotMappings></manifest>`,
      { defaultTarget: 'myhost' },
    )
    expect(manifest.services[A]?.dependsOn[0]?.target).toBe('myhost')
    expect(manifest.serviceMappings[0]?.target).toBe('myhost')
    expect(manifest.snapshotMappings[0]?.target).toBe('myhost')
  })

  test('missing sections are empty', () => {
    expect(parseManifestXml('<manifest version="2"/>', { defaultTarget: 'x' })).toEqual({
      profiles: {},
      services: {},
      infrastructure: {},
      serviceMappings: [],
      snapshotMappings: [],
    })
  })

  test('filters snapshot mappings by container and component', () => {
    const text = `<manifest version="2"><snapshotMappings>
      <mapping><component>a</component><container>mysql</container><service>s1</service><target>t</target></mapping>
      <mapping><component>b</component><container>mysql</container><service>s2</service><target>t</target></mapping>
      <mapping><component>a</component><container>pg</container><service>s3</service><target>t</target></mapping>
    </snapshotMappings></manifest>`
    const services = (filter: { container?: string; component?: string }) =>
      parseManifestXml(text, { defaultTarget: 'x', filter }).snapshotMappings.map((m) => m.service)
    expect(services({ container: 'mysql' })).toEqual(['s1', 's2'])
    expect(services({ component: 'a' })).toEqual(['s1', 's3'])
    expect(services({ container: 'mysql', component: 'a' })).toEqual(['s1'])
  })

  test('rejects another version with the messages of the original', () => {
    for (const text of ['<manifest version="1"/>', '<manifest/>']) {
      try {
        parseManifestXml(text, { defaultTarget: 'x' })
        expect.unreachable()
      } catch (error) {
        expect(error).toMatchObject({
          code: 'MANIFEST_VERSION',
          message: 'Disnix requires a manifest that uses the version 2 structure!',
          hint: 'You can convert an old V1 version manifest file by running disnix-convert!',
        })
      }
    }
  })

  test('rejects malformed XML and another root element', () => {
    expect(() => parseManifestXml('<manifest version="2">', { defaultTarget: 'x', source: 'm.xml' })).toThrow(/^m\.xml: malformed XML/)
    expect(() => parseManifestXml('<profilemanifest/>', { defaultTarget: 'x', source: 'm.xml' })).toThrow(
      'm.xml: the root element is <profilemanifest>; expected a deployment manifest (<manifest version="2">, as disnix-manifest writes it)',
    )
  })

  test('an empty file says so and what a manifest is', () => {
    for (const text of ['', '\n  \n', '\uFEFF']) {
      expect(() => parseManifestXml(text, { defaultTarget: 'x', source: 'm.xml' })).toThrow(
        expect.objectContaining({
          code: 'MANIFEST_INVALID',
          message: 'm.xml: the file is empty; expected a deployment manifest (<manifest version="2">, as disnix-manifest writes it)',
        }),
      )
    }
  })
})
