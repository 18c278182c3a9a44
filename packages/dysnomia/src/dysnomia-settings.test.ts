import { describe, expect, test } from 'vitest'
import { defaultStateDir, dysnomiaSettings, splitSearchPath } from './dysnomia-settings.js'

describe('dysnomiaSettings', () => {
  test('applies the defaults of the original', () => {
    expect(dysnomiaSettings({}, { uid: 0 })).toEqual({
      containersPath: ['/etc/dysnomia/containers'],
      componentsPath: ['/etc/dysnomia/components'],
      modulesPath: [],
      stateDir: '/var/state/dysnomia',
      propertiesFile: '/etc/dysnomia/properties',
    })
  })

  test('reads the colon-separated paths and files from the environment', () => {
    const env = {
      DYSNOMIA_CONTAINERS_PATH: '/a:/b',
      DYSNOMIA_COMPONENTS_PATH: '/c',
      DYSNOMIA_MODULES_PATH: '/m1::/m2',
      DYSNOMIA_STATEDIR: '/s',
      DYSNOMIA_PROPERTIES: '/p',
    }
    expect(dysnomiaSettings(env, { uid: 1000 })).toEqual({
      containersPath: ['/a', '/b'],
      componentsPath: ['/c'],
      modulesPath: ['/m1', '/m2'],
      stateDir: '/s',
      propertiesFile: '/p',
    })
  })
})

describe('defaultStateDir', () => {
  test('root gets /var/state/dysnomia, others $HOME/.dysnomia (from the real HOME, QUIRK B.3)', () => {
    expect(defaultStateDir({ HOME: '/root' }, { uid: 0 })).toBe('/var/state/dysnomia')
    expect(defaultStateDir({ HOME: '/home/alice' }, { uid: 1000 })).toBe('/home/alice/.dysnomia')
    expect(defaultStateDir({}, { uid: 1000, home: '/home/bob' })).toBe('/home/bob/.dysnomia')
    expect(defaultStateDir({ DYSNOMIA_STATEDIR: '' }, { uid: 1000, home: '/home/bob' })).toBe('/home/bob/.dysnomia')
    expect(defaultStateDir({ DYSNOMIA_STATEDIR: '/x' }, { uid: 1000 })).toBe('/x')
  })
})

describe('splitSearchPath', () => {
  test('drops empty entries', () => {
    expect(splitSearchPath('')).toEqual([])
    expect(splitSearchPath(':/a::/b:')).toEqual(['/a', '/b'])
  })
})
