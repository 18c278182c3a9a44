import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { createStandIns, exists, put, runModule, sharedTestDir } from '@disnix-ts/test-servers'

// Not Cygwin: a stand-in cygrunsrv records the calls and remembers installed services.
async function setUp() {
  const root = await sharedTestDir()
  const services = join(root, 'services')
  const standIns = await createStandIns(root, {
    cygrunsrv: {
      script: `mkdir -p ${services}
case "$1" in
  --install) touch ${services}/"$2" ;;
  --remove) rm -f ${services}/"$2" ;;
  --query) [ -e ${services}/"$2" ] || { echo "cygrunsrv: The specified service does not exist" >&2; exit 1; } ;;
  --start) [ "$2" != broken ] || { echo "cygrunsrv: Error starting a service: broken" >&2; exit 1; } ;;
esac`,
    },
  })
  const component = join(root, 'webserver')
  await put(join(component, 'webserver-cygrunsrvparams'), '--path\n/usr/bin/webserver\n--args\n-p 8080\n')
  const env = { DYSNOMIA_STATEDIR: join(root, 'state'), PATH: standIns.path }
  return { root, standIns, component, env }
}

describe('cygrunsrv-service module (stand-in cygrunsrv)', () => {
  test('installs and starts the service with the parameters file, then stops and removes it', async () => {
    const { root, standIns, component, env } = await setUp()
    expect(await runModule('cygrunsrv-service', 'activate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await standIns.takeLines()).toEqual(['cygrunsrv --install webserver --path /usr/bin/webserver --args -p 8080', 'cygrunsrv --start webserver'])
    expect(await exists(join(root, 'state', 'activated', 'cygrunsrv-service', 'webserver'))).toBe(true)

    expect(await runModule('cygrunsrv-service', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await standIns.takeLines()).toEqual(['cygrunsrv --query webserver', 'cygrunsrv --stop webserver', 'cygrunsrv --remove webserver'])
    expect(await runModule('cygrunsrv-service', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: '', stderr: '' })
    expect(await standIns.takeLines()).toEqual(['cygrunsrv --query webserver'])
    expect(await exists(join(root, 'state', 'activated', 'cygrunsrv-service', 'webserver'))).toBe(false)
  })

  test('a service that does not start fails the activation and is removed again', async () => {
    const { root, standIns, env } = await setUp()
    const component = join(root, 'broken')
    await put(join(component, 'broken-cygrunsrvparams'), '--path\n/bin/false\n')
    expect(await runModule('cygrunsrv-service', 'activate', component, env)).toMatchObject({ exitCode: 1, stderr: 'cygrunsrv: Error starting a service: broken' })
    expect(await standIns.takeLines()).toEqual(['cygrunsrv --install broken --path /bin/false', 'cygrunsrv --start broken', 'cygrunsrv --remove broken'])
    expect(await exists(join(root, 'state', 'activated'))).toBe(false)
  })
})
