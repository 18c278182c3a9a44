import { afterAll, beforeAll, describe, test } from 'vitest'
import { startNginx, type WebServer } from '@disnix-ts/test-servers'
import { checkServed, deployAndRemove, documentRootFailure } from './web-application.cases.js'

let nginx: WebServer

beforeAll(async () => {
  nginx = await startNginx()
}, 60_000)

afterAll(async () => {
  await nginx?.stop()
})

describe('nginx-webapplication module (real nginx)', () => {
  test('deploys the web application into the document root nginx serves, and removes it', async () => {
    await deployAndRemove('nginx-webapplication', nginx)
  })

  test('check: healthy while served, failing when not deployed, not served or the server is killed', async () => {
    await checkServed('nginx-webapplication', startNginx)
  })

  test('fails with mkdir’s message when the document root cannot be created', async () => {
    await documentRootFailure('nginx-webapplication')
  })
})
