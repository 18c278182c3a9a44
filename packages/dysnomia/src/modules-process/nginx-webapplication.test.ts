import { afterAll, beforeAll, describe, test } from 'vitest'
import { startNginx, type WebServer } from './servers.js'
import { deployAndRemove, documentRootFailure } from './web-application-cases.js'

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

  test('fails with mkdir’s message when the document root cannot be created', async () => {
    await documentRootFailure('nginx-webapplication')
  })
})
