import { chmod, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import type { Infrastructure } from '@disnix-ts/libinfrastructure'
import { silentProgress, type ProgressEvent } from '@disnix-ts/libmain'
import { testDir } from '@disnix-ts/test-utils'
import { captureInfrastructure } from './capture-infra.js'
import { queryInstalled } from './query-installed.js'

const PROFILE_MANIFEST = `<?xml version="1.0"?>
<profilemanifest version="2">
  <services>
    <service name="aaaa"><name>db</name><pkg>/nix/store/00000000000000000000000000000000-db</pkg><type>echo</type><dependsOn/><connectsTo/><providesContainers/></service>
  </services>
  <serviceMappings>
    <mapping><service>aaaa</service><container>echo</container></mapping>
  </serviceMappings>
  <snapshotMappings/>
</profilemanifest>
`

/**
 * A client interface (any executable speaking spec §3.1) with canned answers per target key: `full`
 * has a profile manifest and a capture-config expression, `fresh` has neither (never deployed to),
 * `file` answers capture-config with a temp file path like disnix-run-activity, `down` always fails.
 */
async function cannedInterface(): Promise<{ infrastructure: Infrastructure; dir: string }> {
  const dir = await testDir()
  await writeFile(join(dir, 'full.xml'), PROFILE_MANIFEST)
  const iface = join(dir, 'iface')
  await writeFile(
    iface,
    `#!/bin/bash
target=""; op=""
while [ $# -gt 0 ]; do case "$1" in --target) target="$2"; shift ;; --query-installed|--capture-config) op="$1" ;; esac; shift; done
[ "$target" = down ] && { echo "ssh: connect to host down: Connection refused" >&2; exit 255; }
case "$op:$target" in
  --query-installed:full) cat ${dir}/full.xml ;;
  --query-installed:*) ;;
  --capture-config:file) f=$(mktemp -p ${dir}); printf '{\\n  properties = {\\n    "foo" = "from-file";\\n  };\\n}\\n' > "$f"; echo "$f" ;;
  --capture-config:*) printf '{\\n  properties = {\\n    "hostname" = "%s";\\n  };\\n  containers = {\\n  };\\n}\\n' "$target" ;;
esac
`,
  )
  await chmod(iface, 0o755)
  const target = (name: string) => ({ name, properties: { hostname: name }, containers: {}, system: 'x86_64-linux', numOfCores: 1, clientInterface: iface, targetProperty: 'hostname' })
  return { dir, infrastructure: { full: target('full'), fresh: target('fresh'), file: target('file'), down: target('down') } }
}

describe('queryInstalled', () => {
  test('parses each profile manifest with the target name as default target; a fresh target is empty', async () => {
    const { dir, infrastructure } = await cannedInterface()
    delete infrastructure.down
    const installed = await queryInstalled({ progress: silentProgress, tmpdir: dir, infrastructure, profile: 'default' })
    expect(installed.map((i) => i.target)).toEqual(['file', 'fresh', 'full'])
    expect(installed[1]!.profileManifest).toEqual({ services: {}, serviceMappings: [], snapshotMappings: [] })
    expect(installed[2]!.profileManifest.serviceMappings).toEqual([{ service: 'aaaa', container: 'echo', target: 'full' }])
    expect(installed[2]!.profileManifest.services.aaaa!.pkg).toBe('/nix/store/00000000000000000000000000000000-db')
  })

  test('a failing target is reported and named in the error', async () => {
    const { dir, infrastructure } = await cannedInterface()
    const events: ProgressEvent[] = []
    await expect(queryInstalled({ progress: (e) => events.push(e), tmpdir: dir, infrastructure, profile: 'default' })).rejects.toThrow('Cannot query the installed services of: down')
    const failed = events.filter((e) => e.kind === 'step' && e.status === 'failed')
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ target: 'down', text: expect.stringContaining('Cannot query the installed services!\n[target: down]: query installed services of profile default failed') })
  })
})

describe('captureInfrastructure', () => {
  test('combines the targets sorted by name, reads temp-file answers, and leaves failing targets out', async () => {
    const { dir, infrastructure } = await cannedInterface()
    const captured = await captureInfrastructure({ progress: silentProgress, tmpdir: dir, infrastructure })
    expect(captured.failed).toEqual(['down'])
    expect(captured.expression).toBe(
      [
        '{',
        '  "file" = {',
        '    properties = {',
        '      "foo" = "from-file";',
        '    };',
        '  };',
        '  "fresh" = {',
        '    properties = {',
        '      "hostname" = "fresh";',
        '    };',
        '    containers = {',
        '    };',
        '  };',
        '  "full" = {',
        '    properties = {',
        '      "hostname" = "full";',
        '    };',
        '    containers = {',
        '    };',
        '  };',
        '}',
        '',
      ].join('\n'),
    )
  })
})
