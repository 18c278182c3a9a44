import { describe, expect, test } from 'vitest'
import { prefixLines } from './prefix-lines.js'
import { isSecretProperty, maskArgument, maskArguments, maskProperties, secretPropertyWords, secretValues, SECRET_PROPERTY_WORDS } from './secret-properties.js'
import { Writable } from 'node:stream'

describe('secret properties', () => {
  test.each(['mysqlPassword', 'PASSWORD', 'dbpassword', 'apiToken', 'clientSecret', 'sshKey', 'keyfile', 'awsCredentials', 'gpgPassphrase'])('%s looks secret', (name) => {
    expect(isSecretProperty(name)).toBe(true)
  })

  test.each(['hostname', 'mysqlPort', 'mysqlUsername', 'note', 'system'])('%s does not', (name) => {
    expect(isSecretProperty(name)).toBe(false)
  })

  test('DISNIX_SECRET_PROPERTIES adds comma-separated words, any case, blanks ignored', () => {
    const words = secretPropertyWords({ DISNIX_SECRET_PROPERTIES: ' Pin, ,licence ' })
    expect(words).toEqual([...SECRET_PROPERTY_WORDS, 'pin', 'licence'])
    expect(isSecretProperty('simPIN', words)).toBe(true)
    expect(isSecretProperty('simPIN')).toBe(false)
    expect(secretPropertyWords({})).toEqual([...SECRET_PROPERTY_WORDS])
  })

  test('name=value arguments: secret values become ***, the rest and the names stay', () => {
    expect(maskArguments(['mysqlPort=3306', 'mysqlPassword=s3cr=t x', 'noequals', 'apiToken='])).toEqual(['mysqlPort=3306', 'mysqlPassword=***', 'noequals', 'apiToken=***'])
    expect(maskArgument('pin=1234', ['pin'])).toBe('pin=***')
    expect(secretValues(['mysqlPort=3306', 'mysqlPassword=s3cr=t x', 'apiToken='])).toEqual(['s3cr=t x'])
    expect(maskProperties({ hostname: 'test1', dbPassword: 'x' })).toEqual({ hostname: 'test1', dbPassword: '***' })
  })

  test('relayed lines of a client interface are redacted', async () => {
    let out = ''
    const sink = new Writable({
      write(chunk, _e, cb) {
        out += String(chunk)
        cb()
      },
    })
    const stream = prefixLines(sink, '[target: t]: ', ['hunter2'])
    stream.write('module saw hunter2\nand hun')
    stream.end('ter2 again')
    await new Promise((resolve) => stream.on('finish', resolve))
    expect(out).toBe('[target: t]: module saw ***\n[target: t]: and *** again\n')
  })
})
