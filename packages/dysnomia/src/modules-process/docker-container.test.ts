import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { createDockerStandIn, exists, put, runModule, sharedTestDir } from '@disnix-ts/test-servers'

// No Docker engine here: the stand-in docker keeps images and containers as files in its state
// dir, so that `docker images` and `docker ps` answer like the real one.
async function setUp(settings: string) {
  const root = await sharedTestDir()
  const { standIns, stateDir: dockerState } = await createDockerStandIn(root)
  const component = join(root, 'nginx-container')
  await put(join(root, 'image.tar'), 'nginxexp:test')
  await put(join(component, 'nginx-docker-settings'), `dockerImage=${join(root, 'image.tar')}\ndockerImageTag=nginxexp:test\n${settings}`)
  await put(join(component, 'nginx-docker-createparams'), '-p\n127.0.0.1:8080:80\n--env\nGREETING=hello world\n')
  const env = { DYSNOMIA_STATEDIR: join(root, 'state'), PATH: standIns.path }
  return { root, dockerState, standIns, component, env }
}

describe('docker-container module (stand-in docker)', () => {
  test('stateless: loads, creates and starts; deactivation stops and removes container and image', async () => {
    const { root, dockerState, standIns, component, env } = await setUp('')
    const activate = await runModule('docker-container', 'activate', component, env)
    expect(activate).toMatchObject({ exitCode: 0, stdout: 'Loaded image: nginxexp:test\nid-dysnomia-nginx-container\ndysnomia-nginx-container' })
    expect(await standIns.takeLines()).toEqual([
      'docker images -q -f reference=nginxexp:test',
      `docker load -i ${join(root, 'image.tar')}`,
      'docker ps -a -q -f name=^dysnomia-nginx-container$',
      // Each line of the createparams file is one argument ("GREETING=hello world" included).
      'docker create -p 127.0.0.1:8080:80 --env GREETING=hello world --name dysnomia-nginx-container nginxexp:test',
      'docker start dysnomia-nginx-container',
    ])
    // Stateless deployments keep no markers.
    expect(await exists(join(root, 'state', 'activated'))).toBe(false)

    expect(await runModule('docker-container', 'activate', component, env)).toMatchObject({ exitCode: 0 })
    expect(await standIns.takeLines()).toEqual([
      'docker images -q -f reference=nginxexp:test',
      'docker ps -a -q -f name=^dysnomia-nginx-container$',
      'docker start dysnomia-nginx-container',
    ])
    expect(await runModule('docker-container', 'lock', component, env)).toMatchObject({ exitCode: 0, stdout: '' })
    expect(await standIns.takeLines()).toEqual([])

    expect(await runModule('docker-container', 'deactivate', component, env)).toMatchObject({ exitCode: 0 })
    expect(await standIns.takeLines()).toEqual([
      'docker ps -q -f name=^dysnomia-nginx-container$',
      'docker stop -t 1 dysnomia-nginx-container',
      'docker ps -a -q -f name=^dysnomia-nginx-container$',
      'docker rm dysnomia-nginx-container',
      'docker images -q -f reference=nginxexp:test',
      'docker rmi nginxexp:test',
    ])
    expect(await readdir(join(dockerState, 'containers'))).toEqual([])
    expect(await readdir(join(dockerState, 'images'))).toEqual([])

    expect(await runModule('docker-container', 'deactivate', component, env)).toMatchObject({ exitCode: 0, stdout: '' })
    expect(await standIns.takeLines()).toEqual([
      'docker ps -q -f name=^dysnomia-nginx-container$',
      'docker ps -a -q -f name=^dysnomia-nginx-container$',
      'docker images -q -f reference=nginxexp:test',
    ])
  })

  test('stateful, with its own container name (QUIRK B.11): kept after deactivation until collect-garbage', async () => {
    const { root, dockerState, standIns, component, env } = await setUp('dockerStatelessDeployment=0\ndockerContainerName=webserver\ndockerStopTimeout=5\n')
    expect(await runModule('docker-container', 'activate', component, env)).toMatchObject({ exitCode: 0 })
    expect((await standIns.takeLines()).at(-1)).toBe('docker start webserver')
    expect(await exists(join(root, 'state', 'activated', 'docker-container', 'nginx-container'))).toBe(true)

    expect(await runModule('docker-container', 'deactivate', component, env)).toMatchObject({ exitCode: 0 })
    expect(await standIns.takeLines()).toEqual(['docker ps -q -f name=^webserver$', 'docker stop -t 5 webserver'])
    expect(await readdir(join(dockerState, 'containers'))).toEqual(['webserver'])
    expect(await exists(join(root, 'state', 'garbage', 'docker-container', 'nginx-container'))).toBe(true)

    expect(await runModule('docker-container', 'collect-garbage', component, env)).toMatchObject({ exitCode: 0 })
    expect(await standIns.takeLines()).toEqual([
      'docker ps -a -q -f name=^webserver$',
      'docker rm webserver',
      'docker images -q -f reference=nginxexp:test',
      'docker rmi nginxexp:test',
    ])
    expect(await exists(join(root, 'state', 'garbage', 'docker-container', 'nginx-container'))).toBe(false)
    expect(await runModule('docker-container', 'collect-garbage', component, env)).toMatchObject({ exitCode: 0, stdout: '' })
    expect(await standIns.takeLines()).toEqual([])
  })

  test('check: healthy while the container runs; failing when it is stopped, removed, or Docker cannot be asked', async () => {
    const { root, dockerState, standIns, component, env } = await setUp('dockerStatelessDeployment=0\n')
    const check = () => runModule('docker-container', 'check', component, env)

    expect(await check()).toMatchObject({ exitCode: 1, stdout: '', stderr: 'Docker container: dysnomia-nginx-container does not exist' })
    expect(await standIns.takeLines()).toEqual(['docker ps -q -f name=^dysnomia-nginx-container$', 'docker ps -a -q -f name=^dysnomia-nginx-container$'])

    expect(await runModule('docker-container', 'activate', component, env)).toMatchObject({ exitCode: 0 })
    await standIns.takeLines()
    expect(await check()).toMatchObject({ exitCode: 0, stdout: 'healthy: Docker container: dysnomia-nginx-container is running', stderr: '' })
    expect(await standIns.takeLines()).toEqual(['docker ps -q -f name=^dysnomia-nginx-container$'])

    // The container's process died: docker ps -a still lists it, docker ps does not.
    await rm(join(dockerState, 'containers', 'dysnomia-nginx-container', 'running'))
    expect(await check()).toMatchObject({ exitCode: 1, stdout: '', stderr: 'Docker container: dysnomia-nginx-container exists but is not running' })

    await put(join(standIns.binDir, 'docker'), `#!/bin/bash\necho "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2\nexit 1\n`, 0o755)
    expect(await check()).toMatchObject({
      exitCode: 1,
      stderr: 'Cannot ask Docker about container: dysnomia-nginx-container: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
    })
    expect(await exists(join(root, 'state', 'garbage'))).toBe(false)
  })

  test('a failing docker command fails the activation with its message', async () => {
    const { root, component, env } = await setUp('')
    await put(join(component, 'nginx-docker-settings'), `dockerImage=${join(root, 'missing.tar')}\ndockerImageTag=nginxexp:test\n`)
    expect(await runModule('docker-container', 'activate', component, env)).toMatchObject({
      exitCode: 1,
      stderr: `open ${join(root, 'missing.tar')}: no such file or directory`,
    })
    await put(join(component, 'nginx-docker-settings'), 'dockerImage=/x.tar\n')
    expect(await runModule('docker-container', 'activate', component, env)).toMatchObject({
      exitCode: 1,
      stderr: `No dockerImageTag specified in: ${join(component, 'nginx-docker-settings')}`,
    })
  })
})
