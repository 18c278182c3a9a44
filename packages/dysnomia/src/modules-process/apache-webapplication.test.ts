import { afterAll, beforeAll, describe, test } from 'vitest'
import { startApache, type WebServer } from '@disnix-ts/test-servers'
import { checkServed, deployAndRemove, documentRootFailure } from './web-application.cases.js'

let apache: WebServer

beforeAll(async () => {
  apache = await startApache()
}, 60_000)

afterAll(async () => {
  await apache?.stop()
})

describe('apache-webapplication module (real Apache httpd)', () => {
  test('deploys the web application into the document root Apache serves, and removes it', async () => {
    await deployAndRemove('apache-webapplication', apache)
  })

  test('check: healthy while served, failing when not deployed, not served or the server is killed', async () => {
    await checkServed('apache-webapplication', startApache)
  })

  test('fails with mkdir’s message when the document root cannot be created', async () => {
    await documentRootFailure('apache-webapplication')
  })
})
